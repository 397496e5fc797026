/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.wait.Waiter;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.wait.Blocking;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

import static io.jringbuf.internal.format.RingLayout.PENDING_POS_OFFSET;

/**
 * The multi-producer side of a RINGBUF-format JVM ring: what the kernel does for BPF programs
 * ({@code bpf_ringbuf_reserve}, {@code _submit}, {@code _discard}, {@code _output},
 * {@code _query}), in Java. Thread-safe, and safe across processes sharing the ring file.
 *
 * <h2>Reserve</h2>
 * A short lock (in the ring's {@link RingControl}) orders reservations, so records become
 * visible in reservation order. Under the lock, a reservation succeeds only if the new producer
 * position is at most {@code size - 1} bytes ahead of both {@code consumer_pos} and
 * {@code pending_pos} (the second check, kernel 2024, stops a reservation from overlapping a
 * record still being written, whatever {@code consumer_pos} says). The kernel advances
 * {@code pending_pos} over committed records on every reservation; this producer does it in
 * batches: once {@code pending_pos} trails {@code producer_pos} by more than 4 KiB (a quarter of
 * the ring if that is less), it walks on to half that distance, and it always walks as far as the
 * new record needs, stopping at the first BUSY record. The decisions are the
 * same: every walk stops at the same BUSY record as the kernel's, and reaches it whenever the
 * record would otherwise be refused. The headers it reads are a few KiB back, not the previous
 * record's, which a consumer that keeps up has often just read. The walk relies on two facts: no
 * admitted record reaches past {@code pending_pos + size - 1}, so the headers from
 * {@code pending_pos} to {@code producer_pos} are intact; and no consumer writes a consumed header
 * (a consumer only turns a dead producer's BUSY header at its head into DISCARD).
 * {@code consumer_pos} is loaded again only when the value this producer loaded last
 * leaves too little room (the consumer stores it per record; re-reading it on every reservation
 * would bounce its cache line between cores). The header is written BUSY, with this process's id
 * in its second word, before the release store of {@code producer_pos}. Reservation never
 * waits for space in {@link #reserve(int)}; a failure returns -1 and counts a drop
 * ({@link #drops()}). (The 64th reservation of a producer also defines its own class, see
 * below: a one-time cost in that call.)
 *
 * <h2>Commit</h2>
 * {@link #submit} and {@link #discard} publish the header with an atomic exchange (a full
 * barrier), then decide the wakeup like the kernel: {@link RingLayout#FORCE_WAKEUP} always wakes
 * (it wins over {@link RingLayout#NO_WAKEUP}); {@code NO_WAKEUP} never does; otherwise the
 * consumer is woken only if it is parked exactly at the committed record — if it is behind, it
 * will see the record while catching up. The consumer position is loaded for that test only if the
 * notifier reports a registered waiter ({@link Notifier#mayHaveWaiters()}): with nobody asleep
 * the answer would not matter. A {@code NO_WAKEUP} commit (without FORCE) decides nothing after
 * the header store, so it is a release store instead of the exchange (the kernel exchanges in
 * every case): the cheaper choice for consumers that spin rather than sleep.
 *
 * <h2>Specialisation</h2>
 * Reservation and commit are {@link ProducerOpsTemplate}'s: the generic class at first, a class of
 * this ring's own after 64 reservations (see the package documentation, "Specialised hot
 * paths").
 *
 * <h2>Sizes</h2>
 * The largest payload is {@code size - 16} (a RINGBUF never fills completely). A size with one
 * of the two top bits set, a negative size, or one that can never fit is refused with
 * {@link ErrnoException} E2BIG and not counted as a drop.
 */
