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
import static io.jringbuf.internal.format.RingLayout.FORCE_WAKEUP;
import static io.jringbuf.internal.format.RingLayout.HEADER_SIZE;
import static io.jringbuf.internal.format.RingLayout.NO_WAKEUP;
import static io.jringbuf.internal.format.RingLayout.WAKEUP_FLAGS;

/**
 * The reservation and commit of {@link UserProducer}. Under this name the generic code, reading
 * the ring from its fields; a busy producer runs it as a hidden class with its ring as constants
 * {@link #K} (see the package documentation, "Specialised hot paths").
 *
 * <p>Memory ordering: as documented on {@link UserProducer}; the comments below name each
 * access's partner.
 */
final class UserProducerOpsTemplate implements UserProducer.Ops {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /**
     * This ring's memory as constants, the class data of a class of the ring's own (see
     * {@link Specializer}); null under this class's own name, the generic code, which reads the
     * instance fields instead. The accessors below choose; the JIT folds the choice.
     */
    private static final Constants K = Specializer.constants(MethodHandles.lookup(), Constants.class);

    /** What a class of a ring's own holds as constants, and the generic code as fields. */
    record Constants(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data, long mask) {
    }

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long mask;

    UserProducerOpsTemplate(Constants k) {
        this.consumerPage = k.consumerPage();
        this.producerPage = k.producerPage();
        this.data = k.data();
        this.mask = k.mask();
    }

    private MemorySegment consumerPage() {
        return K != null ? K.consumerPage() : consumerPage;
    }

    private MemorySegment producerPage() {
        return K != null ? K.producerPage() : producerPage;
    }

    private MemorySegment data() {
        return K != null ? K.data() : data;
    }

    private long mask() {
        return K != null ? K.mask() : mask;
    }

    /**
     * Reserves: the sample's offset, or -1 if the ring is too full now. No calls but to throw:
     * the rare parts (the ownership check once per {@link UserProducer#OWNERSHIP_CHECK_INTERVAL}
     * bytes, the reload of consumer_pos when the ring looks full) are written here rather than
     * called. As calls (checkStillOwner, 40 bytecodes, and reserveSlow, 126, until 2026-12-06;
     * neither inlined at these rarely taken sites) they stayed in the caller's loop once the JIT
     * had seen them taken, and the loop kept its values in stack slots: the K3 fill loop ran at
     * two speeds in one run, about 180 M samples/s until the first full ring trapped out of the
     * optimised code (unstable_if at the "looks full" test) and about 115 after the
     * recompilation that added the call (8-byte samples, 2026-12-06; bench/KERNEL-NOTES.md).
     */
    @Override
    public long tryReserve(UserProducer producer, int length, long recordSize) {
        final long size = (mask()) + 1;
        long prod = producer.producerPosition;
        // Both positions were validated when first seen (the producer leaves the cached
        // consumer position stale so that the first reservation looks full), and prod only
        // grows by record sizes since.
        boolean looksFull = recordSize > size - (prod - producer.cachedConsumerPosition);
        if (looksFull || ((prod ^ (prod + recordSize)) & -UserProducer.OWNERSHIP_CHECK_INTERVAL) != 0) {
            // The ring looks full (or this is the first reservation), or this sample reaches a
            // new OWNERSHIP_CHECK_INTERVAL-aligned block: is producer_pos still ours? Plain: only
            // this producer writes it; a different value means another writer.
            long seen = (long) LONG.get(producerPage(), 0L);
            if (seen != prod) {
                throw producer.moved(seen);
            }
            if (looksFull) {
                // Acquire: pairs with the drainer's release store of consumer_pos, so its reads
                // of the space we are about to reuse are done. (Space judged free by an older
                // value was freed before that older acquire load, which ordered it the same way.)
                long cons = (long) LONG.getAcquire(consumerPage(), 0L);
                long used = prod - cons;
                if (used < 0 || used > size || ((prod | cons) & 7) != 0) {
                    throw UserProducer.corrupt(cons, prod);
                }
                producer.cachedConsumerPosition = cons;
                if (recordSize > size - used) {
                    return -1;
                }
            }
        }
        return publish(producer, length, recordSize, prod);
    }

    private long publish(UserProducer producer, int length, long recordSize, long prod) {
        // prod is a multiple of 8 (validated when first seen, grown by record sizes): masking the
        // low bits off changes nothing but lets the JIT see the offset aligned and inside the
        // ring, so the segment's alignment and bounds checks fold away.
        long headerOffset = prod & (mask() & ~7L);
        // One 8-byte store writes the BUSY header and the owner word together.
        LONG.set(data(), headerOffset, RingLayout.headerWords(length | BUSY_BIT, producer.ownerWord));
        long newProd = prod + recordSize;
        producer.producerPosition = newProd;
        // Release: the BUSY header is visible before the position that covers it; pairs with the
        // drainer's acquire load of producer_pos.
        LONG.setRelease(producerPage(), 0L, newProd);
        return headerOffset + HEADER_SIZE;
    }

    @Override
    public void commit(UserProducer producer, long offset, int flags, boolean discard, String operation) {
        final MemorySegment data = data();
        // Masked and compared rather than tested: the same check (outside [0, size) or not
        // 8-aligned), but the JIT then knows headerOffset's range and alignment and drops the
        // bounds and alignment checks of the two header accesses below (2026-12-06).
        long headerOffset = (offset - HEADER_SIZE) & (mask() & ~7L);
        if (headerOffset != offset - HEADER_SIZE) {
            throw UserProducer.notASample(operation, offset, false);
        }
        int header = (int) INT.get(data, headerOffset);
        if (header >= 0) {
            throw UserProducer.notASample(operation, offset, true);
        }
        int committed = (header & ~BUSY_BIT) | (discard ? DISCARD_BIT : 0);
        if (!producer.notifiesDrainer || (flags & WAKEUP_FLAGS) == NO_WAKEUP) {
            // Kernel ring, or NO_WAKEUP: release store. The sample's bytes happen before the header update;
            // pairs with the kernel drain's acquire load of the header. Nothing is loaded after
            // it to decide a wakeup (the BPF program decides when to drain), so the full barrier
            // of libbpf's exchange buys nothing here and costs a locked instruction per sample.
            INT.setRelease(data, headerOffset, committed);
            return;
        }
        commitAndWake(producer, headerOffset, committed, (flags & FORCE_WAKEUP) != 0);
    }

    /** A commit that may have to wake a Java drainer; out of line to keep {@code commit} small. */
    private void commitAndWake(UserProducer producer, long headerOffset, int committed, boolean force) {
        // Atomic exchange (full barrier): the sample's bytes happen before the header update
        // (pairs with the drainer's acquire load of the header), and the header store is
        // ordered before the loads below that decide the wakeup (StoreLoad: pairs with the
        // drainer's fence between registering as a waiter and re-reading the header).
        MappedAtomics.getAndSetInt(data(), headerOffset, committed);
        if (force) {
            producer.dataNotifier.wakeUp();
        } else if (producer.dataNotifier.mayHaveWaiters()) {
            // Adaptive, like the kernel's RINGBUF rule: wake a Java drainer only if it is
            // parked at this sample. Volatile: ordered after the exchange (StoreLoad).
            long cons = (long) LONG.getVolatile(consumerPage(), 0L);
            if ((cons & (mask())) == headerOffset) {
                producer.dataNotifier.wakeUp();
            }
        }
    }
}
