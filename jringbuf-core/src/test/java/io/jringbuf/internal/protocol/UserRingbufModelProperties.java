/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.JvmRingInternals;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random operation sequences on a USER_RINGBUF JVM ring (the real UserProducer and Drainer over
 * {@link JvmRing#anonymous}) against a plain model of libbpf's {@code user_ring_buffer__reserve/submit} and the kernel's
 * {@code bpf_user_ringbuf_drain}: reservations committed in any
 * order, submit, discard, drains with every flag and handlers that stop early. After every step
 * the ring and the model agree on reservation offsets (or "full"), the samples delivered
 * (offset, length, bytes), drain results, both positions, the drainer's single wakeup decision
 * and the producer's adaptive wakeup of a drainer parked at the committed sample.
 */
class UserRingbufModelProperties {
    static final int SIZE = 4096;

    record Op(int kind, int length, int pick, int flags, int stopAfter) {
        static final int RESERVE = 0, SUBMIT = 1, DISCARD = 2, DRAIN = 3;
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> lengths = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 64)),
                Tuple.of(3, Arbitraries.integers().between(0, 1500)),
                Tuple.of(1, Arbitraries.of(SIZE - 8, SIZE - 16, SIZE / 2 - 8)));
        return Combinators.combine(
                        Arbitraries.frequency(Tuple.of(4, Op.RESERVE), Tuple.of(3, Op.SUBMIT), Tuple.of(1, Op.DISCARD),
                                Tuple.of(3, Op.DRAIN)),
                        lengths,
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.of(0, RingLayout.NO_WAKEUP, RingLayout.FORCE_WAKEUP,
                                RingLayout.NO_WAKEUP | RingLayout.FORCE_WAKEUP),
                        Arbitraries.of(Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 2))
                .as(Op::new).list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 150, shrinking = ShrinkingMode.BOUNDED)
    void realRingMatchesTheModel(@ForAll("operations") List<Op> ops) {
        try (JvmRing ring = JvmRing.anonymous(RingType.USER_RINGBUF, SIZE)) {
            RawRing.CountingNotifier dataWakeups = new RawRing.CountingNotifier();
            RawRing.CountingNotifier spaceWakeups = new RawRing.CountingNotifier();
            UserProducer producer = new UserProducer(JvmRingInternals.view(ring), dataWakeups, null, JvmRingInternals.control(ring));
            Drainer drainer = new Drainer(JvmRingInternals.view(ring), JvmRingInternals.control(ring), spaceWakeups, null);
            RingbufModelProperties.Model model = new RingbufModelProperties.Model(SIZE);
            RingbufModelProperties.Checker checker = new RingbufModelProperties.Checker(model, producer.buffer());
            int step = 0;
            for (Op op : ops) {
                String where = "step " + step++ + " " + op;
                switch (op.kind()) {
                    case Op.RESERVE -> {
                        long expected = reserve(model, op.length());
                        long got = producer.reserve(op.length());
                        assertEquals(expected, got, where + ": reserve offset");
                        if (got >= 0) {
                            RingbufModelProperties.fill(producer.buffer(), got, op.length(), model.lastId);
                        }
                    }
                    case Op.SUBMIT, Op.DISCARD -> {
                        if (model.outstanding.isEmpty()) {
                            continue;
                        }
                        RingbufModelProperties.Model.Rec rec = model.outstanding.get(op.pick() % model.outstanding.size());
                        // Adaptive wakeup of a Java drainer parked at this sample; no flags here.
                        boolean wake = model.commit(rec, op.kind() == Op.DISCARD, 0);
                        int before = dataWakeups.calls();
                        if (op.kind() == Op.DISCARD) {
                            producer.discard((rec.pos & (SIZE - 1)) + 8);
                        } else {
                            producer.submit((rec.pos & (SIZE - 1)) + 8);
                        }
                        assertEquals(wake ? 1 : 0, dataWakeups.calls() - before, where + ": data wakeup");
                    }
                    case Op.DRAIN -> {
                        checker.begin(op.stopAfter());
                        int[] samples = new int[1];
                        List<RingbufModelProperties.Model.Rec> expected = drain(model, op.stopAfter(), samples);
                        boolean wake = (op.flags() & RingLayout.FORCE_WAKEUP) != 0
                                || ((op.flags() & RingLayout.NO_WAKEUP) == 0 && samples[0] > 0);
                        int before = spaceWakeups.calls();
                        assertEquals(expected.size(), drainer.drain(checker, op.flags()), where + ": drain result");
                        checker.assertDelivered(expected, where);
                        assertEquals(wake ? 1 : 0, spaceWakeups.calls() - before, where + ": space wakeup");
                    }
                    default -> throw new AssertionError(op);
                }
                assertEquals(model.cons, drainer.consumerPosition(), where + ": consumer_pos");
                assertEquals(model.prod, drainer.producerPosition(), where + ": producer_pos");
                assertEquals(SIZE - (model.prod - model.cons), producer.freeBytes(), where + ": free bytes");
            }
        }
    }

    /** {@code user_ring_buffer__reserve}: the ring may fill completely; no pending_pos, no drop counter. */
    private static long reserve(RingbufModelProperties.Model model, int length) {
        RingbufModelProperties.Model.Rec rec = new RingbufModelProperties.Model.Rec(model.prod, length, ++model.lastId);
        if (rec.size() > SIZE - (model.prod - model.cons)) {
            return -1;
        }
        model.records.add(rec);
        model.outstanding.add(rec);
        model.prod += rec.size();
        return (rec.pos & (SIZE - 1)) + 8;
    }

    /** {@code bpf_user_ringbuf_drain}: discards skipped (counted as samples), BUSY ends, a stopping handler's sample counts. */
    private static List<RingbufModelProperties.Model.Rec> drain(RingbufModelProperties.Model model, int stopAfter,
            int[] samples) {
        List<RingbufModelProperties.Model.Rec> delivered = new ArrayList<>();
        while (!model.records.isEmpty()) {
            RingbufModelProperties.Model.Rec head = model.records.getFirst();
            if (head.state == RingbufModelProperties.Model.BUSY) {
                break;
            }
            model.records.removeFirst();
            model.cons = head.pos + head.size();
            samples[0]++;
            if (head.state == RingbufModelProperties.Model.COMMITTED) {
                delivered.add(head);
                if (delivered.size() >= stopAfter) {
                    break;
                }
            }
        }
        return delivered;
    }
}