public final class Producer {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    private final RingControl control;
    /** Wakes the consumer (read by {@link Ops#commit}). */
    final Notifier dataNotifier;
    private final Waiter spaceWaiter;
    /** This process's id: the lock's owner word and the BUSY header's second word. */
    final int ownerWord;
    private final RingView view;
    /** Whether producers overwrite the oldest committed records ({@code BPF_F_RB_OVERWRITE}). */
    private final boolean overwrite;
    /** The reservation and commit code shared by producers that are not specialised (yet). */
    private final Ops generic;
    /** This producer's own reservation and commit code, once defined (see {@link ProducerOpsTemplate}). */
    private Ops special;
    /** Guards the definition of {@link #special}. */
    private final Object specializing = new Object();
    /** Reservations left before the code is specialised (Long.MAX_VALUE once tried); racy on purpose. */
    private long untilSpecialized = Specializer.countdown(SPECIALIZE_AFTER);
    /**
     * The last {@code consumer_pos} this object acquire-loaded. Read and written only under the
     * reservation lock (whose acquire/release orders it between this process's threads); each
     * process has its own. Never ahead of the real position, so a check against it is
     * conservative; it is reloaded only when it says the ring is too full.
     */
    long cachedConsumerPosition;

    /**
     * Creates a producer.
     *
     * @param view the ring's memory; the producer page (with {@code pending_pos}) and data must be
     *             writable
     * @param control the ring's control block (lock, drop counter)
     * @param dataNotifier wakes the consumer
     * @param spaceWaiter what {@link #reserve(int, long)} sleeps on; null only in tests that never wait
     */
    public Producer(RingView view, RingControl control, Notifier dataNotifier, Waiter spaceWaiter) {
        this(view, control, dataNotifier, spaceWaiter, false);
    }

    /**
     * Creates a producer of an ordinary or an overwrite ring. An overwrite ring's producer
     * ({@code BPF_F_RB_OVERWRITE}, Linux 6.19) ignores {@code consumer_pos}: it moves
     * {@code overwrite_pos} past the oldest committed records until the new record fits, and
     * refuses a reservation only when it would reach a BUSY record (see
     * {@code ProducerOpsTemplate#reserveOverwriting}).
     *
     * @param overwrite whether the ring is an overwrite ring (its producer page must hold the
     *                  overwrite words, 40 bytes)
     */
    public Producer(RingView view, RingControl control, Notifier dataNotifier, Waiter spaceWaiter, boolean overwrite) {
        this.overwrite = overwrite;
        if (view.producerPage().byteSize() < PENDING_POS_OFFSET + 8) {
            throw new ErrnoException(Errno.EINVAL, "producer: the producer page must hold pending_pos at offset 8");
        }
        this.consumerPage = view.consumerPage();
        this.producerPage = view.producerPage();
        this.data = view.data();
        this.size = view.size();
        this.mask = view.mask();
        this.control = Objects.requireNonNull(control, "control");
        this.dataNotifier = Objects.requireNonNull(dataNotifier, "dataNotifier");
        this.spaceWaiter = spaceWaiter;
        this.ownerWord = control.ownerToken();
        this.view = view;
        this.generic = Specializer.producerOps(view, control, overwrite, false);
        if (untilSpecialized <= 0) {
            specialize(); // jringbuf.specialize=always
        }
        // Acquire: pairs with the consumer's release store of consumer_pos.
        this.cachedConsumerPosition = (long) LONG.getAcquire(consumerPage, 0L);
    }

