/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;

import java.time.Duration;

/**
 * The reading side of one ring: the consumer of a RINGBUF (kernel map or JVM ring) or the drainer
 * of a JVM USER_RINGBUF. Every reader has the same shape, whatever backs it.
 *
 * <h2>Reading</h2>
 * Records are delivered in ring order, zero-copy, to a {@link RecordHandler}: a record reserved
 * but not yet committed (BUSY) ends the call, and the reader resumes there next time; a discarded
 * record is skipped and not counted; a handler that returns {@link RecordHandler#STOP} or throws
 * ends the call after its record, which counts as consumed (a thrown exception propagates). A
 * corrupt ring fails with {@link ErrnoException} EINVAL after the records before the corruption
 * were delivered. {@link #consume} never waits; {@link #poll} waits for the first record.
 *
 * <h2>Timeouts</h2>
 * As in {@code java.util.concurrent}: zero or negative means "do not wait", a null timeout is a
 * {@link NullPointerException}, {@link #poll(RecordHandler)} waits without a limit, and so does a
 * duration too long to count in nanoseconds ({@code ChronoUnit.FOREVER.getDuration()}).
 *
 * <h2>Committing</h2>
 * The {@link CommitMode}, chosen when the reader is created, says when {@code consumer_pos}
 * moves. Every store of it is followed by the missed-wakeup fence: a full fence before the next
 * load of {@code producer_pos} (and before any return), so that a producer committing a record
 * at that moment either sees the reader caught up and wakes it, or the reader sees the record.
 * Without it (libbpf before 2026) a reader can sleep with a committed record in the ring.
 *
 * <h2>Threads</h2>
 * One reader per ring, used by one thread at a time (the protocol has one consumer);
 * {@link #wakeUp()} may be called from any thread.
 *
 * <table>
 *   <caption>libbpf equivalents</caption>
 *   <tr><th>method</th><th>libbpf</th></tr>
 *   <tr><td>{@link #consume(RecordHandler)}</td><td>{@code ring__consume}</td></tr>
 *   <tr><td>{@link #consume(RecordHandler, int)}</td><td>{@code ring__consume_n}</td></tr>
 *   <tr><td>{@link #poll(RecordHandler, Duration)}</td><td>{@code ring_buffer__poll} on one ring</td></tr>
 *   <tr><td>{@link #consumerPosition()}, {@link #producerPosition()}, {@link #availableBytes()},
 *       {@link #size()}</td><td>{@code ring__consumer_pos}, {@code ring__producer_pos},
 *       {@code ring__avail_data_size}, {@code ring__size}</td></tr>
 * </table>
 */
public interface RingReader {

    /**
     * Delivers every committed record, without waiting.
     *
     * @param handler receives the records
     * @return records delivered (discarded records are not counted), at most
     *         {@link Integer#MAX_VALUE}
     * @throws ErrnoException EINVAL if the ring is corrupt, EBADF if it was closed, EBUSY if
     *                        another drain of a USER_RINGBUF is running
     */
    int consume(RecordHandler handler);

    /**
     * Delivers at most {@code maxRecords} committed records, without waiting;
     * {@code maxRecords <= 0} delivers none.
     *
     * @param handler receives the records
     * @param maxRecords the most records to deliver
     * @return records delivered
     * @throws ErrnoException as {@link #consume(RecordHandler)}
     */
    int consume(RecordHandler handler, int maxRecords);

    /**
     * Waits without a time limit for a record (or {@link #wakeUp()}), then delivers every
     * committed record.
     *
     * @param handler receives the records
     * @return records delivered; 0 if woken without records
     * @throws ErrnoException as {@link #consume(RecordHandler)}
     */
    int poll(RecordHandler handler);

    /**
     * Waits up to {@code timeout} for a record, then delivers every committed record.
     *
     * @param handler receives the records
     * @param timeout how long to wait for the first record (see "Timeouts")
     * @return records delivered; 0 on timeout, {@link #wakeUp()} or thread interrupt (the
     *         interrupt status stays set)
     * @throws ErrnoException as {@link #consume(RecordHandler)}
     */
    int poll(RecordHandler handler, Duration timeout);

    /**
     * Waits up to {@code timeout} for a record, then delivers at most {@code maxRecords}.
     *
     * @param handler receives the records
     * @param maxRecords the most records to deliver; {@code <= 0} delivers none and does not wait
     * @param timeout how long to wait for the first record (see "Timeouts")
     * @return records delivered; 0 on timeout
     * @throws ErrnoException as {@link #consume(RecordHandler)}
     */
    int poll(RecordHandler handler, int maxRecords, Duration timeout);

    /** Makes a thread blocked in {@link #poll} return (or the next poll, if none is blocked). */
    void wakeUp();

    /** {@return when this reader stores {@code consumer_pos}} */
    CommitMode commitMode();

    /**
     * The position just past the last record delivered: inside a handler, just past the record
     * being delivered. Equal to {@link #consumerPosition()} unless the commit mode is
     * {@link CommitMode#EXPLICIT} and records were read but not committed.
     *
     * @return the read position
     */
    long readPosition();

    /**
     * Gives the space of every record before {@code position} back to the producers: stores it
     * as {@code consumer_pos}, then the missed-wakeup fence. Only {@link CommitMode#EXPLICIT}
     * readers have anything to commit; for the others the read position is always the consumer
     * position, which commits nothing.
     *
     * @param position a {@link #readPosition()} value, between {@link #consumerPosition()} and the
     *                 read position (both included)
     * @throws ErrnoException EINVAL if the position is outside that range; EBADF if closed
     */
    void commit(long position);

    /**
     * Commits everything read so far: {@code commit(readPosition())}.
     *
     * @throws ErrnoException EBADF if the ring was closed
     */
    default void commit() {
        commit(readPosition());
    }

    /** {@return {@link RingType#RINGBUF} (a consumer) or {@link RingType#USER_RINGBUF} (a drainer)} */
    RingType type();

    /** {@return the data area size in bytes ({@code max_entries} of a kernel map)} */
    long size();

    /** {@return {@code consumer_pos}, acquire-loaded} */
    long consumerPosition();

    /** {@return {@code producer_pos}, acquire-loaded} */
    long producerPosition();

    /**
     * {@return unconsumed bytes, including BUSY and discarded records and records read but not committed: a
     * racy snapshot for heuristics and reporting}
     */
    long availableBytes();

    /**
     * {@return this reader's statistics now: positions, backlog, records delivered, calls, wakeups,
     * records lost} Counted per call, never per record; any thread may ask.
     */
    RingStatistics statistics();
}
