/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.RingType;

/**
 * A writer's statistics: positions and backlog read when asked, the highest backlog seen when a
 * reservation found no space (or when asked), and the ring's drop count. Nothing is counted per
 * record, so a writer with several threads needs no shared counter.
 */
final class WriterStatistics {
    private final String ring;
    private final RingType type;
    private final long startPosition;
    /** Written by the threads whose reservation found no space: a racy maximum, as a statistic may be. */
    private volatile long maxBacklog;

    WriterStatistics(String ring, RingType type, long startPosition) {
        this.ring = ring;
        this.type = type;
        this.startPosition = startPosition;
    }

    /** A reservation found no space: the ring is about as full as it gets. */
    void refused(long backlog) {
        if (backlog > maxBacklog) {
            maxBacklog = backlog;
        }
    }

    RingStatistics snapshot(long size, long consumerPosition, long producerPosition, long lost) {
        long backlog = producerPosition - consumerPosition;
        refused(backlog);
        return new RingStatistics(ring, type, size, consumerPosition, producerPosition, backlog, maxBacklog, 0,
                producerPosition - startPosition, 0, 0, lost, null);
    }
}
