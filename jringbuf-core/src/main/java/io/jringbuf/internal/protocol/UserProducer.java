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
 * {@link #reserve(int, long)} waits for the drainer's wakeups. It fixes two libbpf quirks: an
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
    final int ownerWord;
    private final Blocking.IdleCheck idleCheck;
    private final RingView view;
    /** The reservation and commit code shared by producers that are not specialised (yet). */
    private final Ops generic;
    /** This producer's own reservation and commit code, once defined. */
    private Ops special;
    /** Guards the definition of {@link #special}. */
    private final Object specializing = new Object();
    /** Reservations left before the code is specialised (Long.MAX_VALUE once tried). */
    private long untilSpecialized = Specializer.countdown(SPECIALIZE_AFTER);
    /** The producer position this producer last published (read and written by {@link Ops}). */
    long producerPosition;
    /** The last consumer_pos this producer acquire-loaded; re-read only when it looks too full. */
    long cachedConsumerPosition;

    /**
     * A producer into a kernel {@code BPF_MAP_TYPE_USER_RINGBUF}: a commit is a release store of
     * the header (the BPF program decides when to drain, so no wakeup decision follows), and the
     * header's second word is 0, as libbpf writes it.
     *
     * @param view the ring's memory (the consumer page may be read-only)
     * @param spaceWaiter what {@link #reserve(int, long)} sleeps on; null only in tests that never wait
     */
    public static UserProducer forKernelRing(RingView view, Waiter spaceWaiter) {
        return new UserProducer(view, Notifier.NONE, spaceWaiter, null);
    }

    /**
     * A producer into a JVM ring: the header's second word holds this process's id (so that a
     * drainer can reclaim a sample this process never commits), and a blocked reservation
     * notices a drainer process that died.
     *
     * @param view the ring's memory
     * @param dataNotifier wakes a Java drainer parked at a committed sample
     * @param spaceWaiter what {@link #reserve(int, long)} sleeps on
     * @param control the ring's control block
     */
    public static UserProducer forJvmRing(RingView view, Notifier dataNotifier, Waiter spaceWaiter,
                                          RingControl control) {
        return new UserProducer(view, dataNotifier, spaceWaiter, Objects.requireNonNull(control, "control"));
    }

    /**
     * Creates a user producer; see the factories.
     *
     * @param view the ring's memory; the consumer page may be read-only, the producer page and
     *             data must be writable
     * @param dataNotifier wakes a Java drainer parked at a record this producer commits;
     *                     {@link Notifier#NONE} for kernel rings (a BPF program decides when to drain)
     *                     and for drainers that never sleep; with NONE a commit is a release store
     *                     of the header instead of libbpf's atomic exchange, as no wakeup decision
     *                     follows it
     * @param spaceWaiter what {@link #reserve(int, long)} sleeps on
     * @param control the JVM ring's control block, or null for kernel rings. With it, the header's
     *                second word holds this process's id (so that a drainer can reclaim a sample
     *                this process never commits), and a blocked reservation notices a drainer
     *                process that died; without it the word is 0, as libbpf writes it
     */
    UserProducer(RingView view, Notifier dataNotifier, Waiter spaceWaiter, RingControl control) {
        this.consumerPage = view.consumerPage();
        this.producerPage = view.producerPage();
        this.data = view.data();
        this.size = view.size();
        this.mask = view.mask();
        this.maxLength = (int) Math.min(RingLayout.MAX_RECORD_SIZE, RingLayout.maxUserRingbufPayload(size));
        this.dataNotifier = Objects.requireNonNull(dataNotifier, "dataNotifier");
        this.notifiesDrainer = dataNotifier != Notifier.NONE;
        this.spaceWaiter = spaceWaiter;
        this.ownerWord = control == null ? 0 : control.ownerToken();
        this.idleCheck = control == null ? Blocking.IdleCheck.NEVER : control::consumerDied;
        this.producerPosition = (long) LONG.getAcquire(producerPage, 0L);
        // Stale on purpose: the first reservation takes the "looks full" path, which checks
        // producer_pos and loads consumer_pos.
        this.cachedConsumerPosition = producerPosition - size - 8;
        this.view = view;
        this.generic = Specializer.userProducerOps(view, false);
        if (untilSpecialized <= 0) {
            specialize(); // jringbuf.specialize=always
        }
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
     * Reserves space, waiting up to {@code nanos} for a drain to free enough of it.
     *
     * @param nanos how long to wait; 0 does not wait, {@link Blocking#FOREVER} waits forever
     * @return the sample's offset in {@link #buffer()}, or -1 on timeout
     * @throws ErrnoException E2BIG if the sample can never fit (at once, without waiting)
     */
    public long reserve(int length, long nanos) {
        long recordSize = checkLength(length);
        try {
            long offset = tryReserve(length, recordSize);
            if (offset >= 0) {
                return offset;
            }
            return Blocking.await(spaceWaiter, nanos, () -> tryReserve(length, recordSize), idleCheck);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "reserve");
        }
    }

    /** Wakes a thread blocked in {@link #reserve(int, long)} (it returns -1). */
    public void wakeUp() {
        spaceWaiter.interrupt();
    }

    /**
     * Publishes a reserved sample.
     *
     * @param offset what {@link #reserve} returned
     * @param flags 0: wake a Java drainer parked at this sample (adaptive, as the kernel decides
     *              for a RINGBUF); {@link RingLayout#NO_WAKEUP}: wake nobody (a release store);
     *              {@link RingLayout#FORCE_WAKEUP}: wake a sleeping drainer. Kernel rings: no
     *              wakeup in any case (a BPF program decides when to drain)
     * @throws ErrnoException EINVAL for unknown flags or an offset that is not a reserved sample
     */
    public void submit(long offset, int flags) {
        commit(offset, flags, false, "submit");
    }

    /** {@link #submit(long, int)} with flags 0. */
    public void submit(long offset) {
        submit(offset, 0);
    }

    /** {@link #discard(long, int)} with flags 0. */
    public void discard(long offset) {
        discard(offset, 0);
    }

    /**
     * Publishes a reserved sample as discarded: the drainer skips it and frees its space.
     *
     * @param offset what {@link #reserve} returned
     * @param flags as for {@link #submit}
     * @throws ErrnoException EINVAL for unknown flags or an offset that is not a reserved sample
     */
    public void discard(long offset, int flags) {
        commit(offset, flags, true, "discard");
    }

    /** {@return free bytes now (a snapshot: a drain may free more at any time)} */
    public long freeBytes() {
        long cons = consumerPosition();
        return size - (producerPosition() - cons);
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

    /** {@return the data area (both copies): write samples at the offsets {@link #reserve} returns} */
    public MemorySegment buffer() {
        return data;
    }

    /** {@return the data area size} */
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
        // Two call sites: the generic class's stays monomorphic (see Producer).
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
        Producer.checkFlags(flags, operation);
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

    /**
     * Reservations after which a producer gets code of its own (see {@link Producer}). 64, not
     * {@link Producer}'s 4,096: the switch must come before the JIT's profiling tier starts
     * counting (about 200 calls), or the profile of the caller's loop shows the shared code's
     * path as hot and the optimising compiler compiles both paths into the entry points
     * ({@code reserve}, {@code submit} and the caller's own methods around them). Compiled that
     * way, {@code UserRingBuffer.reserve} came to 2,144-2,192 bytes of code, just under the
     * JIT's 2,500-byte limit for inlining an already compiled method (InlineSmallCode), and any
     * addition pushed it over: the K3 fill loop then called it per sample. Switched at 64, the
     * shared path is never profiled, compiles to a trap, and the fill loop inlines
     * reserve and submit in every run (K3 fill loop, 8-byte samples, 2026-12-06: 121 instructions
     * per sample in three of three runs, against 130-136 with the shared path inlined;
     * bench/KERNEL-NOTES.md). The cost: a hidden class for every producer that reserves 64 times.
     */
    static final long SPECIALIZE_AFTER = 1 << 6;

    private void specialize() {
        untilSpecialized = Long.MAX_VALUE; // 2^63 reservations away (a racing decrement may retry)
        synchronized (specializing) { // not on this object, which callers may lock
            if (special == null) {
                special = Specializer.trySpecialize(() -> Specializer.userProducerOps(view, true));
            }
        }
    }

    /** {@return whether this producer runs code specialised for its ring (for tests)} */
    boolean isSpecialized() {
        return special != null;
    }

    /** Reservation and commit, defined per ring by {@link Specializer} from {@link UserProducerOpsTemplate}. */
    interface Ops {
        /** Reserves: the sample's offset, or -1 if the ring is too full now. */
        long tryReserve(UserProducer owner, int length, long recordSize);

        /** Commits (or discards) the sample at {@code offset}; flags were checked. */
        void commit(UserProducer owner, long offset, int flags, boolean discard, String operation);
    }
}
