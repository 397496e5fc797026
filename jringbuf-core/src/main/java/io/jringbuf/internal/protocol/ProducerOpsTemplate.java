/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.format.MappedAtomics;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.format.RingLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static io.jringbuf.internal.format.RingLayout.BUSY_BIT;
import static io.jringbuf.internal.format.RingLayout.DISCARD_BIT;
import static io.jringbuf.internal.format.RingLayout.FORCE_WAKEUP;
import static io.jringbuf.internal.format.RingLayout.HEADER_SIZE;
import static io.jringbuf.internal.format.RingLayout.NO_WAKEUP;
import static io.jringbuf.internal.format.RingLayout.PENDING_POS_OFFSET;

/**
 * The reservation and commit of {@link Producer}. Never initialised under this name: like
 * {@link ConsumerLoopTemplate}, its class file is defined as hidden classes ({@link Specializer}).
 * The shared class (class data "not specialised") reads the ring from instance fields; a
 * producer that has reserved enough gets a class of its own whose {@code static final} fields are
 * its ring's segments, so the JIT folds the segments' fields and with them the bounds, alignment
 * and read-only checks of each access, which it otherwise repeats after every barrier; the
 * liveness check is left at one load of the session's state (single-thread produce of 8-byte
 * records: about 13 ns with instance fields, 9.6-10.4 with constants). Both kinds run this
 * bytecode.
 *
 * <p>Memory ordering: as documented on {@link Producer}, where the reasoning lives; the comments
 * below name each access's partner. The reservation lock is {@link RingControl}'s: its fast path
 * (a compare-and-set of the lock word from 0 to this process's id, a release store of 0 to free
 * it) is inlined here; anything else goes through {@link RingControl#lockReservation()}.
 */
final class ProducerOpsTemplate implements Producer.Ops {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private static final Object[] DATA = Specializer.classData(MethodHandles.lookup());
    /** True in a producer's own class (the constants below are its ring's), false in the shared one. */
    private static final boolean SPECIALIZED = (Boolean) DATA[0];
    private static final MemorySegment CONSUMER_PAGE = (MemorySegment) DATA[1];
    private static final MemorySegment PRODUCER_PAGE = (MemorySegment) DATA[2];
    private static final MemorySegment RING = (MemorySegment) DATA[3];
    private static final MemorySegment LOCK = (MemorySegment) DATA[4];
    private static final long MASK = (Long) DATA[5];

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment ring;
    private final MemorySegment lock;
    private final long mask;

    ProducerOpsTemplate(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment ring,
                        MemorySegment lock, long mask) {
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.ring = ring;
        this.lock = lock;
        this.mask = mask;
    }

    @Override
    public Producer.Ops copyFor(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment ring,
                                MemorySegment lock, long mask) {
        return new ProducerOpsTemplate(consumerPage, producerPage, ring, lock, mask);
    }

    @Override
    public long tryReserve(Producer owner, int length, long recordSize) {
        final MemorySegment lk = SPECIALIZED ? LOCK : lock;
        // RingControl's lock: the CAS's acquire half pairs with the release store that freed it.
        // The plain read first: a held lock goes to the slow path (test and test-and-set), and
        // on a ring file truncated under us the read faults, guarded (see MappedAtomics).
        if (((long) LONG.get(lk, 0L) != 0L || !MappedAtomics.compareAndSetLong(lk, 0L, 0L, owner.owner))
                && !owner.lockSlow()) {
            return Producer.LOCK_TIMED_OUT;
        }
        long offset;
        try {
            offset = reserveLocked(owner, length, recordSize);
        } finally {
            // Release: pairs with the next holder's compare-and-set.
            LONG.setRelease(lk, 0L, 0L);
        }
        return offset;
    }

