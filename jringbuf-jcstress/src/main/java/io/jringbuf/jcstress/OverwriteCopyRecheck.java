/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.base.RecordHandler;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.protocol.Producer;
import io.jringbuf.internal.wait.Notifier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The overwrite reader's copy-and-recheck against a lapping producer (the real {@link Producer}
 * of an overwrite ring and the real overwrite {@link Consumer}). A 4 KiB ring holds records B, C,
 * D (seq 2, 3, 4; 1016-byte payloads, every word its seq) from {@code overwrite_pos} 1024; the
 * producer actor reserves E (seq 5, 3064 bytes), which moves {@code overwrite_pos} to 4096 and
 * lands on B's and C's memory, fills it and commits it; the reader actor consumes once.
 *
 * <p>The arbiter consumes once more, after the producer's publication is complete: a reader call
 * may end without moving when it finds the producer inside its publication of
 * {@code overwrite_pos} and the count for longer than its patience (the producer descheduled, or
 * a safepoint), and the next call must then finish the accounting. Result: r1 = bit mask of the
 * seqs delivered intact by the two calls, r2 = records delivered torn (a word or the length not
 * as written), r3 = records counted lost (A, overwritten when D was reserved, always). Either the
 * reader's copy predates the overwrite (B, C, D delivered) or it sees {@code overwrite_pos}
 * moved and counts B, C, D lost too; E is delivered, by the reader or the arbiter. A torn
 * record, or a count that does not add up (such as moving past B, C, D without counting them:
 * "32, 0, 1"), is forbidden.
 */
@JCStressTest
@Outcome(id = "60, 0, 1", expect = ACCEPTABLE, desc = "B, C, D read before the overwrite, and E; A lost")
@Outcome(id = "32, 0, 4", expect = ACCEPTABLE, desc = "A, B, C, D overwritten: counted lost; E")
@Outcome(expect = FORBIDDEN, desc = "a torn record delivered, a record neither delivered nor counted, or a wrong count")
@State
public class OverwriteCopyRecheck {
    static final long SIZE = 4096;
    static final int SMALL = 1016;
    static final int LARGE = 3064;

    final RingFixture ring = new RingFixture(SIZE);
    final Producer producer = new Producer(ring.view, ring.control, Notifier.NONE, null, true);
    final Consumer consumer = Consumer.forJvmRing(ring.view, false, Notifier.NONE, ring.control, true);

    public OverwriteCopyRecheck() {
        for (long seq = 1; seq <= 4; seq++) {
            write(producer, seq, SMALL); // A (then overwritten by D's reservation), B, C, D
        }
    }

    static void write(Producer producer, long seq, int length) {
        long off = producer.reserve(length);
        MemorySegment buf = producer.buffer();
        for (int i = 0; i < length; i += 8) {
            buf.set(ValueLayout.JAVA_LONG, off + i, seq);
        }
        producer.submit(off, RingLayout.NO_WAKEUP);
    }

    /** Checks one delivered record: r1 gets its seq's bit if intact, r2 counts it if torn. */
    static RecordHandler checker(III_Result r) {
        return (b, o, l) -> {
            long seq = b.get(ValueLayout.JAVA_LONG, o);
            boolean intact = seq >= 2 && seq <= 5 && l == (seq == 5 ? LARGE : SMALL);
            for (int i = 8; intact && i < l; i += 8) {
                intact = b.get(ValueLayout.JAVA_LONG, o + i) == seq;
            }
            if (intact) {
                r.r1 |= 1 << seq;
            } else {
                r.r2++;
            }
            return true;
        };
    }

    @Actor
    public void producer() {
        write(producer, 5, LARGE);
    }

    @Actor
    public void reader(III_Result r) {
        consumer.consume(checker(r));
    }

    @Arbiter
    public void settle(III_Result r) {
        consumer.consume(checker(r));
        r.r3 = (int) consumer.lostRecords();
    }

    /**
     * NEGATIVE CONTROL: the same states with a reader that copies from
     * {@code max(consumer_pos, overwrite_pos)} and delivers from the copy without re-reading
     * {@code overwrite_pos} afterwards ({@link CopyWithoutRecheck}). Torn records (r2 &gt; 0) are
     * marked interesting: seeing them shows that the recheck is what keeps them out.
     */
    @JCStressTest
    @Outcome(id = {"28, 0, 0", "60, 0, 0", "32, 0, 0", "0, 0, 0"}, expect = ACCEPTABLE, desc = "no tearing this time")
    @Outcome(expect = ACCEPTABLE_INTERESTING, desc = "a torn record delivered (what the recheck prevents)")
    @State
    public static class NegativeControl {
        final RingFixture ring = new RingFixture(SIZE);
        final Producer producer = new Producer(ring.view, ring.control, Notifier.NONE, null, true);
        final CopyWithoutRecheck reader = new CopyWithoutRecheck(ring.view);

        public NegativeControl() {
            for (long seq = 1; seq <= 4; seq++) {
                write(producer, seq, SMALL);
            }
        }

        @Actor
        public void producer() {
            write(producer, 5, LARGE);
        }

        @Actor
        public void reader(III_Result r) {
            reader.consume(checker(r));
        }
    }
}
