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
import java.time.Duration;
import java.util.Objects;


/**
 * The producer of a USER_RINGBUF-format ring: libbpf's {@code user_ring_buffer}
 * ({@code __reserve}, {@code __reserve_blocking}, {@code __submit}, {@code __discard}). The same
 * code writes into a kernel {@code BPF_MAP_TYPE_USER_RINGBUF} and into a JVM ring.
 *
 * <h2>Single producer</h2>
 * A USER_RINGBUF has exactly one producer: call {@link #reserve} from one thread at a time (or
 * serialise callers yourself). {@link #submit} and {@link #discard} may be called from any thread.
 * Misuse is detected where it costs almost nothing: this object remembers the producer position
 * it last published and compares it with {@code producer_pos} on its first reservation, whenever
 * the ring looks full, and once per {@value #OWNERSHIP_CHECK_INTERVAL} bytes produced, so another
 * producer writing into the same ring makes {@code reserve} fail with EBUSY (libbpf does not
 * check). Between two checks a second producer can overwrite at most that many bytes of samples.
 *
 * <h2>Sizes and space</h2>
 * Unlike a RINGBUF, the ring may be filled completely: the largest payload is {@code size - 8}.
 * A size with one of the two top bits set (or negative), or a record larger than the ring, is
 * refused with {@link ErrnoException} E2BIG; a ring that is temporarily too full makes
 * {@link #reserve} return -1 (libbpf: ENOSPC).
 *
 * <h2>Blocking</h2>
 * {@link #reserveBlocking} waits for the drainer's wakeups. It fixes two libbpf quirks: an
 * infinite timeout really waits forever (libbpf gives up after the first wakeup), and a wakeup
 * that frees some but not enough space does not make it spin (libbpf's level-triggered EPOLLOUT
 * fires whenever the ring is not 100 % full): it re-checks the space it needs and sleeps until
 * the next drain.
 */
public final class UserProducer {
    /**
     * How often (in produced bytes) a reservation re-reads producer_pos to catch a second producer.
     * Reading it for every sample (as libbpf does, without checking it) costs about a tenth of the
     * produce rate; once per 1 KiB bounds what a second producer can overwrite before EBUSY.
     */
    public static final long OWNERSHIP_CHECK_INTERVAL = 1024;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    /** Wakes a Java drainer (read by {@link Ops#commit}). */
    final Notifier dataNotifier;
    /** The largest payload: fits the header's length field and the ring. */
    private final int maxLength;
    /** Whether a commit may have to wake a Java drainer (else it is a release store). */
    final boolean notifiesDrainer;
    private final Waiter spaceWaiter;
    /** The header's second word while BUSY: this process's id (JVM rings) or 0 (kernel rings). */
    final int owner;
    private final Blocking.IdleCheck idleCheck;
    private final RingView view;
    /** The reservation and commit code shared by producers that are not specialised (yet). */
    private final Ops generic;
    /** This producer's own reservation and commit code, once defined. */
    private Ops special;
    /** Guards the definition of {@link #special}. */
    private final Object specializing = new Object();
    /** Reservations left before the code is specialised (Long.MAX_VALUE once tried). */
    private long untilSpecialized = SPECIALIZE_AFTER;
    /** The producer position this producer last published (read and written by {@link Ops}). */
    long producerPosition;
    /** The last consumer_pos this producer acquire-loaded; re-read only when it looks too full. */
    long cachedConsumerPosition;

    /**
     * Creates a user producer.
     *
     * @param view the ring's memory; the consumer page may be read-only, the producer page and
     *             data must be writable
     * @param dataNotifier wakes a Java drainer parked at a record this producer commits;
     *                     {@link Notifier#NONE} for kernel rings (a BPF program decides when to drain)
     *                     and for drainers that never sleep; with NONE a commit is a release store
     *                     of the header instead of libbpf's atomic exchange, as no wakeup decision
     *                     follows it
     * @param spaceWaiter what {@link #reserveBlocking} sleeps on, or null if it cannot block
     * @param control the JVM ring's control block, or null for kernel rings. With it, the header's
     *                second word holds this process's id (so that a drainer can reclaim a sample
     *                this process never commits), and a blocked reservation notices a drainer
     *                process that died; without it the word is 0, as libbpf writes it
     */
    public UserProducer(RingView view, Notifier dataNotifier, Waiter spaceWaiter, RingControl control) {
        this.consumerPage = view.consumerPage();
        this.producerPage = view.producerPage();
        this.data = view.data();
        this.size = view.size();
        this.mask = view.mask();
        this.maxLength = (int) Math.min(RingLayout.MAX_RECORD_SIZE, RingLayout.maxUserRingbufPayload(size));
        this.dataNotifier = Objects.requireNonNull(dataNotifier, "dataNotifier");
        this.notifiesDrainer = dataNotifier != Notifier.NONE;
        this.spaceWaiter = spaceWaiter;
        this.owner = control == null ? 0 : control.ownerToken();
        this.idleCheck = control == null ? Blocking.IdleCheck.NEVER : control::consumerDied;
        this.producerPosition = (long) LONG.getAcquire(producerPage, 0L);
        // Stale on purpose: the first reservation takes the "looks full" path, which checks
        // producer_pos and loads consumer_pos.
        this.cachedConsumerPosition = producerPosition - size - 8;
        this.view = view;
        this.generic = Specializer.userProducerOps(view, false);
    }

