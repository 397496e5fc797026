/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.protocol;

import io.jringbuf.Errno;
import io.jringbuf.ErrnoException;
import io.jringbuf.internal.wait.Blocking;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;

import static io.jringbuf.protocol.RingLayout.BUSY_BIT;
import static io.jringbuf.protocol.RingLayout.DISCARD_BIT;
import static io.jringbuf.protocol.RingLayout.FORCE_WAKEUP;
import static io.jringbuf.protocol.RingLayout.HEADER_SIZE;
import static io.jringbuf.protocol.RingLayout.NO_WAKEUP;
import static io.jringbuf.protocol.RingLayout.PENDING_POS_OFFSET;

/**
 * The multi-producer side of a RINGBUF-format JVM ring: what the kernel does for BPF programs
 * ({@code bpf_ringbuf_reserve}, {@code _submit}, {@code _discard}, {@code _output},
 * {@code _query}), in Java. Thread-safe, and safe across processes sharing the ring file.
 *
 * <h2>Reserve</h2>
 * A short lock (in the ring's {@link RingControl}) orders reservations, so records become
 * visible in reservation order. Under the lock, {@code pending_pos} is advanced over committed
 * records up to the first BUSY one, and a reservation succeeds only if the new producer position
 * is at most {@code size - 1} bytes ahead of both {@code consumer_pos} and {@code pending_pos}
 * (the second check, kernel 2024, stops a reservation from overlapping a record still being
 * written). {@code consumer_pos} is loaded again only when the value this producer loaded last
 * leaves too little room (the consumer stores it per record; re-reading it on every reservation
 * would bounce its cache line between cores). The header is written BUSY, with this process's id
 * in its second word, before the release store of {@code producer_pos}. Reservation never
 * blocks in {@link #reserve(int)}; a failure returns -1 and counts a drop ({@link #drops()}).
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
 * <h2>Sizes</h2>
 * The largest payload is {@code size - 16} (a RINGBUF never fills completely). A size with one
 * of the two top bits set, a negative size, or one that can never fit is refused with
 * {@link ErrnoException} E2BIG and not counted as a drop.
 */
public final class Producer {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    private final RingControl control;
    private final Notifier dataNotifier;
    private final Waiter spaceWaiter;
    private final int owner;
    /**
     * The last {@code consumer_pos} this object acquire-loaded. Read and written only under the
     * reservation lock (whose acquire/release orders it between this process's threads); each
     * process has its own. Never ahead of the real position, so a check against it is
     * conservative; it is reloaded only when it says the ring is too full.
     */
    private long cachedConsumerPosition;

