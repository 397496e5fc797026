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
 * The consume loop of {@link Consumer}, applying the consume rules (see {@link Consumer},
 * "Semantics"). Under this name it is the generic loop, reading the ring from its fields; a busy
 * consumer runs it as a hidden class with its ring as constants {@link #K} (see the package
 * documentation, "Specialised hot paths"), which also gives it its own call site for the handler.
 *
 * <p>Memory ordering: as documented on {@link Consumer}, where the reasoning lives; the comments
 * below name each access's partner.
 */
final class ConsumerLoopTemplate implements Consumer.Loop {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /**
     * This ring's memory as constants, the class data of a class of the ring's own (see
     * {@link Specializer}); null under this class's own name, the generic code, which reads the
     * instance fields instead. The accessors below choose; the JIT folds the choice.
     */
    private static final Constants K = Specializer.constants(MethodHandles.lookup(), Constants.class);

    /** What a class of a ring's own holds as constants, and the generic code as fields. */
    record Constants(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data, long mask, boolean perRecord) {
    }

    /** Records per run of one size at most: a bound for the run loop that real rings never reach. */
    private static final int PASS_LIMIT = Integer.MAX_VALUE - 1;

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long mask;
    private final boolean perRecord;

    ConsumerLoopTemplate(Constants k) {
        this.consumerPage = k.consumerPage();
        this.producerPage = k.producerPage();
        this.data = k.data();
        this.mask = k.mask();
        this.perRecord = k.perRecord();
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

    private boolean perRecord() {
        return K != null ? K.perRecord() : perRecord;
    }

    @Override
    public int run(Consumer consumer, RecordHandler handler, int n) {
        // Folded by the JIT: the constants in a ring's own class, the fields in the generic one.
        final MemorySegment cp = consumerPage();
        final MemorySegment pp = producerPage();
        final MemorySegment data = data();
        // The mask without its low three bits: positions are multiples of 8 (checkPass checks
        // producer_pos and consumer_pos at every pass, records are whole multiples of 8), so
        // this changes no offset, but the JIT then knows every header and payload offset is
        // 8-aligned and drops the alignment check of each header load and of the handler's
        // aligned reads (2026-12-06, bench/KERNEL-NOTES.md).
        final long mask = mask() & ~7L;
        final boolean perRecord = perRecord();
        // Acquire: pairs with the release store of whichever consumer published it last.
        final long start = (long) LONG.getAcquire(cp, 0L);
        long cons = start;
        long published = start;
        int count = 0;
        for (;;) {
            // Fenced: every consumer_pos store of this call and of the previous call was followed
            // by a full fence (the missed-wakeup fence). Acquire pairs with the producer's release store of
            // producer_pos at reservation time.
            long prod = (long) LONG.getAcquire(pp, 0L);
            long avail = prod - cons;
            if (avail <= 0) {
                break;
            }
            consumer.checkPass(cons, prod, avail);
            long previous = 0; // the size of the record before (0: none, the smallest is 8)
            records:
            for (;;) {
                // The general step: this record's header gives the next position.
                long headerOffset = cons & mask;
                // Acquire: pairs with the producer's exchange (or release store) of the header at
                // commit, so the payload written before the commit is visible.
                int header = (int) INT.getAcquire(data, headerOffset);
                if (header < 0) {
                    // Park visibly at the BUSY record before the fenced re-check, or its commit
                    // would see us behind and send no wakeup.
                    if (cons != published) {
                        LONG.setRelease(cp, 0L, cons);
                        published = cons;
                    }
                    header = consumer.busyHeader(data, headerOffset, cons);
                    if (header < 0) {
                        return consumer.done(count, published != start);
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
                        VarHandle.fullFence(); // missed-wakeup fence before an early return
                        consumer.done(count, true);
                    }
                    throw Consumer.corruptHeader(cons, header, avail);
                }
                cons += len;
                avail -= len;
                if ((header & DISCARD_BIT) == 0) {
                    if (deliver(consumer, handler, cp, data, headerOffset, header, cons, count, count + 1 >= n)) {
                        return consumer.done(count + 1, true);
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
                if (len != previous || avail < len) {
                    // Not two of a size in a row, or no room for a third before producer_pos.
                    previous = len;
                    continue;
                }
                // Two records of one size in a row: expect more of it. Below, the next position
                // is cons + size whatever the header says, and a header of another size is a
                // branch out (back to the general step, which loads it again), not a data
                // dependency, so the header loads of consecutive records overlap instead of each
                // waiting for the one before (the chain load, length, position, load).
                final long size = len;
                // The header this run expects: committed, this length, this discard state. A
                // record with exactly that header needs one compare; one of the same size with
                // another length or discard state goes the longer way below.
                final int expected = header;
                // An int-counted loop (the bound is never reached; if it were, the general step
                // would go on) rather than do-while (avail > 0): C2 compiles it as a counted loop.
                for (int i = 0; i < PASS_LIMIT; i++) {
                    headerOffset = cons & mask;
                    // Acquire: as in the general step.
                    header = (int) INT.getAcquire(data, headerOffset);
                    // BUSY (negative) or another size: the general step. Past producer_pos cannot
                    // pass here: the end of the previous record left avail >= size.
                    if (header != expected && (header < 0 || RingLayout.recordSizeOfHeader(header) != size)) {
                        previous = 0;
                        continue records;
                    }
                    cons += size;
                    avail -= size;
                    if ((header & DISCARD_BIT) == 0) {
                        if (deliver(consumer, handler, cp, data, headerOffset, header, cons, count, count + 1 >= n)) {
                            return consumer.done(count + 1, true);
                        }
                        count++;
                    }
                    if (perRecord) {
                        // Release: as in the general step.
                        LONG.setRelease(cp, 0L, cons);
                        published = cons;
                    }
                    // One compare for both ends of the run: the ring's end (avail 0: end the
                    // pass) and a producer_pos inside the next record of this size (a corrupt
                    // ring: the general step finds it and throws).
                    if (avail < size) {
                        if (avail <= 0) {
                            break records;
                        }
                        previous = 0;
                        continue records;
                    }
                }
            }
            if (cons != published) {
                // Batch mode: one release store per pass.
                LONG.setRelease(cp, 0L, cons);
                published = cons;
            }
            VarHandle.fullFence(); // missed-wakeup fence: publish consumer_pos before reloading producer_pos
        }
        return consumer.done(count, published != start);
    }

    /**
     * Hands one record to the handler. Returns true when the call must end after it (the handler
     * asked to stop, or it was the last of the {@code n} asked for), having published
     * {@code next} as consumer_pos and fenced; the caller then returns. A handler that throws
     * leaves the record consumed, published the same way.
     *
     * @param count the records delivered before this one
     */
    private static boolean deliver(Consumer consumer, RecordHandler handler, MemorySegment cp, MemorySegment data,
                                   long headerOffset, int header, long next, int count, boolean last) {
        boolean more;
        try {
            more = handler.onRecord(data, headerOffset + HEADER_SIZE, header & LENGTH_MASK);
        } catch (Throwable t) {
            // The record is consumed even though its handler failed.
            LONG.setRelease(cp, 0L, next);
            VarHandle.fullFence(); // missed-wakeup fence before an early return
            consumer.done(count, true);
            throw t;
        }
        if (!more || last) {
            LONG.setRelease(cp, 0L, next);
            VarHandle.fullFence(); // missed-wakeup fence before an early return
            return true;
        }
        return false;
    }
}
