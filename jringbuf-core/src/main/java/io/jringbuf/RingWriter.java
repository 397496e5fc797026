/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RingType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Objects;

/**
 * The writing side of one ring: the producers of a JVM RINGBUF (any number of threads and
 * processes) or the one producer of a USER_RINGBUF (kernel map or JVM ring). Every writer has the
 * same shape, whatever backs it.
 *
 * <pre>{@code
 * long offset = writer.reserve(16);                 // or reserve(16, timeout) to wait for space
 * if (offset != RingWriter.NO_SPACE) {
 *     writer.buffer().set(ValueLayout.JAVA_LONG, offset, 42L);
 *     writer.buffer().set(ValueLayout.JAVA_LONG, offset + 8, System.nanoTime());
 *     writer.submit(offset);                        // or discard(offset)
 * }
 * }</pre>
 *
 * <h2>Reserve, then submit or discard</h2>
 * A reservation returns the offset of the record's payload in {@link #buffer()}; write the
 * payload there, then {@link #submit} it (or {@link #discard} it: the reader skips it). Records
 * become visible in reservation order. Reserved records are invisible to the reader, and stop it,
 * until they are committed: commit every reservation promptly. Timeouts follow
 * {@code java.util.concurrent} (see {@link RingReader}).
 *
 * <h2>Wakeups</h2>
 * A commit with flags 0 wakes the reader only if it is parked at the committed record (the
 * kernel's adaptive rule: a reader that is behind will see the record anyway);
 * {@link #NO_WAKEUP} never wakes it, {@link #FORCE_WAKEUP} always does (and wins over
 * {@code NO_WAKEUP}). A kernel USER_RINGBUF's reader is a BPF program, which decides itself when
 * to drain: there the flags change nothing.
 *
 * <table>
 *   <caption>libbpf and kernel equivalents</caption>
 *   <tr><th>method</th><th>USER_RINGBUF (libbpf)</th><th>RINGBUF (kernel)</th></tr>
 *   <tr><td>{@link #reserve(int)}</td><td>{@code user_ring_buffer__reserve}</td>
 *       <td>{@code bpf_ringbuf_reserve}</td></tr>
 *   <tr><td>{@link #reserve(int, Duration)}</td><td>{@code user_ring_buffer__reserve_blocking}</td>
 *       <td>—</td></tr>
 *   <tr><td>{@link #submit(long, int)}</td><td>{@code user_ring_buffer__submit}</td>
 *       <td>{@code bpf_ringbuf_submit}</td></tr>
 *   <tr><td>{@link #discard(long, int)}</td><td>{@code user_ring_buffer__discard}</td>
 *       <td>{@code bpf_ringbuf_discard}</td></tr>
 *   <tr><td>{@link #output(byte[], int)}</td><td>—</td><td>{@code bpf_ringbuf_output}</td></tr>
 *   <tr><td>positions, {@link #availableBytes()}, {@link #size()}</td><td>—</td>
 *       <td>{@code bpf_ringbuf_query}</td></tr>
 * </table>
 */
public interface RingWriter {
    /** What a reservation returns when there is no space (now, or within its timeout). */
    long NO_SPACE = -1L;
    /** Commit flag: wake nobody ({@code BPF_RB_NO_WAKEUP}). */
    int NO_WAKEUP = 1;
    /** Commit flag: wake the reader whatever its position ({@code BPF_RB_FORCE_WAKEUP}). */
    int FORCE_WAKEUP = 2;

    /**
     * Reserves space for a record of {@code length} payload bytes, without waiting.
     *
     * @param length payload bytes
     * @return the payload's offset in {@link #buffer()}, or {@link #NO_SPACE} (counted in
     *         {@link #drops()})
     * @throws ErrnoException E2BIG if the length can never fit; EBADF if the ring is closed;
     *                        EINVAL if its positions are corrupt; EBUSY if another producer
     *                        writes into a USER_RINGBUF
     */
    long reserve(int length);

    /**
     * Reserves space, waiting up to {@code timeout} for the reader to free enough of it.
     *
     * @param length payload bytes
     * @param timeout how long to wait (see {@link RingReader} "Timeouts")
     * @return the payload's offset in {@link #buffer()}, or {@link #NO_SPACE} on timeout,
     *         {@link #wakeUp()} or thread interrupt (counted in {@link #drops()})
     * @throws ErrnoException as {@link #reserve(int)}, E2BIG at once without waiting
     */
    long reserve(int length, Duration timeout);

    /**
     * Commits a reserved record, waking the reader by the adaptive rule.
     *
     * @param offset what a reservation returned
     * @throws ErrnoException EINVAL if the offset is not a reserved record
     */
    default void submit(long offset) {
        submit(offset, 0);
    }

