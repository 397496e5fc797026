/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.RingType;

import java.time.Instant;

/**
 * One ring's statistics at one moment, as one reader or writer saw them: an immutable snapshot,
 * cheap enough to take often (a few loads; a kernel ring's lost counter is one system call). The
 * counters are kept per call, not per record, so they can stay on.
 *
 * <p>A reader fills every field. A writer fills the positions, the backlog and {@link #lost()};
 * the delivery counters ({@link #records()}, {@link #calls()}, {@link #wakeups()},
 * {@link #lastRecord()}) are the reader's and stay 0 (null) in a writer's snapshot.
 *
 * @param ring a name for the ring: the file of a JVM ring ("anonymous" for one in memory), or
 *             "map NAME (id N)" for a kernel map
 * @param type the ring's format
 * @param size the data area in bytes
 * @param consumerPosition {@code consumer_pos} now
 * @param producerPosition {@code producer_pos} now
 * @param backlogBytes unconsumed bytes now ({@code producer_pos - consumer_pos}, reserved and
 *                     discarded records and records read but not committed included)
 * @param maxBacklogBytes the highest backlog this reader or writer saw since it was made (sampled
 *                        at the start of each call, and now)
 * @param records records delivered to handlers by this reader
 * @param bytes ring bytes this reader consumed (its consumer position's advance, headers and
 *              discarded records included) or this writer's ring received (the producer
 *              position's advance, every producer included)
 * @param calls consume and poll calls of this reader
 * @param wakeups waits of this reader that ended because a producer woke it
 * @param lost records the ring refused for lack of space: for a JVM ring over its life in every
 *             process; for a kernel RINGBUF what its BPF programs counted in the ring's lost
 *             counter map (see {@code include/jringbuf_lost.h} in the repository), or -1 if it has none; for a
 *             kernel USER_RINGBUF this writer's refused reservations
 * @param lastRecord when this reader last delivered a record, or null if it never did
 */
public record RingStatistics(String ring, RingType type, long size, long consumerPosition, long producerPosition,
                             long backlogBytes, long maxBacklogBytes, long records, long bytes, long calls,
                             long wakeups, long lost, Instant lastRecord) {
}
