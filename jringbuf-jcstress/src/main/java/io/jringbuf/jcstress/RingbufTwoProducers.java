/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.protocol.Producer;
import io.jringbuf.base.RecordHandler;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * RINGBUF producer role: two producers and a consumer, all the real classes. Each producer
 * reserves a record (13 and 5 payload bytes, so different record sizes), fills it with a tagged
 * pattern and submits it; a consume runs concurrently; the arbiter consumes what is left.
 *
 * <p>r1 = records the concurrent consume delivered (0, 1 or 2: it stops at a BUSY record);
 * r2 = records delivered in total (must be 2: every committed record, once);
 * r3 = defects: bit 0 a torn payload (bytes or length not those its producer wrote), bit 1
 * records delivered out of reservation (position) order, twice, or not at the reserved offsets,
 * bit 2 (two-actor shape only) producer 2's committed record was at the head and its own thread's
 * consume did not deliver it.
 *
 * <p>Two shapes: {@link ThreeActors} (a consumer thread of its own; jcstress needs 3 CPUs to
 * schedule it and skips it on 2) and {@link ConsumerAfterSecondProducer} (2 actors: the second
 * producer consumes after its submit, racing with the first producer's fill and submit).
 */
public final class RingbufTwoProducers {
    private RingbufTwoProducers() {
    }

    private static final int[] LENGTH_OF_TAG = {0, 13, 5};

    /** The shared state and checks of both shapes. */
    static final class Ring {
        private final RingFixture ring = new RingFixture(4096);
        private final Producer producer = new Producer(ring.view, ring.control, Notifier.NONE, null);
        private final Consumer consumer = Consumer.forKernelRing(ring.view, false);
        private final long[] seenOffset = new long[4];
        private final int[] seenTag = new int[4];
        private int seen;
        private long offset1 = -1;
        private long offset2 = -1;

        private final RecordHandler handler = (MemorySegment buffer, long offset, int length) -> {
            if (seen < seenOffset.length) {
                seenOffset[seen] = offset;
                seenTag[seen] = Payloads.check(buffer, offset, length, LENGTH_OF_TAG);
            }
            seen++;
            return true;
        };

        void produce(int tag) {
            long offset = producer.reserve(LENGTH_OF_TAG[tag]);
            if (offset >= 0) {
                Payloads.fill(producer.buffer(), offset, LENGTH_OF_TAG[tag], tag);
                producer.submit(offset, 0);
            }
            if (tag == 1) {
                offset1 = offset;
            } else {
                offset2 = offset;
            }
        }

        private int firstConsume = -1;

        int consume() {
            firstConsume = consumer.consume(handler);
            return firstConsume;
        }

        /**
         * @param ownRecordCommitted whether the concurrent consume ran after producer 2's
         *                           submit on the same thread: if producer 2's record is the
         *                           first one, that consume must deliver it
         */
        void judge(III_Result r, boolean ownRecordCommitted) {
            consumer.consume(handler);
            r.r2 = seen;
            int defects = 0;
            for (int i = 0; i < Math.min(seen, seenTag.length); i++) {
                if (seenTag[i] < 0) {
                    defects |= 1;
                }
            }
            // Reservation order is position order (the ring does not wrap here): the record
            // reserved first comes first, at the offset its producer got, with its producer's tag.
            boolean oneFirst = offset1 < offset2;
            if (seen != 2 || offset1 < 0 || offset2 < 0
                    || seenOffset[0] != (oneFirst ? offset1 : offset2)
                    || seenOffset[1] != (oneFirst ? offset2 : offset1)
                    || (seenTag[0] >= 0 && seenTag[0] != (oneFirst ? 1 : 2))
                    || (seenTag[1] >= 0 && seenTag[1] != (oneFirst ? 2 : 1))) {
                defects |= 2;
            }
            if (ownRecordCommitted && offset2 >= 0 && (offset1 < 0 || offset2 < offset1) && firstConsume < 1) {
                defects |= 4;
            }
            r.r3 = defects;
        }
    }

    /** Producer 1, producer 2 and the consumer each on a thread of their own. */
    @JCStressTest
    @Outcome(id = {"0, 2, 0", "1, 2, 0", "2, 2, 0"}, expect = ACCEPTABLE,
            desc = "both records delivered once, intact, in reservation order")
    @Outcome(expect = FORBIDDEN, desc = "a record lost, duplicated, reordered or torn")
    @State
    public static class ThreeActors {
        private final Ring ring = new Ring();

        @Actor
        public void producer1() {
            ring.produce(1);
        }

        @Actor
        public void producer2() {
            ring.produce(2);
        }

        @Actor
        public void consumer(III_Result r) {
            r.r1 = ring.consume();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            ring.judge(r, false);
        }
    }

    /** Producer 1 on one thread; producer 2 then the consumer on the other. */
    @JCStressTest
    @Outcome(id = "0, 2, 0", expect = ACCEPTABLE,
            desc = "producer 1 reserved first and was still BUSY: the consume parked at it; all delivered later")
    @Outcome(id = {"1, 2, 0", "2, 2, 0"}, expect = ACCEPTABLE,
            desc = "both records delivered once, intact, in reservation order")
    @Outcome(expect = FORBIDDEN, desc = "a record lost, duplicated, reordered or torn, or producer 2's own head record not seen")
    @State
    public static class ConsumerAfterSecondProducer {
        private final Ring ring = new Ring();

        @Actor
        public void producer1() {
            ring.produce(1);
        }

        @Actor
        public void producer2ThenConsumer(III_Result r) {
            ring.produce(2);
            r.r1 = ring.consume();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            ring.judge(r, true);
        }
    }
}
