/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.base.RecordHandler;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static io.jringbuf.internal.format.RingLayout.DISCARD_BIT;
import static io.jringbuf.internal.format.RingLayout.HEADER_SIZE;
import static io.jringbuf.internal.format.RingLayout.LENGTH_MASK;

/**
 * The consume loop of {@link Consumer}. Never initialised under this name: its class file is
 * defined as hidden classes ({@link Specializer}) with class data read into {@code static final}
 * fields.
 * One shared class (class data "not specialised") reads the ring from instance fields, like
 * ordinary code; a consumer that has delivered enough records to matter gets its own class whose
 * constants are its ring's segments, mask and commit mode. The JIT treats those as constants, and
 * with them the segments' own final fields (base address, size, read-only flag, session): the
 * bounds, alignment and liveness checks of each segment access then cost a compare against
 * constants and one load of the session's state, instead of reloading the segment's fields after
 * every acquire load, which the barrier forces when the segments are instance fields. Such a
 * consumer also gets its own call site for the handler. Both kinds run this same bytecode.
 *
 * <p>Memory ordering: as documented on {@link Consumer}, where the reasoning lives; the comments
 * below name each access's partner.
 */
final class ConsumerLoopTemplate implements Consumer.Loop {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private static final Object[] DATA = Specializer.classData(MethodHandles.lookup());
    /** True in a per-ring class (the constants below are the ring's), false in the shared one. */
    private static final boolean SPECIALIZED = (Boolean) DATA[0];
    private static final MemorySegment CONSUMER_PAGE = (MemorySegment) DATA[1];
    private static final MemorySegment PRODUCER_PAGE = (MemorySegment) DATA[2];
    private static final MemorySegment RING = (MemorySegment) DATA[3];
    private static final long MASK = (Long) DATA[4];
    private static final boolean PER_RECORD = !(Boolean) DATA[5];

    /** Records per run of one size at most: a bound for the run loop that real rings never reach. */
    private static final int PASS_LIMIT = Integer.MAX_VALUE - 1;

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment ring;
    private final long mask;
    private final boolean perRecord;

    ConsumerLoopTemplate(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment ring, long mask,
                         boolean perRecord) {
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.ring = ring;
        this.mask = mask;
        this.perRecord = perRecord;
    }

    @Override
    public Consumer.Loop copyFor(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment ring,
                                 long mask, boolean perRecord) {
        return new ConsumerLoopTemplate(consumerPage, producerPage, ring, mask, perRecord);
    }