    /**
     * Reserves space for a sample of {@code length} bytes, without blocking.
     *
     * @return the sample's offset in {@link #buffer()}, or -1 if the ring is too full now
     * @throws ErrnoException E2BIG if the sample can never fit; EBUSY if another producer moved
     *                        the producer position; EINVAL if the positions are corrupt; EBADF
     *                        if the ring is closed
     */
    public long reserve(int length) {
        long recordSize = checkLength(length);
        try {
            return tryReserve(length, recordSize);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "reserve");
        }
    }

    /**
     * Reserves space, waiting up to {@code timeout} for a drain to free enough of it.
     *
     * @param timeout null or negative waits forever
     * @return the sample's offset in {@link #buffer()}, or -1 on timeout
     * @throws ErrnoException E2BIG if the sample can never fit (at once, without waiting)
     */
    public long reserveBlocking(int length, Duration timeout) {
        long recordSize = checkLength(length);
        if (spaceWaiter == null) {
            throw new IllegalStateException("this producer has no waiter and cannot block");
        }
        try {
            long offset = tryReserve(length, recordSize);
            if (offset >= 0) {
                return offset;
            }
            return Blocking.await(spaceWaiter, Blocking.toNanos(timeout), () -> tryReserve(length, recordSize),
                    idleCheck);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "reserve");
        }
    }

    /**
     * Publishes a reserved sample.
     *
     * @param offset what {@link #reserve} returned
     * @throws ErrnoException EINVAL if the offset is not a reserved sample
     */
    public void submit(long offset) {
        commit(offset, false, "submit");
    }

    /**
     * Publishes a reserved sample as discarded: the drainer skips it and frees its space.
     *
     * @param offset what {@link #reserve} returned
     * @throws ErrnoException EINVAL if the offset is not a reserved sample
     */
    public void discard(long offset) {
        commit(offset, true, "discard");
    }

    /** @return free bytes now (a snapshot: a drain may free more at any time) */
    public long freeBytes() {
        long cons = (long) LONG.getAcquire(consumerPage, 0L);
        return size - ((long) LONG.getAcquire(producerPage, 0L) - cons);
    }

    /** @return {@code consumer_pos}, acquire-loaded */
    public long consumerPosition() {
        return (long) LONG.getAcquire(consumerPage, 0L);
    }

    /** @return {@code producer_pos}, acquire-loaded */
    public long producerPosition() {
        return (long) LONG.getAcquire(producerPage, 0L);
    }

    /** @return the data area (both copies): write samples at the offsets {@link #reserve} returns */
    public MemorySegment buffer() {
        return data;
    }

    /** @return the data area size */
    public long size() {
        return size;
    }

    // ------------------------------------------------------------------ internals

    private long checkLength(int length) {
        // One unsigned compare: negative lengths (top bits set) are huge unsigned.
        if (Integer.compareUnsigned(length, maxLength) > 0) {
            throw tooLarge(length);
        }
        return RingLayout.recordSize(length);
    }

    // Cold paths in their own methods keep the hot ones small enough to inline.

    private ErrnoException tooLarge(int length) {
        return new ErrnoException(Errno.E2BIG, "reserve " + (length & 0xFFFF_FFFFL)
                + " bytes in a USER_RINGBUF of " + size + " bytes: the largest sample is "
                + RingLayout.maxUserRingbufPayload(size) + " bytes");
    }

    ErrnoException moved(long prod) {
        return new ErrnoException(Errno.EBUSY, "reserve: producer_pos moved from " + producerPosition + " to "
                + prod + " behind this producer's back; a USER_RINGBUF has exactly one producer");
    }

    static ErrnoException corrupt(long cons, long prod) {
        return new ErrnoException(Errno.EINVAL, "reserve: corrupt ring positions: consumer_pos " + cons
                + ", producer_pos " + prod);
    }

    static ErrnoException notASample(String operation, long offset, boolean reserved) {
        return new ErrnoException(Errno.EINVAL, operation + ": " + (reserved
                ? "the sample at offset " + offset + " is not reserved (committed twice?)"
                : "offset " + offset + " is not a sample of this ring"));
    }

    private long tryReserve(int length, long recordSize) {
        // Two call sites: the shared class's stays monomorphic (see Producer).
        Ops s = special;
        if (s != null) {
            return s.tryReserve(this, length, recordSize);
        }
        if (--untilSpecialized <= 0) {
            specialize();
        }
        return generic.tryReserve(this, length, recordSize);
    }

    private void commit(long offset, boolean discard, String operation) {
        try {
            Ops s = special;
            if (s != null) {
                s.commit(this, offset, discard, operation);
            } else {
                generic.commit(this, offset, discard, operation);
            }
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, operation);
        }
    }

    /** Reservations after which a producer gets code of its own (see {@link Producer}). */
    static final long SPECIALIZE_AFTER = 1 << 12;

    private void specialize() {
        untilSpecialized = Long.MAX_VALUE; // 2^63 reservations away (a racing decrement may retry)
        synchronized (specializing) { // not on this object, which callers may lock
            if (special != null) {
                return;
            }
            try {
                special = Specializer.userProducerOps(view, true);
            } catch (RuntimeException | Error e) {
                // Only an optimisation (a class definition that fails, even for lack of
                // metaspace): the shared code goes on working.
            }
        }
    }

    /** @return whether this producer runs code specialised for its ring (for tests) */
    boolean isSpecialized() {
        return special != null;
    }

    /** Reservation and commit, defined per ring by {@link Specializer} from {@link UserProducerOpsTemplate}. */
    interface Ops {
        /** Reserves: the sample's offset, or -1 if the ring is too full now. */
        long tryReserve(UserProducer owner, int length, long recordSize);

        /** Commits (or discards) the sample at {@code offset}. */
        void commit(UserProducer owner, long offset, boolean discard, String operation);

        /** @return an instance of this class for another ring (used by the shared class) */
        Ops copyFor(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment ring, long mask);
    }
}
