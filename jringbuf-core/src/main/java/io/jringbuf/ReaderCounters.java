/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.RingType;
import io.jringbuf.internal.wait.Waiter;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The statistics a reader keeps, updated once per call (never per record): calls, records
 * delivered, the highest backlog seen at the start of a call, the time of the last delivery, and
 * the waits a wakeup ended. The reader's thread writes them with plain stores; a snapshot from
 * another thread may lag by a call ({@link RingStatistics} is a racy snapshot by design).
 */
final class ReaderCounters {
    private final String ring;
    private final RingType type;
    private final long startPosition;
    private final LongSupplier lost;
    long calls;
    long records;
    long wakeups;
    long maxBacklog;
    /** {@link System#currentTimeMillis()} of the last call that delivered records, 0 if none. */
    long lastRecordMillis;
    /** The ring's lost count at the end of the last call (for the JFR lost event). */
    private long lastLost;

    /**
     * @param startPosition consumer_pos when the reader was made (for the bytes consumed)
     * @param lost the ring's lost count, -1 if unknown
     */
    ReaderCounters(String ring, RingType type, long startPosition, LongSupplier lost) {
        this.ring = ring;
        this.type = type;
        this.startPosition = startPosition;
        this.lost = lost;
        this.lastLost = lost.getAsLong();
    }

    /** @return the ring's name in statistics and events */
    String ring() {
        return ring;
    }

    /** At the start of a call: the backlog it found. */
    void called(long backlog) {
        calls++;
        if (backlog > maxBacklog) {
            maxBacklog = backlog;
        }
    }

    /** At the end of a call that delivered {@code n} records. */
    int delivered(int n) {
        if (n > 0) {
            records += n;
            lastRecordMillis = System.currentTimeMillis();
        }
        long now = lost.getAsLong();
        if (now != lastLost) {
            if (now > lastLost && lastLost >= 0) {
                RingEvents.lost(ring, now - lastLost, now);
            }
            lastLost = now;
        }
        return n;
    }

    RingStatistics snapshot(long size, long consumerPosition, long producerPosition) {
        long backlog = producerPosition - consumerPosition;
        long last = lastRecordMillis;
        return new RingStatistics(ring, type, size, consumerPosition, producerPosition, backlog,
                Math.max(maxBacklog, backlog), records, consumerPosition - startPosition, calls, wakeups,
                lost.getAsLong(), last == 0 ? null : Instant.ofEpochMilli(last));
    }

    /** Wraps a waiter so that the waits a wakeup ended are counted. */
    Waiter counting(Waiter waiter) {
        return new Waiter() {
            @Override
            public long prepareWait() {
                return waiter.prepareWait();
            }

            @Override
            public int await(long token, long nanos) {
                int outcome = waiter.await(token, nanos);
                if (outcome == SIGNALLED) {
                    wakeups++;
                }
                return outcome;
            }

            @Override
            public void cancelWait() {
                waiter.cancelWait();
            }

            @Override
            public void interrupt() {
                waiter.interrupt();
            }
        };
    }
}
