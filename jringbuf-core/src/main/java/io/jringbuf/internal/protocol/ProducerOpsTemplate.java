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
import static io.jringbuf.internal.format.RingLayout.OVERWRITE_POS_OFFSET;
import static io.jringbuf.internal.format.RingLayout.PENDING_POS_OFFSET;
import static io.jringbuf.internal.format.RingFileDescriptor.OVERWRITE_SEQUENCE_OFFSET;
import static io.jringbuf.internal.format.RingFileDescriptor.OVERWRITTEN_RECORDS_OFFSET;

/**
 * The reservation and commit of {@link Producer}. Under this name the generic code, reading the
 * ring from its fields; a busy producer runs it as a hidden class with its ring as constants
 * {@link #K} (see the package documentation, "Specialised hot paths").
 *
 * <p>Memory ordering: as documented on {@link Producer}, where the reasoning lives; the comments
 * below name each access's partner. The reservation lock is {@link RingControl}'s: its fast path
 * (a compare-and-set of the lock word from 0 to this process's id, a release store of 0 to free
 * it) is inlined here; anything else goes through {@link RingControl#lockReservation()}.
 */
final class ProducerOpsTemplate implements Producer.Ops {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /**
     * This ring's memory as constants, the class data of a class of the ring's own (see
     * {@link Specializer}); null under this class's own name, the generic code, which reads the
     * instance fields instead. The accessors below choose; the JIT folds the choice.
     */
    private static final Constants K = Specializer.constants(MethodHandles.lookup(), Constants.class);

    /** What a class of a ring's own holds as constants, and the generic code as fields. */
    record Constants(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data, MemorySegment lock, long mask,
                     boolean overwrite) {
    }

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final MemorySegment lock;
    private final long mask;
    private final boolean overwrite;

