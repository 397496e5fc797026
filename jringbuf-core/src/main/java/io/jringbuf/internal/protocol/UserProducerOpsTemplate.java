/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.format.MappedAtomics;
import io.jringbuf.internal.format.RingLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static io.jringbuf.internal.format.RingLayout.BUSY_BIT;
import static io.jringbuf.internal.format.RingLayout.DISCARD_BIT;
import static io.jringbuf.internal.format.RingLayout.HEADER_SIZE;

/**
 * The reservation and commit of {@link UserProducer}. Never initialised under this name: like
 * {@link ConsumerLoopTemplate}, its class file is defined as hidden classes ({@link Specializer}),
 * a shared one that reads the ring from instance fields and one per busy producer whose
 * {@code static final} fields are its ring's segments, so that the JIT folds most of the checks
 * of each segment access (single-thread produce of 8-byte samples into a JVM ring: about 5.7 ns
 * with instance fields, 4.5-5.0 with constants). Both kinds run this bytecode.
 *
 * <p>Memory ordering: as documented on {@link UserProducer}; the comments below name each
 * access's partner.
 */
final class UserProducerOpsTemplate implements UserProducer.Ops {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private static final Object[] DATA = Specializer.classData(MethodHandles.lookup());
    /** True in a producer's own class (the constants below are its ring's), false in the shared one. */
    private static final boolean SPECIALIZED = (Boolean) DATA[0];
    private static final MemorySegment CONSUMER_PAGE = (MemorySegment) DATA[1];
    private static final MemorySegment PRODUCER_PAGE = (MemorySegment) DATA[2];
    private static final MemorySegment RING = (MemorySegment) DATA[3];
    private static final long MASK = (Long) DATA[4];

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment ring;
    private final long mask;

    UserProducerOpsTemplate(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment ring, long mask) {
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.ring = ring;
        this.mask = mask;
    }

    @Override
    public UserProducer.Ops copyFor(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment ring,
                                    long mask) {
        return new UserProducerOpsTemplate(consumerPage, producerPage, ring, mask);
    }

    @Override
    public long tryReserve(UserProducer owner, int length, long recordSize) {
        final long size = (SPECIALIZED ? MASK : mask) + 1;
        long prod = owner.producerPosition;
        if (((prod ^ (prod + recordSize)) & -UserProducer.OWNERSHIP_CHECK_INTERVAL) != 0) {
            // This sample reaches a new OWNERSHIP_CHECK_INTERVAL-aligned block.
            checkStillOwner(owner, prod);
        }
        // Both positions were validated by reserveSlow when first seen (the producer leaves the
        // cached consumer position stale so that the first reservation goes there), and prod
        // only grows by record sizes since.
        if (recordSize > size - (prod - owner.cachedConsumerPosition)) {
            return reserveSlow(owner, length, recordSize, prod);
        }
        return publish(owner, length, recordSize, prod);
    }

    /**
     * The rare part of a reservation, in its own method so that {@code tryReserve} stays small
     * enough for the JIT to inline into the caller's loop: the ring looks too full with the
     * cached consumer position (or this is the first reservation), so look at it again.
     */
    private long reserveSlow(UserProducer owner, int length, long recordSize, long prod) {
        final long size = (SPECIALIZED ? MASK : mask) + 1;
        checkStillOwner(owner, prod);
        // Acquire: pairs with the drainer's release store of consumer_pos, so its reads of the
        // space we are about to reuse are done. (Space judged free by an older value was freed
        // before that older acquire load, which ordered it the same way.)
        long cons = (long) LONG.getAcquire(SPECIALIZED ? CONSUMER_PAGE : consumerPage, 0L);
        long used = prod - cons;
        if (used < 0 || used > size || ((prod | cons) & 7) != 0) {
            throw UserProducer.corrupt(cons, prod);
        }
        owner.cachedConsumerPosition = cons;
        if (recordSize > size - used) {
            return -1;
        }
        return publish(owner, length, recordSize, prod);
    }

    private long publish(UserProducer owner, int length, long recordSize, long prod) {
        long headerOffset = prod & (SPECIALIZED ? MASK : mask);
        // One 8-byte store writes the BUSY header and the owner word together.
        LONG.set(SPECIALIZED ? RING : ring, headerOffset, RingLayout.headerWords(length | BUSY_BIT, owner.owner));
        long newProd = prod + recordSize;
        owner.producerPosition = newProd;
        // Release: the BUSY header is visible before the position that covers it; pairs with the
        // drainer's acquire load of producer_pos.
        LONG.setRelease(SPECIALIZED ? PRODUCER_PAGE : producerPage, 0L, newProd);
        return headerOffset + HEADER_SIZE;
    }

    /** Loads producer_pos and compares it with the position this producer last published. */
    private void checkStillOwner(UserProducer owner, long prod) {
        // Plain: only this producer writes producer_pos; a different value means another writer.
        long seen = (long) LONG.get(SPECIALIZED ? PRODUCER_PAGE : producerPage, 0L);
        if (seen != prod) {
            throw owner.moved(seen);
        }
    }

    @Override
    public void commit(UserProducer owner, long offset, boolean discard, String operation) {
        final MemorySegment d = SPECIALIZED ? RING : ring;
        long headerOffset = offset - HEADER_SIZE;
        if ((headerOffset & ~((SPECIALIZED ? MASK : mask) & ~7L)) != 0) { // outside [0, size) or not 8-aligned
            throw UserProducer.notASample(operation, offset, false);
        }
        int header = (int) INT.get(d, headerOffset);
        if (header >= 0) {
            throw UserProducer.notASample(operation, offset, true);
        }
        int committed = (header & ~BUSY_BIT) | (discard ? DISCARD_BIT : 0);
        if (!owner.notifiesDrainer) {
            // Kernel ring: release store. The sample's bytes happen before the header update;
            // pairs with the kernel drain's acquire load of the header. Nothing is loaded after
            // it to decide a wakeup (the BPF program decides when to drain), so the full barrier
            // of libbpf's exchange buys nothing here and costs a locked instruction per sample.
            INT.setRelease(d, headerOffset, committed);
            return;
        }
        commitAndWake(owner, headerOffset, committed);
    }

    /** A commit that may have to wake a Java drainer; out of line to keep {@code commit} small. */
    private void commitAndWake(UserProducer owner, long headerOffset, int committed) {
        // Atomic exchange (full barrier): the sample's bytes happen before the header update
        // (pairs with the drainer's acquire load of the header), and the header store is
        // ordered before the loads below that decide the wakeup (StoreLoad: pairs with the
        // drainer's fence between registering as a waiter and re-reading the header).
        MappedAtomics.getAndSetInt(SPECIALIZED ? RING : ring, headerOffset, committed);
        if (owner.dataNotifier.mayHaveWaiters()) {
            // Adaptive, like the kernel's RINGBUF rule: wake a Java drainer only if it is
            // parked at this sample. Volatile: ordered after the exchange (StoreLoad).
            long cons = (long) LONG.getVolatile(SPECIALIZED ? CONSUMER_PAGE : consumerPage, 0L);
            if ((cons & (SPECIALIZED ? MASK : mask)) == headerOffset) {
                owner.dataNotifier.wakeUp();
            }
        }
    }
}