    /**
     * Commits a reserved record.
     *
     * @param offset what a reservation returned
     * @param flags 0, {@link #NO_WAKEUP} or {@link #FORCE_WAKEUP} (see "Wakeups")
     * @throws ErrnoException EINVAL for unknown flags or an offset that is not a reserved record
     */
    void submit(long offset, int flags);

    /**
     * Commits a reserved record as discarded: the reader skips it.
     *
     * @param offset what a reservation returned
     * @throws ErrnoException EINVAL if the offset is not a reserved record
     */
    default void discard(long offset) {
        discard(offset, 0);
    }

    /**
     * Commits a reserved record as discarded.
     *
     * @param offset what a reservation returned
     * @param flags 0, {@link #NO_WAKEUP} or {@link #FORCE_WAKEUP}
     * @throws ErrnoException EINVAL for unknown flags or an offset that is not a reserved record
     */
    void discard(long offset, int flags);

    /**
     * Copies a record into the ring: reserve without waiting, copy, submit.
     *
     * @param payload the record's bytes
     * @param flags 0, {@link #NO_WAKEUP} or {@link #FORCE_WAKEUP}
     * @return true if written, false if there was no space (counted in {@link #drops()}; the
     *         kernel's {@code bpf_ringbuf_output} returns -EAGAIN)
     * @throws ErrnoException E2BIG if the record can never fit, EINVAL for unknown flags
     */
    default boolean output(byte[] payload, int flags) {
        return output(MemorySegment.ofArray(payload), 0, payload.length, flags);
    }

    /**
     * Copies {@code length} bytes of {@code source} from {@code sourceOffset} into the ring as
     * one record: reserve without waiting, copy, submit.
     *
     * @param source the bytes
     * @param sourceOffset where they start
     * @param length how many
     * @param flags 0, {@link #NO_WAKEUP} or {@link #FORCE_WAKEUP}
     * @return true if written, false if there was no space (counted in {@link #drops()})
     * @throws ErrnoException E2BIG if the record can never fit, EINVAL for unknown flags
     * @throws IndexOutOfBoundsException if {@code source} has fewer than {@code sourceOffset +
     *                                   length} bytes (nothing is reserved)
     */
    default boolean output(MemorySegment source, long sourceOffset, int length, int flags) {
        if ((flags & ~(NO_WAKEUP | FORCE_WAKEUP)) != 0) {
            // Checked before reserving, so that a bad call leaves no reserved record behind.
            throw new ErrnoException(Errno.EINVAL, "output: flags 0x" + Integer.toHexString(flags)
                    + ": only NO_WAKEUP (1) and FORCE_WAKEUP (2) exist");
        }
        if (length >= 0 && length <= size()) { // longer or negative: reserve says E2BIG
            // Checked before reserving too: a source too short must not leave a reserved record behind.
            Objects.checkFromIndexSize(sourceOffset, length, source.byteSize());
        }
        long offset = reserve(length);
        if (offset == NO_SPACE) {
            return false;
        }
        try {
            MemorySegment.copy(source, ValueLayout.JAVA_BYTE, sourceOffset, buffer(), ValueLayout.JAVA_BYTE, offset,
                    length);
        } catch (RuntimeException | Error e) {
            // The source failed (closed, or its own mapping faulted): the record must not stay
            // reserved, or every later record would wait behind it. A ring fault fails the
            // discard as well, with the ring's typed error.
            discard(offset, 0);
            throw e;
        }
        submit(offset, flags);
        return true;
    }

    /** {@return the data area (both copies): write payloads at the offsets reservations return} */
    MemorySegment buffer();

    /** Makes a thread blocked in {@link #reserve(int, Duration)} return {@link #NO_SPACE}. */
    void wakeUp();

    /** {@return {@link RingType#RINGBUF} or {@link RingType#USER_RINGBUF}} */
    RingType type();

    /** {@return the data area size in bytes} */
    long size();

    /** {@return {@code consumer_pos}, acquire-loaded} */
    long consumerPosition();

    /** {@return {@code producer_pos}, acquire-loaded} */
    long producerPosition();

    /** {@return unconsumed bytes, including reserved and discarded records: a racy snapshot} */
    long availableBytes();

    /**
     * {@return reservations refused for lack of space: for a JVM ring over the ring's life in every process
     * (the ring file keeps the count); for a kernel USER_RINGBUF by this writer}
     */
    long drops();

    /**
     * {@return the ring's statistics as this writer sees them: positions, backlog, records lost}
     * The delivery counters are the reader's (0 here). Any thread may ask.
     */
    RingStatistics statistics();
}