    ProducerOpsTemplate(Constants k) {
        this.consumerPage = k.consumerPage();
        this.producerPage = k.producerPage();
        this.data = k.data();
        this.lock = k.lock();
        this.mask = k.mask();
        this.overwrite = k.overwrite();
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

    private MemorySegment lock() {
        return K != null ? K.lock() : lock;
    }

    private long mask() {
        return K != null ? K.mask() : mask;
    }

    private boolean overwrite() {
        return K != null ? K.overwrite() : overwrite;
    }

    @Override
    public long tryReserve(Producer producer, int length, long recordSize) {
        final MemorySegment lk = lock();
        // RingControl's lock: the CAS's acquire half pairs with the release store that freed it.
        // The plain read first: a held lock goes to the slow path (test and test-and-set), and
        // on a ring file truncated under us the read faults, guarded (see MappedAtomics).
        if (((long) LONG.get(lk, 0L) != 0L || !MappedAtomics.compareAndSetLong(lk, 0L, 0L, producer.ownerWord))
                && !producer.lockSlow()) {
            return Producer.LOCK_TIMED_OUT;
        }
        long offset;
        try {
            offset = overwrite() ? reserveOverwriting(producer, length, recordSize)
                    : reserveLocked(producer, length, recordSize);
        } finally {
            // Release: pairs with the next holder's compare-and-set.
            LONG.setRelease(lk, 0L, 0L);
        }
        return offset;
    }

    /** The reservation proper, under the lock (apart so that each part stays small to inline). */
    private long reserveLocked(Producer producer, int length, long recordSize) {
        final MemorySegment pp = producerPage();
        final MemorySegment data = data();
        final long mask = mask();
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
                int header = (int) INT.getAcquire(data, pending & mask);
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
        long cons = producer.cachedConsumerPosition;
        if (Long.compareUnsigned(newProd - cons, mask) > 0) {
            cons = reloadConsumerPosition(producer);
        }
        if (Long.compareUnsigned(newProd - cons, mask) > 0 || Long.compareUnsigned(newProd - pending, mask) > 0) {
            return -1;
        }
        long headerOffset = prod & mask;
        // One 8-byte store writes the BUSY header and the owner word together.
        LONG.set(data, headerOffset, RingLayout.headerWords(length | BUSY_BIT, producer.ownerWord));
        // Release: the BUSY header (and owner) are visible before the position that covers
        // them; pairs with the consumer's acquire load of producer_pos.
        LONG.setRelease(pp, 0L, newProd);
        return headerOffset + HEADER_SIZE;
    }

    /**
     * The reservation of an overwrite ring ({@code BPF_F_RB_OVERWRITE}), under the lock: the
     * kernel's rules (spec 4.6). {@code consumer_pos} is ignored; the pending-record rule still
     * refuses a record that would reach a BUSY one; then {@code overwrite_pos} is walked forward
     * record by record (on the headers' rounded lengths, so it stays on a record boundary) until
     * the new record fits, counting the committed, not discarded records it passes. The walk
     * never passes {@code pending_pos}: everything before it is committed, so no BUSY record is
     * ever overwritten.
     *
     * <p>Ordering. The new {@code overwrite_pos} and the count are published seqlock-style (odd
     * sequence, pair, even sequence) and then a StoreStore fence orders them, and every
     * {@code overwrite_pos} an earlier lock holder published, before every later store of this
     * thread: the BUSY header, the release of {@code producer_pos}, and the payload the caller
     * writes after this returns (in this thread, or in one it hands the record to). A reader that copies the ring and then
     * (after a LoadLoad fence) re-reads {@code overwrite_pos} therefore sees the new value if its
     * copy saw any byte of the new record (pairs with {@code OverwriteLoop}'s acquire fence).
     * The kernel writes {@code overwrite_pos} with WRITE_ONCE before its release of
     * {@code producer_pos}; on x86 (TSO) its later stores stay in order by themselves, the Java
     * memory model needs the fence.
     */
    private long reserveOverwriting(Producer producer, int length, long recordSize) {
        final MemorySegment pp = producerPage();
        final MemorySegment data = data();
        final long mask = mask();
        // Plain reads: the lock's acquire orders them after the previous holder's writes.
        long prod = (long) LONG.get(pp, 0L);
        long pending = (long) LONG.get(pp, PENDING_POS_OFFSET);
        long ow = (long) LONG.get(pp, OVERWRITE_POS_OFFSET);
        if (((prod | pending | ow) & 7) != 0 || Long.compareUnsigned(prod - pending, mask + 1) > 0
                || Long.compareUnsigned(prod - ow, mask + 1) > 0 || pending - ow < 0) {
            throw Producer.corruptPositions(prod, pending);
        }
        long newProd = prod + recordSize;
        if (Long.compareUnsigned(newProd - pending, mask) > 0) {
            // The kernel's eager pending_pos walk (an overwrite ring is full most of the time, so
            // the batching of the ordinary path would buy nothing).
            while (pending - prod < 0) {
                // Acquire: pairs with the committing producer's exchange (or release store).
                int header = (int) INT.getAcquire(data, pending & mask);
                if (header < 0) {
                    break;
                }
                pending += RingLayout.recordSizeOfHeader(header);
            }
            LONG.set(pp, PENDING_POS_OFFSET, pending);
            if (Long.compareUnsigned(newProd - pending, mask) > 0) {
                return -1; // would reach a BUSY record: refused, never overwritten
            }
        }
        if (Long.compareUnsigned(newProd - ow, mask) > 0) {
            long overwritten = (long) LONG.get(pp, OVERWRITTEN_RECORDS_OFFSET);
            do {
                // Committed (ow < pending): the committing producer's exchange or release store
                // happened before the pending walk that passed it, under this lock.
                int header = (int) INT.get(data, ow & mask);
                if ((header & DISCARD_BIT) == 0) {
                    overwritten++;
                }
                ow += RingLayout.recordSizeOfHeader(header);
            } while (Long.compareUnsigned(newProd - ow, mask) > 0);
            long seq = (long) LONG.get(pp, OVERWRITE_SEQUENCE_OFFSET);
            long odd = seq | 1; // already odd only if a holder died inside this section
            LONG.setOpaque(pp, OVERWRITE_SEQUENCE_OFFSET, odd);
            VarHandle.storeStoreFence(); // the odd sequence before the pair (the reader's LoadLoad fence)
            LONG.setOpaque(pp, OVERWRITE_POS_OFFSET, ow);
            LONG.setOpaque(pp, OVERWRITTEN_RECORDS_OFFSET, overwritten);
            VarHandle.storeStoreFence(); // the pair before the even sequence
            LONG.setOpaque(pp, OVERWRITE_SEQUENCE_OFFSET, odd + 1);
        }
        // StoreStore (a compiler barrier on x86): every overwrite_pos this thread has seen, its
        // own or an earlier lock holder's, is ordered before the header and payload stores of the
        // new record, which land only on records below it. Pairs with the reader's LoadLoad fence
        // before its re-read of overwrite_pos.
        VarHandle.storeStoreFence();
        long headerOffset = prod & mask;
        LONG.set(data, headerOffset, RingLayout.headerWords(length | BUSY_BIT, producer.ownerWord));
        // Release: the BUSY header (and overwrite_pos, stored before it) are visible before the
        // position that covers them; pairs with the consumer's acquire load of producer_pos.
        LONG.setRelease(pp, 0L, newProd);
        return headerOffset + HEADER_SIZE;
    }

    private long reloadConsumerPosition(Producer producer) {
        // Acquire: pairs with the consumer's release store of consumer_pos, so the consumer's
        // reads of the space we may reuse are done.
        long cons = (long) LONG.getAcquire(consumerPage(), 0L);
        producer.cachedConsumerPosition = cons;
        return cons;
    }

    @Override
    public void commit(Producer producer, long offset, int flags, boolean discard, String operation) {
        final MemorySegment data = data();
        final long mask = mask();
        Producer.checkFlags(flags, operation);
        long headerOffset = offset - HEADER_SIZE;
        if ((headerOffset & ~(mask & ~7L)) != 0) { // outside [0, size) or not 8-aligned
            throw Producer.notARecord(operation, offset, false);
        }
        int header = (int) INT.get(data, headerOffset);
        if (header >= 0) {
            throw Producer.notARecord(operation, offset, true);
        }
        int committed = (header & ~BUSY_BIT) | (discard ? DISCARD_BIT : 0);
        if ((flags & (NO_WAKEUP | FORCE_WAKEUP)) == NO_WAKEUP) {
            // NO_WAKEUP (without FORCE): no load follows that decides a wakeup, so a release
            // store is enough: the payload writes happen before the header update (pairs with
            // the consumer's acquire load of the header). The kernel exchanges here too; a
            // consumer that spins instead of sleeping saves a locked instruction per record.
            INT.setRelease(data, headerOffset, committed);
            return;
        }
        // Atomic exchange, a full barrier: the payload writes happen before the header update
        // (pairs with the consumer's acquire load of the header), and the header update happens
        // before the consumer_pos load that decides the wakeup (pairs with the consumer's full
        // fence after publishing consumer_pos: the missed-wakeup fence).
        MappedAtomics.getAndSetInt(data, headerOffset, committed);
        if ((flags & FORCE_WAKEUP) != 0) {
            producer.dataNotifier.wakeUp();
        } else if (producer.dataNotifier.mayHaveWaiters()) {
            // The waiter test first (after the exchange's full barrier, see Notifier): with
            // nobody waiting, the adaptive rule's answer does not matter and the consumer's hot
            // consumer_pos line is left alone.
            // Volatile: stays after the exchange (StoreLoad) under the Java memory model too.
            long cons = (long) LONG.getVolatile(consumerPage(), 0L);
            if ((cons & mask) == headerOffset) {
                producer.dataNotifier.wakeUp();
            }
        }
    }
}