    /** The reservation proper, under the lock (apart so that each part stays small to inline). */
    private long reserveLocked(Producer owner, int length, long recordSize) {
        final MemorySegment pp = SPECIALIZED ? PRODUCER_PAGE : producerPage;
        final MemorySegment d = SPECIALIZED ? RING : ring;
        final long mask = SPECIALIZED ? MASK : this.mask;
        // Plain reads: the lock's acquire orders them after the previous holder's writes.
        long prod = (long) LONG.get(pp, 0L);
        long pending = (long) LONG.get(pp, PENDING_POS_OFFSET);
        if (((prod | pending) & 7) != 0 || Long.compareUnsigned(prod - pending, mask + 1) > 0) {
            // Only a corrupt JVM ring file gets here (producers keep pending_pos at most one
            // ring behind producer_pos). Without this check the loop below could walk 2^60
            // positions while holding the lock, or read a misaligned header.
            throw Producer.corruptPositions(prod, pending);
        }
        long newProd = prod + recordSize;
        // pending_pos is walked in batches (see Producer, also for what this relies on): once it
        // trails by more than the walk lag, on to half of that, and always as far as this record
        // needs, stopping at the first BUSY record; the admission decisions are the kernel's eager
        // walk's. The eager walk read, per reservation, the previous record's header, a line a
        // consumer that keeps up has often just read; these read headers a few KiB back.
        final long lag = Math.min(Producer.WALK_LAG, (mask + 1) >>> 2);
        if (prod - pending > lag || Long.compareUnsigned(newProd - pending, mask) > 0) {
            while (pending - prod < 0
                    && (prod - pending > lag >>> 1 || Long.compareUnsigned(newProd - pending, mask) > 0)) {
                // Acquire: pairs with the committing producer's exchange (or release store) of the
                // header.
                int header = (int) INT.getAcquire(d, pending & mask);
                if (header < 0) {
                    break;
                }
                pending += RingLayout.recordSizeOfHeader(header);
            }
            LONG.set(pp, PENDING_POS_OFFSET, pending);
        }
        // Unlike the kernel, consumer_pos is not loaded on every reservation: the consumer
        // stores it once per record, so loading it each time would move its cache line
        // between the cores on every record. A cached value that leaves room is enough: the
        // acquire load that produced it already ordered the consumer's reads of that space.
        long cons = owner.cachedConsumerPosition;
        if (Long.compareUnsigned(newProd - cons, mask) > 0) {
            cons = reloadConsumerPosition(owner);
        }
        if (Long.compareUnsigned(newProd - cons, mask) > 0 || Long.compareUnsigned(newProd - pending, mask) > 0) {
            return -1;
        }
        long headerOffset = prod & mask;
        // One 8-byte store writes the BUSY header and the owner word together.
        LONG.set(d, headerOffset, RingLayout.headerWords(length | BUSY_BIT, owner.owner));
        // Release: the BUSY header (and owner) are visible before the position that covers
        // them; pairs with the consumer's acquire load of producer_pos.
        LONG.setRelease(pp, 0L, newProd);
        return headerOffset + HEADER_SIZE;
    }

    private long reloadConsumerPosition(Producer owner) {
        // Acquire: pairs with the consumer's release store of consumer_pos, so the consumer's
        // reads of the space we may reuse are done.
        long cons = (long) LONG.getAcquire(SPECIALIZED ? CONSUMER_PAGE : consumerPage, 0L);
        owner.cachedConsumerPosition = cons;
        return cons;
    }

    @Override
    public void commit(Producer owner, long offset, int flags, boolean discard, String operation) {
        final MemorySegment d = SPECIALIZED ? RING : ring;
        final long mask = SPECIALIZED ? MASK : this.mask;
        Producer.checkFlags(flags, operation);
        long headerOffset = offset - HEADER_SIZE;
        if ((headerOffset & ~(mask & ~7L)) != 0) { // outside [0, size) or not 8-aligned
            throw Producer.notARecord(operation, offset, false);
        }
        int header = (int) INT.get(d, headerOffset);
        if (header >= 0) {
            throw Producer.notARecord(operation, offset, true);
        }
        int committed = (header & ~BUSY_BIT) | (discard ? DISCARD_BIT : 0);
        if ((flags & (NO_WAKEUP | FORCE_WAKEUP)) == NO_WAKEUP) {
            // NO_WAKEUP (without FORCE): no load follows that decides a wakeup, so a release
            // store is enough: the payload writes happen before the header update (pairs with
            // the consumer's acquire load of the header). The kernel exchanges here too; a
            // consumer that spins instead of sleeping saves a locked instruction per record.
            INT.setRelease(d, headerOffset, committed);
            return;
        }
        // Atomic exchange, a full barrier: the payload writes happen before the header update
        // (pairs with the consumer's acquire load of the header), and the header update happens
        // before the consumer_pos load that decides the wakeup (pairs with the consumer's full
        // fence after publishing consumer_pos: seed 000).
        MappedAtomics.getAndSetInt(d, headerOffset, committed);
        if ((flags & FORCE_WAKEUP) != 0) {
            owner.dataNotifier.wakeUp();
        } else if (owner.dataNotifier.mayHaveWaiters()) {
            // The waiter test first (after the exchange's full barrier, see Notifier): with
            // nobody waiting, the adaptive rule's answer does not matter and the consumer's hot
            // consumer_pos line is left alone.
            // Volatile: stays after the exchange (StoreLoad) under the Java memory model too.
            long cons = (long) LONG.getVolatile(SPECIALIZED ? CONSUMER_PAGE : consumerPage, 0L);
            if ((cons & mask) == headerOffset) {
                owner.dataNotifier.wakeUp();
            }
        }
    }
}
