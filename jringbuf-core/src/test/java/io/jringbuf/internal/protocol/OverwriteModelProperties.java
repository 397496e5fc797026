/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.CommitMode;
import io.jringbuf.JvmRing;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.format.RingFileDescriptor;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random reserve/submit/discard/consume sequences on an overwrite JVM ring (the real Producer and
 * Consumer over {@link JvmRing#anonymous} with {@link JvmRing#OVERWRITE}) against a plain model of
 * the kernel's overwrite rules (spec 4.6) and of the overwrite reader: a reservation fails only if
 * it would reach a BUSY record (or the first uncommitted one); otherwise {@code overwrite_pos}
 * moves record by record until the new record fits, {@code consumer_pos} ignored. After every
 * step the ring and the model agree on the reservation's offset (or failure), the three
 * positions, the records overwritten so far, what is available, and, for consume, the records
 * delivered (length and bytes, in order), the count, the records lost and the reader's counts.
 */
class OverwriteModelProperties {
    static final int SIZE = 4096;
    static final long MASK = SIZE - 1;

    record Op(int kind, int length, int pick, int n, int stopAfter) {
        static final int RESERVE = 0, SUBMIT = 1, DISCARD = 2, CONSUME = 3;
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> lengths = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 64)),
                Tuple.of(3, Arbitraries.integers().between(0, 1500)),
                Tuple.of(1, Arbitraries.of(SIZE - 16, SIZE - 24, SIZE / 2 - 8, SIZE / 2)));
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.frequency(Tuple.of(5, Op.RESERVE), Tuple.of(4, Op.SUBMIT), Tuple.of(1, Op.DISCARD),
                        Tuple.of(2, Op.CONSUME)),
                lengths,
                Arbitraries.integers().between(0, 1000),
                Arbitraries.of(1, 2, 3, Integer.MAX_VALUE),
                Arbitraries.of(Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 2))
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(120);
    }

    /** A record of the model. */
    static final class Rec {
        final long pos;
        final int length;
        final byte[] payload;
        int state; // 0 BUSY, 1 committed, 2 discarded

        Rec(long pos, int length, byte[] payload) {
            this.pos = pos;
            this.length = length;
            this.payload = payload;
        }

        long size() {
            return RingLayout.recordSize(length);
        }
    }

    @Property(tries = 400)
    void theRingFollowsTheModel(@ForAll("operations") List<Op> ops, @ForAll boolean batch) {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, SIZE, JvmRing.OVERWRITE)) {
            Producer producer = JvmRingInternals.producer(ring);
            Consumer consumer = JvmRingInternals.consumer(ring.reader(batch ? CommitMode.BATCH : CommitMode.PER_RECORD));
            RingView v = JvmRingInternals.view(ring);
            TreeMap<Long, Rec> records = new TreeMap<>();
            List<long[]> outstanding = new ArrayList<>(); // {offset, pos}
            long prod = 0, ow = 0, overwritten = 0, cons = 0, before = 0, lost = 0;
            int serial = 0;
            for (Op op : ops) {
                switch (op.kind()) {
                    case Op.RESERVE -> {
                        long size = RingLayout.recordSize(op.length());
                        long newProd = prod + size;
                        // The first record not yet committed (or producer_pos): pending_pos as the kernel walks it.
                        long pending = prod;
                        for (Rec r : records.tailMap(ow, true).values()) {
                            if (r.state == 0) {
                                pending = r.pos;
                                break;
                            }
                        }
                        long got = producer.reserve(op.length());
                        if (newProd - pending > MASK) {
                            assertEquals(-1, got, "reaches a BUSY record: refused");
                            break;
                        }
                        while (newProd - ow > MASK) {
                            Rec gone = records.remove(ow);
                            if (gone.state != 2) {
                                overwritten++;
                            }
                            ow += gone.size();
                        }
                        assertEquals((prod & MASK) + RingLayout.HEADER_SIZE, got, "payload offset");
                        byte[] payload = new byte[op.length()];
                        Arrays.fill(payload, (byte) ++serial);
                        if (payload.length > 0) {
                            payload[0] = (byte) (serial >>> 8);
                        }
                        java.lang.foreign.MemorySegment.copy(payload, 0, producer.buffer(), ValueLayout.JAVA_BYTE, got,
                                payload.length);
                        records.put(prod, new Rec(prod, op.length(), payload));
                        outstanding.add(new long[] {got, prod});
                        prod = newProd;
                    }
                    case Op.SUBMIT, Op.DISCARD -> {
                        if (outstanding.isEmpty()) {
                            break;
                        }
                        long[] o = outstanding.remove(op.pick() % outstanding.size());
                        if (op.kind() == Op.SUBMIT) {
                            producer.submit(o[0], RingLayout.NO_WAKEUP);
                            records.get(o[1]).state = 1;
                        } else {
                            producer.discard(o[0], RingLayout.NO_WAKEUP);
                            records.get(o[1]).state = 2;
                        }
                    }
                    case Op.CONSUME -> {
                        long pos = cons;
                        if (ow - pos > 0) {
                            lost += overwritten - before;
                            before = overwritten;
                            pos = ow;
                        }
                        List<byte[]> expected = new ArrayList<>();
                        int limit = Math.min(op.n(), op.stopAfter());
                        for (Rec r : records.tailMap(pos, true).values()) {
                            if (r.state == 0 || expected.size() >= limit) {
                                break;
                            }
                            pos = r.pos + r.size();
                            if (r.state == 1) {
                                before++;
                                expected.add(r.payload);
                            }
                        }
                        cons = pos;
                        List<byte[]> delivered = new ArrayList<>();
                        int[] calls = {0};
                        int n = consumer.consume((b, off, len) -> {
                            delivered.add(b.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE));
                            return ++calls[0] < op.stopAfter();
                        }, op.n());
                        assertEquals(expected.size(), n, "records delivered");
                        for (int i = 0; i < n; i++) {
                            assertArrayEquals(expected.get(i), delivered.get(i), "record " + i + " intact");
                        }
                        assertEquals(cons, RawRing.consumerPos(v), "consumer_pos");
                        assertEquals(lost, consumer.lostRecords(), "records lost");
                        assertEquals(before, v.consumerPage().get(ValueLayout.JAVA_LONG,
                                RingFileDescriptor.RECORDS_BEFORE_OFFSET), "records before consumer_pos");
                    }
                    default -> throw new AssertionError(op);
                }
                assertEquals(prod, RawRing.producerPos(v), "producer_pos");
                assertEquals(ow, consumer.overwritePosition(), "overwrite_pos");
                assertEquals(overwritten, v.producerPage().get(ValueLayout.JAVA_LONG,
                        RingFileDescriptor.OVERWRITTEN_RECORDS_OFFSET), "records overwritten");
                assertEquals(0, v.producerPage().get(ValueLayout.JAVA_LONG,
                        RingFileDescriptor.OVERWRITE_SEQUENCE_OFFSET) & 1, "sequence even between reservations");
                assertEquals(prod - Math.max(cons, ow), consumer.availableBytes(), "available");
                assertEquals(prod - Math.max(cons, ow), producer.query(RingLayout.QUERY_AVAIL_DATA), "query");
            }
        }
    }
}
