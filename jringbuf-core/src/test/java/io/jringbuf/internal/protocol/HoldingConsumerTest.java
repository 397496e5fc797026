/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.JvmRingInternals;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.protocol.ConsumerTest.Odd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Consumer#consumeHolding} and {@link Consumer#settle}: consumer_pos trails by the last
 * record passed, each record is delivered once, and settling (or any ordinary consume) publishes
 * the whole position. Whether the kernel really sends no wakeup to a holding consumer is tested
 * against the kernel ({@code BusyPollKernelTest}).
 */
class HoldingConsumerTest {
    private static final int RECORD = 16; // 8-byte payloads

    private JvmRing ring;
    private RingView view;
    private Producer producer;

    @BeforeEach
    void setUp() {
        ring = JvmRing.anonymous(RingType.RINGBUF, 4096);
        view = JvmRingInternals.view(ring);
        producer = JvmRingInternals.producer(ring);
    }

    @AfterEach
    void tearDown() {
        ring.close();
    }

    private long produce(long value) {
        return ConsumerTest.produce(producer, value, 0);
    }

    private static RecordHandler collect(List<Long> into) {
        return ConsumerTest.collect(into);
    }

    @Test
    void consumerPositionTrailsByTheLastRecordAndEachRecordIsDeliveredOnce() {
        Consumer c = new Consumer(view, false, Notifier.NONE, null);
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            produce(i);
        }
        assertEquals(3, c.consumeHolding(collect(got), Integer.MAX_VALUE));
        assertTrue(c.isHolding());
        assertEquals(2 * RECORD, RawRing.consumerPos(view), "stored at the start of the last record");
        assertEquals(RECORD, c.availableBytes(), "which still counts as unconsumed");
        assertEquals(0, c.consumeHolding(collect(got), Integer.MAX_VALUE), "but is not delivered again");
        assertEquals(2 * RECORD, RawRing.consumerPos(view), "an empty call stores nothing");
        produce(3);
        produce(4);
        assertEquals(2, c.consumeHolding(collect(got), Integer.MAX_VALUE));
        assertEquals(4 * RECORD, RawRing.consumerPos(view));
        c.settle();
        assertFalse(c.isHolding());
        assertEquals(5 * RECORD, RawRing.consumerPos(view), "settled: the whole position");
        assertEquals(0, c.availableBytes());
        c.settle(); // idempotent
        assertEquals(5 * RECORD, RawRing.consumerPos(view));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), got);
    }

    @ParameterizedTest(name = "batchCommit={0}")
    @ValueSource(booleans = {false, true})
    void aPassStoresOnceAtItsEndAndASecondPassFindsTheFirstStoredOneRecordBack(boolean batch) {
        Consumer c = new Consumer(view, batch, Notifier.NONE, null);
        produce(0);
        produce(1);
        List<Long> seenAt = new ArrayList<>();
        assertEquals(3, c.consumeHolding((b, o, l) -> {
            long v = b.get(ValueLayout.JAVA_LONG, o);
            seenAt.add(RawRing.consumerPos(view));
            if (v == 0) {
                produce(2); // committed during the first pass: the call makes a second one
            }
            return true;
        }, Integer.MAX_VALUE));
        assertEquals(List.of(0L, 0L, (long) RECORD), seenAt,
                "no store within a short pass; before the second, the first is stored at its last record");
        assertEquals(2 * RECORD, RawRing.consumerPos(view));
    }

    @Test
    void aLongPassGivesSpaceBackEveryEighthOfTheRing() {
        Consumer c = new Consumer(view, false, Notifier.NONE, null);
        for (int i = 0; i < 100; i++) {
            produce(i);
        }
        long[] seenAt = new long[100];
        assertEquals(100, c.consumeHolding((b, o, l) -> {
            seenAt[(int) b.get(ValueLayout.JAVA_LONG, o)] = RawRing.consumerPos(view);
            return true;
        }, Integer.MAX_VALUE));
        // 4096 / 8 = 512 bytes = 32 records: stored (one back) when the 32nd and 64th are reached.
        assertEquals(0, seenAt[30]);
        assertEquals(31 * RECORD, seenAt[31]);
        assertEquals(31 * RECORD, seenAt[62]);
        assertEquals(63 * RECORD, seenAt[63]);
        assertEquals(99 * RECORD, RawRing.consumerPos(view));
    }

    @ParameterizedTest(name = "batchCommit={0}")
    @ValueSource(booleans = {false, true})
    void aRecordOfMoreThanASixteenthOfTheRingIsNotHeldBack(boolean batch) {
        Consumer c = new Consumer(view, batch, Notifier.NONE, null);
        long big = producer.reserve(4096 / 16 - RingLayout.HEADER_SIZE + 8); // 264 bytes with its header
        producer.submit(big, 0);
        assertEquals(1, c.consumeHolding((b, o, l) -> true, Integer.MAX_VALUE));
        assertEquals(RawRing.producerPos(view), RawRing.consumerPos(view),
                "stored in full: holding it would take 264 of the producers' 4096 bytes");
        produce(1);
        assertEquals(1, c.consumeHolding((b, o, l) -> true, Integer.MAX_VALUE));
        assertEquals(RawRing.producerPos(view) - RECORD, RawRing.consumerPos(view), "a small one is held back");
        long exact = producer.reserve(4096 / 16 - RingLayout.HEADER_SIZE); // exactly a sixteenth
        producer.submit(exact, 0);
        assertEquals(1, c.consumeHolding((b, o, l) -> true, Integer.MAX_VALUE));
        assertEquals(RawRing.producerPos(view) - 4096 / 16, RawRing.consumerPos(view), "a sixteenth is held back");
    }

    @Test
    void anOrdinaryConsumeSettlesFirstAndGoesOnWhereTheHoldingStopped() {
        for (boolean batch : new boolean[] {false, true}) {
            Consumer c = new Consumer(view, batch, Notifier.NONE, null);
            long base = RawRing.consumerPos(view);
            List<Long> got = new ArrayList<>();
            produce(10);
            produce(11);
            assertEquals(2, c.consumeHolding(collect(got), Integer.MAX_VALUE));
            assertEquals(base + RECORD, RawRing.consumerPos(view));
            produce(12);
            assertEquals(1, c.consume(collect(got)), "batchCommit=" + batch);
            assertFalse(c.isHolding());
            assertEquals(base + 3 * RECORD, RawRing.consumerPos(view));
            assertEquals(List.of(10L, 11L, 12L), got);
            // Holding again after an ordinary call starts from consumer_pos.
            produce(13);
            assertEquals(1, c.consumeHolding(collect(got), Integer.MAX_VALUE));
            assertEquals(base + 3 * RECORD, RawRing.consumerPos(view));
            c.settle();
            assertEquals(base + 4 * RECORD, RawRing.consumerPos(view));
        }
    }

    @Test
    void aBusyRecordParksTheHoldingConsumerOneRecordBack() {
        Consumer c = new Consumer(view, false, Notifier.NONE, null);
        produce(1);
        produce(2);
        long busy = producer.reserve(8);
        producer.buffer().set(ValueLayout.JAVA_LONG, busy, 3);
        List<Long> got = new ArrayList<>();
        assertEquals(2, c.consumeHolding(collect(got), Integer.MAX_VALUE));
        assertEquals(RECORD, RawRing.consumerPos(view),
                "at the last record passed, not at the BUSY one (whose commit would wake us)");
        producer.submit(busy, 0);
        assertEquals(1, c.consumeHolding(collect(got), Integer.MAX_VALUE));
        assertEquals(2 * RECORD, RawRing.consumerPos(view));
        assertEquals(List.of(1L, 2L, 3L), got);
        // Settling while a record is BUSY parks exactly at it, as an ordinary consumer does.
        long busy2 = producer.reserve(8);
        c.settle();
        assertEquals(3 * RECORD, RawRing.consumerPos(view));
        assertEquals(0, c.consume(collect(got)));
        producer.submit(busy2, 0);
        assertEquals(1, c.consume(collect(got)));
    }

    @Test
    void theSpaceNotifierIsToldByCallsThatFreedSpaceAndBySettle() {
        RawRing.CountingNotifier space = new RawRing.CountingNotifier();
        Consumer c = new Consumer(view, false, space, null);
        assertEquals(0, c.consumeHolding((b, o, l) -> true, Integer.MAX_VALUE));
        assertEquals(0, space.calls());
        produce(1);
        produce(2);
        assertEquals(2, c.consumeHolding((b, o, l) -> true, Integer.MAX_VALUE));
        assertEquals(RECORD, RawRing.consumerPos(view), "the first record's space is free");
        assertEquals(1, space.calls());
        c.settle();
        assertEquals(2, space.calls(), "settling frees the held record");
        c.settle();
        assertEquals(2, space.calls(), "a consumer that does not hold has nothing to settle");
    }

    @Test
    void manyHoldingCallsOverManyLapsKeepTheOrderAndTheHeldPosition() {
        Consumer c = new Consumer(view, false, Notifier.NONE, null);
        long[] next = {0};
        RecordHandler inOrder = (b, o, l) -> {
            assertEquals(next[0]++, b.get(ValueLayout.JAVA_LONG, o), "record order");
            return true;
        };
        long total = 3 * Consumer.SPECIALIZE_AFTER; // 48 laps of the 4 KiB ring
        for (long seq = 0; seq < total; ) {
            for (int k = 0; k < 100 && seq < total; k++) {
                produce(seq++);
            }
            c.consumeHolding(inOrder, Integer.MAX_VALUE);
            assertEquals(RawRing.producerPos(view) - RECORD, RawRing.consumerPos(view));
        }
        assertEquals(total, next[0], "every record once, in order");
        produce(total);
        assertEquals(1, c.consume(inOrder), "the ordinary loop goes on after the held record");
        assertEquals(RawRing.producerPos(view), RawRing.consumerPos(view));
    }

    @Test
    void consumeHoldingOfNoneTouchesNothing() {
        Consumer c = new Consumer(view, false, Notifier.NONE, null);
        produce(1);
        assertEquals(0, c.consumeHolding((b, o, l) -> true, 0));
        assertEquals(0, c.consumeHolding((b, o, l) -> true, -1));
        assertFalse(c.isHolding());
        assertEquals(0, RawRing.consumerPos(view));
    }

    @Test
    void corruptPositionsAreEinvalWhileHoldingToo() {
        Consumer c = new Consumer(view, false, Notifier.NONE, null);
        RawRing.setProducerPos(view, 4096 + 8);
        ErrnoException e = assertThrows(ErrnoException.class, () -> c.consumeHolding((b, o, l) -> true, 1));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(0, RawRing.consumerPos(view));
    }

    @Test
    void holdingAfterCloseIsEbadf() {
        Consumer c = JvmRingInternals.consumer(ring);
        ring.close();
        ErrnoException e = assertThrows(ErrnoException.class, () -> c.consumeHolding((b, o, l) -> true, 1));
        assertEquals(Errno.EBADF, e.errno());
    }

    static Stream<Arguments> oddRecordsInARun() {
        return IntStream.range(0, 8).boxed().flatMap(k -> Arrays.stream(Odd.values()).map(odd -> Arguments.of(k, odd)));
    }

    /**
     * As {@code ConsumerTest.anOddRecordAnywhereInARunOfOneSizeIsHandledLikeAnywhereElse}, for the
     * holding loop: eight records of one size, values 0..7, index k odd; after each call
     * consumer_pos must be at the start of the last record passed (or in full where the call ended
     * on a corrupt header), and settling must give the whole position.
     */
    @ParameterizedTest(name = "index {0}: {1}")
    @MethodSource("oddRecordsInARun")
    void anOddRecordAnywhereInARunIsHandledAndTheHeldPositionIsRight(int k, Odd odd) {
        Consumer c = new Consumer(view, false, Notifier.NONE, null);
        ConsumerTest.OddRun run = ConsumerTest.OddRun.produce(producer, view, k, odd);
        long[] offsets = run.offsets();
        int[] lengths = run.lengths();
        long end = run.end();
        long[] positions = IntStream.range(0, 8).mapToLong(run::position).toArray();
        List<Long> got = new ArrayList<>();
        RecordHandler handler = (b, o, l) -> {
            long v = b.get(ValueLayout.JAVA_LONG, o);
            got.add(v);
            assertEquals(lengths[(int) v], l, "the length of record " + v);
            if (odd == Odd.HANDLER_THROWS && v == k) {
                throw new IllegalStateException("record " + v);
            }
            return !(odd == Odd.HANDLER_STOPS && v == k);
        };
        int all = Integer.MAX_VALUE;
        List<Long> before = LongStream.range(0, k).boxed().toList();
        List<Long> every = LongStream.range(0, 8).boxed().toList();
        switch (odd) {
            case BUSY -> {
                assertEquals(k, c.consumeHolding(handler, all));
                assertEquals(before, got);
                assertEquals(k > 0 ? positions[k - 1] : 0, RawRing.consumerPos(view), "one record back");
                producer.submit(offsets[k], 0);
                assertEquals(8 - k, c.consumeHolding(handler, all));
            }
            case DISCARDED -> {
                assertEquals(7, c.consumeHolding(handler, all));
                assertEquals(LongStream.range(0, 8).filter(v -> v != k).boxed().toList(), got);
            }
            case HANDLER_STOPS, LIMIT -> {
                assertEquals(k + 1, c.consumeHolding(handler, odd == Odd.LIMIT ? k + 1 : all));
                assertEquals(positions[k], RawRing.consumerPos(view), "at the record the call ended with");
                assertEquals(7 - k, c.consumeHolding(handler, all), "resumes after it");
            }
            case HANDLER_THROWS -> {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.consumeHolding(handler, all));
                assertEquals("record " + k, e.getMessage());
                assertEquals(positions[k], RawRing.consumerPos(view), "at the failing record");
                assertEquals(7 - k, c.consumeHolding(handler, all), "which is consumed");
            }
            case OTHER_SIZE, SHORTER_SAME_SIZE -> assertEquals(8, c.consumeHolding(handler, all));
            case CUT_BY_PRODUCER_POS -> {
                ErrnoException e = assertThrows(ErrnoException.class, () -> c.consumeHolding(handler, all));
                assertEquals(Errno.EINVAL, e.errno());
                assertEquals(before, got, "the records before the cut one are delivered once");
                assertEquals(positions[k], RawRing.consumerPos(view), "and stored in full");
                assertThrows(ErrnoException.class, () -> c.consumeHolding(handler, all));
                assertEquals(before, got, "a second call delivers nothing again");
                c.settle();
                assertEquals(positions[k], RawRing.consumerPos(view));
                return;
            }
        }
        if (odd != Odd.DISCARDED) {
            assertEquals(every, got);
        }
        assertEquals(positions[7], RawRing.consumerPos(view), "held at the last record");
        c.settle();
        assertEquals(end, RawRing.consumerPos(view));
    }
}