    /**
     * Creates a producer.
     *
     * @param view the ring's memory; the producer page (with {@code pending_pos}) and data must be
     *             writable
     * @param control the ring's control block (lock, drop counter)
     * @param dataNotifier wakes the consumer
     * @param spaceWaiter what {@link #reserve(int, Duration)} sleeps on, or null if it cannot block
     */
    public Producer(RingView view, RingControl control, Notifier dataNotifier, Waiter spaceWaiter) {
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
        this.owner = control.ownerToken();
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
            }
            return offset;
        } catch (IllegalStateException e) {
            throw Closed.translate(e, data, "reserve");
        }
    }

    /**
     * Reserves space, waiting up to {@code timeout} for the consumer to free enough of it.
     *
     * @param timeout null or negative waits forever
     * @return the payload's offset in {@link #buffer()}, or -1 on timeout (counted as one drop)
     * @throws ErrnoException E2BIG if the length can never fit
     */
    public long reserve(int length, Duration timeout) {
        long recordSize = checkLength(length);
        try {
            long offset = tryReserve(length, recordSize);
            if (offset < 0 && spaceWaiter != null) {
                offset = Blocking.await(spaceWaiter, Blocking.toNanos(timeout), () -> tryReserve(length, recordSize),
                        control::consumerDied);
            }
            if (offset < 0) {
                control.countDrop();
            }
            return offset;
        } catch (IllegalStateException e) {
            throw Closed.translate(e, data, "reserve");
        }
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
        long offset = reserve(length);
        if (offset < 0) {
            return false;
        }
        MemorySegment.copy(source, sourceOffset, data, offset, length);
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
        MemorySegment.copy(payload, 0, data, ValueLayout.JAVA_BYTE, offset, payload.length);
        submit(offset, flags);
        return true;
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
                yield (long) LONG.getAcquire(producerPage, 0L) - cons;
            }
            case RingLayout.QUERY_RING_SIZE -> size;
            case RingLayout.QUERY_CONS_POS -> (long) LONG.getAcquire(consumerPage, 0L);
            case RingLayout.QUERY_PROD_POS -> (long) LONG.getAcquire(producerPage, 0L);
            default -> 0;
        };
    }

    /** @return reservations that failed for lack of space, over the ring's life, in all processes */
    public long drops() {
        return control.drops();
    }

    /** @return the data area (both copies): write payloads at the offsets {@link #reserve} returns */
    public MemorySegment buffer() {
        return data;
    }

    /** @return the data area size */
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

    /** @return the payload offset, or -1 (not counted) */
    private long tryReserve(int length, long recordSize) {
        if (!control.lockReservation()) {
            return -1;
        }
        long offset;
        try {
            offset = reserveLocked(length, recordSize);
        } finally {
            control.unlockReservation();
        }
        return offset;
    }

    /** The reservation proper, under the lock (apart from it so that each stays small to inline). */
    private long reserveLocked(int length, long recordSize) {
        final MemorySegment pp = producerPage;
        final MemorySegment d = data;
        final long mask = this.mask;
        // Plain reads: the lock's acquire orders them after the previous holder's writes.
        long prod = (long) LONG.get(pp, 0L);
        long pending = (long) LONG.get(pp, PENDING_POS_OFFSET);
        if (((prod | pending) & 7) != 0 || Long.compareUnsigned(prod - pending, size) > 0) {
            // Only a corrupt JVM ring file gets here (producers keep pending_pos at most one
            // ring behind producer_pos). Without this check the loop below could walk 2^60
            // positions while holding the lock, or read a misaligned header.
            throw corruptPositions(prod, pending);
        }
        while (pending - prod < 0) {
            // Acquire: pairs with the committing producer's exchange of the header.
            int header = (int) INT.getAcquire(d, pending & mask);
            if (header < 0) {
                break;
            }
            pending += RingLayout.recordSizeOfHeader(header);
        }
        LONG.set(pp, PENDING_POS_OFFSET, pending);
        long newProd = prod + recordSize;
        // Unlike the kernel, consumer_pos is not loaded on every reservation: the consumer
        // stores it once per record, so loading it each time would move its cache line
        // between the cores on every record. A cached value that leaves room is enough: the
        // acquire load that produced it already ordered the consumer's reads of that space.
        long cons = cachedConsumerPosition;
        if (Long.compareUnsigned(newProd - cons, mask) > 0) {
            cons = reloadConsumerPosition();
        }
        if (Long.compareUnsigned(newProd - cons, mask) > 0 || Long.compareUnsigned(newProd - pending, mask) > 0) {
            return -1;
        }
        long headerOffset = prod & mask;
        // One 8-byte store writes the BUSY header and the owner word together.
        LONG.set(d, headerOffset, RingLayout.headerWords(length | BUSY_BIT, owner));
        // Release: the BUSY header (and owner) are visible before the position that covers
        // them; pairs with the consumer's acquire load of producer_pos.
        LONG.setRelease(pp, 0L, newProd);
        return headerOffset + HEADER_SIZE;
    }

    private long reloadConsumerPosition() {
        // Acquire: pairs with the consumer's release store of consumer_pos, so the consumer's
        // reads of the space we may reuse are done.
        long cons = (long) LONG.getAcquire(consumerPage, 0L);
        cachedConsumerPosition = cons;
        return cons;
    }

    private void commit(long offset, int flags, boolean discard, String operation) {
        checkFlags(flags, operation);
        long headerOffset = offset - HEADER_SIZE;
        if ((headerOffset & ~(mask & ~7L)) != 0) { // outside [0, size) or not 8-aligned
            throw notARecord(operation, offset, false);
        }
        try {
            int header = (int) INT.get(data, headerOffset);
            if (header >= 0) {
                throw notARecord(operation, offset, true);
            }
            int committed = (header & ~BUSY_BIT) | (discard ? DISCARD_BIT : 0);
            if ((flags & WAKEUP_DECIDING) == NO_WAKEUP) {
                // NO_WAKEUP (without FORCE): no load follows that decides a wakeup, so a release
                // store is enough: the payload writes happen before the header update (pairs with
                // the consumer's acquire load of the header). The kernel exchanges here too; a
                // consumer that spins instead of sleeping saves a locked instruction per record.
                INT.setRelease(data, headerOffset, committed);
                return;
            }
            // Atomic exchange, a full barrier: the payload writes happen before the header update
            // (pairs with the consumer's acquire load of the header), and the header update
            // happens before the consumer_pos load below (pairs with the consumer's full fence
            // after publishing consumer_pos: seed 000).
            INT.getAndSet(data, headerOffset, committed);
            if ((flags & FORCE_WAKEUP) != 0) {
                dataNotifier.wakeUp();
            } else if ((flags & NO_WAKEUP) == 0 && dataNotifier.mayHaveWaiters()) {
                // The waiter test first (after the exchange's full barrier, see Notifier): with
                // nobody waiting, the adaptive rule's answer does not matter and the consumer's
                // hot consumer_pos line is left alone.
                // Volatile: stays after the exchange (StoreLoad) under the Java memory model too.
                long cons = (long) LONG.getVolatile(consumerPage, 0L);
                if ((cons & mask) == headerOffset) {
                    dataNotifier.wakeUp();
                }
            }
        } catch (IllegalStateException e) {
            throw Closed.translate(e, data, operation);
        }
    }

    // Cold paths in their own methods keep the hot ones small enough for the JIT to inline.

    private static ErrnoException corruptPositions(long prod, long pending) {
        return new ErrnoException(Errno.EINVAL, "reserve: corrupt ring positions: producer_pos " + prod
                + ", pending_pos " + pending);
    }

    private static ErrnoException notARecord(String operation, long offset, boolean reserved) {
        return new ErrnoException(Errno.EINVAL, operation + ": " + (reserved
                ? "the record at offset " + offset + " is not reserved (committed twice?)"
                : "offset " + offset + " is not a record of this ring"));
    }

    /** The flag bits that decide how a commit wakes the consumer. */
    private static final int WAKEUP_DECIDING = NO_WAKEUP | FORCE_WAKEUP;

    private static void checkFlags(int flags, String operation) {
        if ((flags & ~RingLayout.WAKEUP_FLAGS) != 0) {
            throw new ErrnoException(Errno.EINVAL, operation + ": flags 0x" + Integer.toHexString(flags)
                    + ": only NO_WAKEUP (1) and FORCE_WAKEUP (2) exist");
        }
    }
}