    /**
     * Reserves space for a record of {@code length} payload bytes, without blocking.
     *
     * @return the payload's offset in {@link #buffer()}, or -1 if there is no space now (counted
     *         as a drop)
     * @throws ErrnoException E2BIG if the length can never fit, EBADF if the ring is closed,
     *                        EINVAL if the ring's positions are corrupt
     */
    public long reserve(int length) {
        long recordSize = checkLength(length);
        try {
            long offset = tryReserve(length, recordSize);
            if (offset < 0) {
                control.countDrop();
                return -1;
            }
            return offset;
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "reserve");
        }
    }

    /**
     * Reserves space, waiting up to {@code nanos} for the consumer to free enough of it.
     *
     * <p>A reservation also waits for the reservation lock, 0.25 s per attempt; while another
     * process holds it, the attempt is repeated after every sleep. If the time runs out while the
     * lock is still held, the reservation fails with ETIMEDOUT naming the holder (its pid, and
     * whether it is alive and stopped, e.g. by SIGSTOP) instead of returning -1 as for a full ring.
     *
     * @param nanos how long to wait; 0 does not wait, {@link Blocking#FOREVER} waits forever
     * @return the payload's offset in {@link #buffer()}, or -1 on timeout (counted as one drop)
     * @throws ErrnoException E2BIG if the length can never fit; ETIMEDOUT if the time ran out
     *                        while another process held the reservation lock (counted as a drop)
     */
    public long reserve(int length, long nanos) {
        long recordSize = checkLength(length);
        try {
            long offset = tryReserve(length, recordSize);
            if (offset < 0 && spaceWaiter != null) {
                // Slow path only: the last attempt's result, so that a lock held by a stopped
                // process is retried after each sleep (it sends no wakeup when it lets go). An
                // overwrite ring waits only for a BUSY record's commit, which wakes nobody: it
                // looks again after every slice.
                long[] last = {offset};
                offset = Blocking.await(spaceWaiter, nanos,
                        () -> last[0] = tryReserve(length, recordSize),
                        () -> overwrite || control.consumerDied() || last[0] == LOCK_TIMED_OUT);
            }
            if (offset < 0) {
                control.countDrop();
                if (offset == LOCK_TIMED_OUT && spaceWaiter != null) {
                    throw control.lockTimedOut("reserve", nanos);
                }
                return -1;
            }
            return offset;
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "reserve");
        }
    }

    /** Wakes a thread blocked in {@link #reserve(int, long)} (it returns -1). */
    public void wakeUp() {
        spaceWaiter.interrupt();
    }

    /**
     * Commits a reserved record.
     *
     * @param offset what {@link #reserve} returned
     * @param flags 0 (adaptive wakeup), {@link RingLayout#NO_WAKEUP} or {@link RingLayout#FORCE_WAKEUP}
     * @throws ErrnoException EINVAL for unknown flags or an offset that is not a reserved record
     */
    public void submit(long offset, int flags) {
        commit(offset, flags, false, "submit");
    }

    /**
     * Commits a reserved record as discarded: the consumer skips it.
     *
     * @param offset what {@link #reserve} returned
     * @param flags 0, {@link RingLayout#NO_WAKEUP} or {@link RingLayout#FORCE_WAKEUP}
     * @throws ErrnoException EINVAL for unknown flags or an offset that is not a reserved record
     */
    public void discard(long offset, int flags) {
        commit(offset, flags, true, "discard");
    }

    /**
     * Copies a record into the ring: reserve, copy, submit.
     *
     * @return true if written, false if there was no space (counted as a drop; the kernel's
     *         {@code bpf_ringbuf_output} returns -EAGAIN)
     * @throws ErrnoException EINVAL for unknown flags, E2BIG if the length can never fit
     */
    public boolean output(MemorySegment source, long sourceOffset, int length, int flags) {
        checkFlags(flags, "output");
        checkLength(length); // E2BIG first, as reserve would say
        // Checked before reserving: a source too short must not leave a reserved record behind.
        Objects.checkFromIndexSize(sourceOffset, length, source.byteSize());
        long offset = reserve(length);
        if (offset < 0) {
            return false;
        }
        try {
            MemorySegment.copy(source, sourceOffset, data, offset, length);
        } catch (RuntimeException | Error e) {
            throw abandon(offset, e);
        }
        submit(offset, flags);
        return true;
    }

    /**
     * Copies a record from an array into the ring.
     *
     * @return true if written, false if there was no space (counted as a drop)
     */
    public boolean output(byte[] payload, int flags) {
        checkFlags(flags, "output");
        long offset = reserve(payload.length);
        if (offset < 0) {
            return false;
        }
        try {
            MemorySegment.copy(payload, 0, data, ValueLayout.JAVA_BYTE, offset, payload.length);
        } catch (RuntimeException | Error e) {
            throw abandon(offset, e);
        }
        submit(offset, flags);
        return true;
    }

    /**
     * Discards a record whose copy failed, so that it does not stay reserved (every later record
     * would wait behind it), and returns the copy's failure to throw.
     */
    private RuntimeException abandon(long offset, Throwable copyFailure) {
        try {
            discard(offset, 0);
        } catch (RuntimeException | Error discardFailure) {
            copyFailure.addSuppressed(discardFailure); // the ring's own fault, reported by the copy too
        }
        return Closed.translate(copyFailure, data, "output");
    }

    /**
     * {@code bpf_ringbuf_query}: a racy snapshot for heuristics and reporting.
     *
     * @param selector {@link RingLayout#QUERY_AVAIL_DATA}, {@code QUERY_RING_SIZE},
     *                 {@code QUERY_CONS_POS} or {@code QUERY_PROD_POS}
     * @return the value, or 0 for an unknown selector (as the kernel does)
     */
    public long query(int selector) {
        return switch (selector) {
            case RingLayout.QUERY_AVAIL_DATA -> {
                long cons = (long) LONG.getAcquire(consumerPage, 0L);
                long prod = (long) LONG.getAcquire(producerPage, 0L);
                if (overwrite) {
                    // The kernel's: producer_pos - max(consumer_pos, overwrite_pos).
                    long ow = (long) LONG.getAcquire(producerPage, RingLayout.OVERWRITE_POS_OFFSET);
                    yield prod - (ow - cons > 0 ? ow : cons);
                }
                yield prod - cons;
            }
            case RingLayout.QUERY_OVERWRITE_POS -> overwrite
                    ? (long) LONG.getAcquire(producerPage, RingLayout.OVERWRITE_POS_OFFSET) : 0;
            case RingLayout.QUERY_RING_SIZE -> size;
            case RingLayout.QUERY_CONS_POS -> (long) LONG.getAcquire(consumerPage, 0L);
            case RingLayout.QUERY_PROD_POS -> (long) LONG.getAcquire(producerPage, 0L);
            default -> 0;
        };
    }

    /** {@return {@code consumer_pos}, acquire-loaded} */
    public long consumerPosition() {
        try {
            return (long) LONG.getAcquire(consumerPage, 0L);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "read consumer_pos");
        }
    }

    /** {@return {@code producer_pos}, acquire-loaded} */
    public long producerPosition() {
        try {
            return (long) LONG.getAcquire(producerPage, 0L);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "read producer_pos");
        }
    }

    /** {@return reservations that failed for lack of space, over the ring's life, in all processes} */
    public long drops() {
        return control.drops();
    }

    /** {@return the data area (both copies): write payloads at the offsets {@link #reserve} returns} */
    public MemorySegment buffer() {
        return data;
    }

    /** {@return the data area size} */
    public long size() {
        return size;
    }

    // ------------------------------------------------------------------ internals

    private long checkLength(int length) {
        if (length < 0 || RingLayout.recordSize(length) > mask) {
            throw new ErrnoException(Errno.E2BIG, "reserve " + (length & 0xFFFF_FFFFL)
                    + " bytes in a RINGBUF of " + size + " bytes: the largest record is "
                    + RingLayout.maxRingbufPayload(size) + " bytes");
        }
        return RingLayout.recordSize(length);
    }

    /** {@return the payload offset, -1 or {@link #LOCK_TIMED_OUT} (not counted)} */
    private long tryReserve(int length, long recordSize) {
        // Two call sites: the generic class's stays monomorphic. With more than two specialised
        // producers in a process the other turns megamorphic, a real call per record, which still
        // beats the generic code (bench/JMH-NOTES.md, "four rings").
        Ops s = special;
        if (s != null) {
            return s.tryReserve(this, length, recordSize);
        }
        if (--untilSpecialized <= 0) {
            specialize();
        }
        return generic.tryReserve(this, length, recordSize);
    }

    private void commit(long offset, int flags, boolean discard, String operation) {
        try {
            Ops s = special;
            if (s != null) {
                s.commit(this, offset, flags, discard, operation);
            } else {
                generic.commit(this, offset, flags, discard, operation);
            }
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, operation);
        }
    }

    /** What the reservation code returns when the reservation lock could not be had in time. */
    static final long LOCK_TIMED_OUT = -2;

    /** The lock's slow path, when the inlined compare-and-set failed. */
    boolean lockSlow() {
        return control.lockReservation();
    }

    /**
     * Reservations after which a producer gets code of its own. Short-lived producers (tests,
     * tools, the jcstress litmus tests, which create one per sample) never pay for a class; a
     * busy one switches before the JIT's optimising compiler has compiled its caller (which
     * would otherwise keep a call to code it had not seen run). 64, not 4,096 as until
     * 2026-12-06, for the reason of {@link UserProducer#SPECIALIZE_AFTER}: at 4,096 the
     * profiling tier had counted thousands of calls on the generic path, the optimising compiler
     * compiled it into the caller beside the specialised one, and JMH's
     * {@code SingleThreadBench.ringbuf} called {@code ProducerWriter.reserve} per record
     * ("already compiled into a big method"; bench/KERNEL-NOTES.md, 2026-12-06).
     */
    static final long SPECIALIZE_AFTER = 1 << 6;

    /**
     * How far {@code pending_pos} may trail {@code producer_pos} before a reservation walks it
     * forward (to half this distance): 4 KiB, or a quarter of the ring if that is less.
     */
    static final long WALK_LAG = 4096;

    private void specialize() {
        untilSpecialized = Long.MAX_VALUE; // 2^63 reservations away (a racing decrement may retry)
        synchronized (specializing) { // not on this object, which callers may lock
            if (special == null) {
                special = Specializer.trySpecialize(() -> Specializer.producerOps(view, control, overwrite, true));
            }
        }
    }

    /** {@return whether this producer runs code specialised for its ring (for tests)} */
    boolean isSpecialized() {
        return special != null;
    }

    /** Reservation and commit, defined per ring by {@link Specializer} from {@link ProducerOpsTemplate}. */
    interface Ops {
        /**
         * Takes the lock, reserves, releases: the payload offset, -1 without space, or
         * {@link #LOCK_TIMED_OUT} without the lock (neither counted).
         */
        long tryReserve(Producer owner, int length, long recordSize);

        /** Commits (or discards) the record at {@code offset}. */
        void commit(Producer owner, long offset, int flags, boolean discard, String operation);
    }

    // Cold paths in their own methods keep the hot ones small enough for the JIT to inline.

    static ErrnoException corruptPositions(long prod, long pending) {
        return new ErrnoException(Errno.EINVAL, "reserve: corrupt ring positions: producer_pos " + prod
                + ", pending_pos " + pending);
    }

    static ErrnoException notARecord(String operation, long offset, boolean reserved) {
        return new ErrnoException(Errno.EINVAL, operation + ": " + (reserved
                ? "the record at offset " + offset + " is not reserved (committed twice?)"
                : "offset " + offset + " is not a record of this ring"));
    }

    static void checkFlags(int flags, String operation) {
        if ((flags & ~RingLayout.WAKEUP_FLAGS) != 0) {
            throw new ErrnoException(Errno.EINVAL, operation + ": flags 0x" + Integer.toHexString(flags)
                    + ": only NO_WAKEUP (1) and FORCE_WAKEUP (2) exist");
        }
    }
}
