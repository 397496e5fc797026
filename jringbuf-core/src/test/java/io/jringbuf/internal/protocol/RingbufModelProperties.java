/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.JvmRingInternals;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random operation sequences on a RINGBUF JVM ring (the real Producer and Consumer over
 * {@link JvmRing#anonymous}) against a plain model of the kernel's and libbpf's rules ({@code __bpf_ringbuf_reserve}, {@code bpf_ringbuf_commit}, {@code ringbuf_process_ring} and the
 * Consumer's documented deviations): interleaved reservations committed in any order, submit,
 * discard, output, consume(n) with handlers that stop early, per-record and batch commit. After
 * every step the real ring and the model agree on: the offset each reservation got (or its
 * failure), the records delivered (position, length, bytes), the counts returned, both
 * positions, drops, and every wakeup decision (the producer's data notifier and the consumer's
 * space notifier, counted through counting notifiers).
 */
class RingbufModelProperties {
    static final int SIZE = 4096;

    /** One operation: kind, a payload length, a pick among outstanding reservations, flags, a bound. */
    record Op(int kind, int length, int pick, int flags, int n, int stopAfter) {
        static final int RESERVE = 0, SUBMIT = 1, DISCARD = 2, OUTPUT = 3, CONSUME = 4;
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> lengths = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 64)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 1200)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(SIZE - 16, SIZE - 24, SIZE / 2 - 8)));
        Arbitrary<Op> op = net.jqwik.api.Combinators.combine(
                Arbitraries.frequency(net.jqwik.api.Tuple.of(4, Op.RESERVE), net.jqwik.api.Tuple.of(3, Op.SUBMIT),
                        net.jqwik.api.Tuple.of(1, Op.DISCARD), net.jqwik.api.Tuple.of(2, Op.OUTPUT),
                        net.jqwik.api.Tuple.of(3, Op.CONSUME)),
                lengths,
                Arbitraries.integers().between(0, 1000),
                Arbitraries.of(0, RingLayout.NO_WAKEUP, RingLayout.FORCE_WAKEUP, RingLayout.NO_WAKEUP | RingLayout.FORCE_WAKEUP),
                Arbitraries.of(1, 2, 3, Integer.MAX_VALUE, 0, -1),
                Arbitraries.of(Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 2))
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void realRingMatchesTheModel(@ForAll("operations") List<Op> ops, @ForAll boolean batchCommit) {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, SIZE)) {
            RawRing.CountingNotifier dataWakeups = new RawRing.CountingNotifier();
            RawRing.CountingNotifier spaceWakeups = new RawRing.CountingNotifier();
            Producer producer = new Producer(JvmRingInternals.view(ring), JvmRingInternals.control(ring), dataWakeups, null);
            Consumer consumer = new Consumer(JvmRingInternals.view(ring), batchCommit, spaceWakeups, JvmRingInternals.control(ring));
            Model model = new Model(SIZE);
            Checker checker = new Checker(model, producer.buffer());
            int step = 0;
            for (Op op : ops) {
                String where = "step " + step++ + " " + op;
                switch (op.kind()) {
                    case Op.RESERVE -> {
                        long expected = model.reserve(op.length());
                        long got = producer.reserve(op.length());
                        assertEquals(expected, got, where + ": reserve offset");
                        if (got >= 0) {
                            fill(producer.buffer(), got, op.length(), model.lastId);
                        }
                    }
                    case Op.SUBMIT, Op.DISCARD -> {
                        if (model.outstanding.isEmpty()) {
                            continue;
                        }
                        Model.Rec rec = model.outstanding.get(op.pick() % model.outstanding.size());
                        boolean wake = model.commit(rec, op.kind() == Op.DISCARD, op.flags());
                        int before = dataWakeups.calls();
                        if (op.kind() == Op.DISCARD) {
                            producer.discard((rec.pos & (SIZE - 1)) + 8, op.flags());
                        } else {
                            producer.submit((rec.pos & (SIZE - 1)) + 8, op.flags());
                        }
                        assertEquals(wake ? 1 : 0, dataWakeups.calls() - before, where + ": wakeup decision");
                    }
                    case Op.OUTPUT -> {
                        long expected = model.reserve(op.length());
                        byte[] payload = new byte[op.length()];
                        for (int i = 0; i < payload.length; i++) {
                            payload[i] = pattern(model.lastId, i);
                        }
                        boolean wake = false;
                        if (expected >= 0) {
                            wake = model.commit(model.outstanding.getLast(), false, op.flags());
                        }
                        int before = dataWakeups.calls();
                        assertEquals(expected >= 0, producer.output(payload, op.flags()), where + ": output");
                        assertEquals(wake ? 1 : 0, dataWakeups.calls() - before, where + ": wakeup decision");
                    }
                    case Op.CONSUME -> {
                        checker.begin(op.stopAfter());
                        Model.Consumed expected = model.consume(op.n(), op.stopAfter());
                        int before = spaceWakeups.calls();
                        int got = consumer.consume(checker, op.n());
                        assertEquals(expected.delivered().size(), got, where + ": consume count");
                        checker.assertDelivered(expected.delivered(), where);
                        assertEquals(expected.advanced() ? 1 : 0, spaceWakeups.calls() - before,
                                where + ": space wakeup");
                    }
                    default -> throw new AssertionError(op);
                }
                assertEquals(model.cons, consumer.consumerPosition(), where + ": consumer_pos");
                assertEquals(model.prod, consumer.producerPosition(), where + ": producer_pos");
                assertEquals(model.drops, producer.drops(), where + ": drops");
            }
        }
    }

    static byte pattern(int id, int i) {
        return (byte) (id * 131 + i * 7 + 1);
    }

    static void fill(MemorySegment data, long offset, int length, int id) {
        for (int i = 0; i < length; i++) {
            data.set(ValueLayout.JAVA_BYTE, offset + i, pattern(id, i));
        }
    }

    /** Records what the consumer delivers and checks it against the model's records. */
    static final class Checker implements RecordHandler {
        private final Model model;
        private final MemorySegment data;
        private final List<long[]> seen = new ArrayList<>();
        private int stopAfter;

        Checker(Model model, MemorySegment data) {
            this.model = model;
            this.data = data;
        }

        void begin(int stopAfter) {
            seen.clear();
            this.stopAfter = stopAfter;
        }

        @Override
        public boolean onRecord(MemorySegment buffer, long offset, int length) {
            assertTrue(buffer == data || buffer.address() == data.address(), "the ring's own buffer");
            assertTrue(offset >= 8 && offset + length <= 2L * SIZE, "record inside the data area");
            seen.add(new long[] {offset, length, checksum(buffer, offset, length)});
            return seen.size() < stopAfter;
        }

        void assertDelivered(List<Model.Rec> expected, String where) {
            assertEquals(expected.size(), seen.size(), where + ": records delivered");
            for (int i = 0; i < expected.size(); i++) {
                Model.Rec rec = expected.get(i);
                assertEquals((rec.pos & (SIZE - 1)) + 8, seen.get(i)[0], where + ": record " + i + " offset");
                assertEquals(rec.length, seen.get(i)[1], where + ": record " + i + " length");
                assertEquals(expectedChecksum(rec.id, rec.length), seen.get(i)[2], where + ": record " + i + " bytes");
            }
        }

        private static long checksum(MemorySegment d, long offset, int length) {
            long h = 17;
            for (int i = 0; i < length; i++) {
                h = h * 31 + d.get(ValueLayout.JAVA_BYTE, offset + i);
            }
            return h;
        }

        private static long expectedChecksum(int id, int length) {
            long h = 17;
            for (int i = 0; i < length; i++) {
                h = h * 31 + pattern(id, i);
            }
            return h;
        }
    }

    /** The spec's RINGBUF rules over a list of records, with nothing shared with the real code. */
    static final class Model {
        static final int BUSY = 0, COMMITTED = 1, DISCARDED = 2;

        static final class Rec {
            final long pos;
            final int length;
            final int id;
            int state = BUSY;

            Rec(long pos, int length, int id) {
                this.pos = pos;
                this.length = length;
                this.id = id;
            }

            long size() {
                return (length + 8 + 7) & ~7L;
            }
        }

        record Consumed(List<Rec> delivered, boolean advanced) {
        }

        final long size;
        final List<Rec> records = new ArrayList<>(); // unconsumed, in position order
        final List<Rec> outstanding = new ArrayList<>();
        long cons;
        long prod;
        long pending;
        long drops;
        int lastId;

        Model(long size) {
            this.size = size;
        }

        /** {@code __bpf_ringbuf_reserve}: advance pending over committed records; both distance checks; -1 counts a drop. */
        long reserve(int length) {
            // Everything below consumer_pos was committed (the consumer never passes a BUSY
            // record), so the walk covers it too.
            if (pending - cons < 0) {
                pending = cons;
            }
            for (Rec r : records) {
                if (r.pos < pending) {
                    continue;
                }
                if (r.state == BUSY) {
                    break;
                }
                pending = r.pos + r.size();
            }
            Rec rec = new Rec(prod, length, ++lastId);
            long newProd = prod + rec.size();
            if (newProd - cons > size - 1 || newProd - pending > size - 1) {
                drops++;
                return -1;
            }
            records.add(rec);
            outstanding.add(rec);
            prod = newProd;
            return (rec.pos & (size - 1)) + 8;
        }

        /** {@code bpf_ringbuf_commit}: FORCE wins, NO_WAKEUP never, else wake only a consumer parked at this record. */
        boolean commit(Rec rec, boolean discard, int flags) {
            outstanding.remove(rec);
            rec.state = discard ? DISCARDED : COMMITTED;
            if ((flags & RingLayout.FORCE_WAKEUP) != 0) {
                return true;
            }
            return (flags & RingLayout.NO_WAKEUP) == 0 && (cons & (size - 1)) == (rec.pos & (size - 1));
        }

        /** {@code ringbuf_process_ring} with the Consumer's n <= 0 rule and handler stop; returns what must be delivered. */
        Consumed consume(int n, int stopAfter) {
            List<Rec> delivered = new ArrayList<>();
            long start = cons;
            if (n > 0) {
                while (!records.isEmpty()) {
                    Rec head = records.getFirst();
                    if (head.state == BUSY) {
                        break;
                    }
                    records.removeFirst();
                    cons = head.pos + head.size();
                    if (head.state == COMMITTED) {
                        delivered.add(head);
                        if (delivered.size() >= n || delivered.size() >= stopAfter) {
                            break;
                        }
                    }
                }
            }
            return new Consumed(delivered, cons != start);
        }
    }
}