    @Override
    public int run(Consumer owner, RecordHandler handler, int n) {
        // Folded by the JIT: the constants in a per-ring class, the fields in the shared one.
        final MemorySegment cp = SPECIALIZED ? CONSUMER_PAGE : consumerPage;
        final MemorySegment pp = SPECIALIZED ? PRODUCER_PAGE : producerPage;
        final MemorySegment d = SPECIALIZED ? RING : ring;
        final long mask = SPECIALIZED ? MASK : this.mask;
        final boolean perRecord = SPECIALIZED ? PER_RECORD : this.perRecord;
        // Acquire: pairs with the release store of whichever consumer published it last.
        final long start = (long) LONG.getAcquire(cp, 0L);
        long cons = start;
        long published = start;
        int count = 0;
        for (;;) {
            // Fenced: every consumer_pos store of this call and of the previous call was followed
            // by a full fence (seed 000). Acquire pairs with the producer's release store of
            // producer_pos at reservation time.
            long prod = (long) LONG.getAcquire(pp, 0L);
            long avail = prod - cons;
            if (avail <= 0) {
                break;
            }
            owner.checkPass(cons, prod, avail);
            long previous = 0; // the size of the record before (0: none, the smallest is 8)
            records:
            for (;;) {
                // The general step: this record's header gives the next position.
                long headerOffset = cons & mask;
                // Acquire: pairs with the producer's exchange (or release store) of the header at
                // commit, so the payload written before the commit is visible.
                int header = (int) INT.getAcquire(d, headerOffset);
                if (header < 0) {
                    // Park visibly at the BUSY record before the fenced re-check, or its commit
                    // would see us behind and send no wakeup.
                    if (cons != published) {
                        LONG.setRelease(cp, 0L, cons);
                        published = cons;
                    }
                    header = owner.busyHeader(d, headerOffset, cons);
                    if (header < 0) {
                        return owner.done(count, published != start);
                    }
                }
                long len = RingLayout.recordSizeOfHeader(header);
                if (len > avail) {
                    // The records delivered before stay consumed, in both commit modes, and the
                    // space they freed is announced, as when a handler throws.
                    if (cons != published) {
                        LONG.setRelease(cp, 0L, cons);
                        published = cons;
                    }
                    if (published != start) {
                        VarHandle.fullFence(); // seed 000: fence before an early return
                        owner.done(count, true);
                    }
                    throw Consumer.corruptHeader(cons, header, avail);
                }
                cons += len;
                avail -= len;
                if ((header & DISCARD_BIT) == 0) {
                    if (deliver(owner, handler, cp, d, headerOffset, header, cons, count, count + 1 >= n)) {
                        return owner.done(count + 1, true);
                    }
                    count++;
                }
                if (perRecord) {
                    // Release: the handler's reads of the record happen before producers reuse
                    // the space (pairs with their acquire loads of consumer_pos).
                    LONG.setRelease(cp, 0L, cons);
                    published = cons;
                }
                if (avail <= 0) {
                    break;
                }
                if (len != previous) {
                    previous = len;
                    continue;
                }
                // Two records of one size in a row: expect more of it. Below, the next position
                // is cons + size whatever the header says, and a header of another size is a
                // branch out (back to the general step, which loads it again), not a data
                // dependency, so the header loads of consecutive records overlap instead of each
                // waiting for the one before (the chain load, length, position, load).
                final long size = len;
                // An int-counted loop (the bound is never reached; if it were, the general step
                // would go on) rather than do-while (avail > 0): C2 compiles it as a counted loop.
                for (int i = 0; i < PASS_LIMIT; i++) {
                    headerOffset = cons & mask;
                    // Acquire: as in the general step.
                    header = (int) INT.getAcquire(d, headerOffset);
                    // BUSY (negative), another size, or past producer_pos: the general step.
                    if (header < 0 || RingLayout.recordSizeOfHeader(header) != size || size > avail) {
                        previous = 0;
                        continue records;
                    }
                    cons += size;
                    avail -= size;
                    if ((header & DISCARD_BIT) == 0) {
                        if (deliver(owner, handler, cp, d, headerOffset, header, cons, count, count + 1 >= n)) {
                            return owner.done(count + 1, true);
                        }
                        count++;
                    }
                    if (perRecord) {
                        // Release: as in the general step.
                        LONG.setRelease(cp, 0L, cons);
                        published = cons;
                    }
                    if (avail <= 0) {
                        break records;
                    }
                }
            }
            if (cons != published) {
                // Batch mode: one release store per pass.
                LONG.setRelease(cp, 0L, cons);
                published = cons;
            }
            VarHandle.fullFence(); // seed 000: publish consumer_pos before reloading producer_pos
        }
        return owner.done(count, published != start);
    }

    /**
     * Hands one record to the handler. Returns true when the call must end after it (the handler
     * asked to stop, or it was the last of the {@code n} asked for), having published
     * {@code next} as consumer_pos and fenced; the caller then returns. A handler that throws
     * leaves the record consumed, published the same way.
     *
     * @param count the records delivered before this one
     */
    private static boolean deliver(Consumer owner, RecordHandler handler, MemorySegment cp, MemorySegment d,
                                   long headerOffset, int header, long next, int count, boolean last) {
        boolean more;
        try {
            more = handler.onRecord(d, headerOffset + HEADER_SIZE, header & LENGTH_MASK);
        } catch (Throwable t) {
            // The record is consumed even though its handler failed.
            LONG.setRelease(cp, 0L, next);
            VarHandle.fullFence(); // seed 000: fence before an early return
            owner.done(count, true);
            throw t;
        }
        if (!more || last) {
            LONG.setRelease(cp, 0L, next);
            VarHandle.fullFence(); // seed 000: fence before an early return
            return true;
        }
        return false;
    }
}
