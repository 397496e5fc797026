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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ConsumerTest {
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

    private Consumer consumer(boolean batch) {
        return new Consumer(view, batch, Notifier.NONE, null);
    }

    private long produce(long value, int flags) {
        return produce(producer, value, flags);
    }

    /** Reserves an 8-byte record, writes {@code value} into it and submits it; returns its offset. */
    static long produce(Producer producer, long value, int flags) {
        long off = producer.reserve(8);
        assertTrue(off >= 0, "reserve");
        producer.buffer().set(ValueLayout.JAVA_LONG, off, value);
        producer.submit(off, flags);
        return off;
    }

    /** A handler that appends each record's first 8 bytes to {@code into}. */
    static RecordHandler collect(List<Long> into) {
        return (b, o, l) -> {
            into.add(b.get(ValueLayout.JAVA_LONG, o));
            return true;
        };
    }

    @ParameterizedTest(name = "batchCommit={0}")
    @ValueSource(booleans = {false, true})
    @DisabledIfSystemProperty(named = "jringbuf.specialize", matches = "always|never",
            disabledReason = "tests the switch from the generic code after use (jringbuf.specialize=auto)")
    void aBusyConsumerSwitchesToItsOwnLoopAndGoesOnInOrder(boolean batch) {
        Consumer c = consumer(batch);
        Consumer idle = consumer(batch);
        assertFalse(c.isSpecialized(), "a new consumer runs the shared loop");
        long[] next = {0};
        RecordHandler inOrder = (b, o, l) -> {
            assertEquals(next[0]++, b.get(ValueLayout.JAVA_LONG, o), "record order");
            return true;
        };
        long total = 3 * Consumer.SPECIALIZE_AFTER;
        boolean switched = false;
        for (long seq = 0; seq < total; ) {
            for (int k = 0; k < 100 && seq < total; k++) {
                produce(seq++, RingLayout.NO_WAKEUP);
            }
            c.consume(inOrder);
            if (c.isSpecialized() && !switched) {
                switched = true;
                assertTrue(next[0] <= Consumer.SPECIALIZE_AFTER, "switched after at most the threshold: " + next[0]);
            }
        }
        assertTrue(c.isSpecialized(), "switched after " + Consumer.SPECIALIZE_AFTER + " calls and records");
        assertEquals(total, next[0], "every record once, in order, across the switch");
        assertEquals(0, c.consume(inOrder));
        assertFalse(idle.isSpecialized(), "the switch is per consumer");
    }

    @ParameterizedTest(name = "batchCommit={0}")
    @ValueSource(booleans = {false, true})
    void deliversCommittedRecordsInOrderZeroCopy(boolean batch) {
        Consumer c = consumer(batch);
        for (long i = 0; i < 5; i++) {
            produce(100 + i, 0);
        }
        List<Long> got = new ArrayList<>();
        List<MemorySegment> buffers = new ArrayList<>();
        assertEquals(5, c.consume((b, o, l) -> {
            assertEquals(8, l);
            buffers.add(b);
            got.add(b.get(ValueLayout.JAVA_LONG, o));
            return true;
        }));
        assertEquals(List.of(100L, 101L, 102L, 103L, 104L), got);
        assertTrue(buffers.stream().allMatch(b -> b == view.data()), "handlers get the ring's own segment");
        assertEquals(80, c.consumerPosition());
        assertEquals(80, c.producerPosition());
        assertEquals(0, c.availableBytes());
    }

    @ParameterizedTest(name = "batchCommit={0}")
    @ValueSource(booleans = {false, true})
    void stopsAtBusyRecordAndResumesAfterCommit(boolean batch) {
        Consumer c = consumer(batch);
        produce(1, 0);
        long busy = producer.reserve(8);
        producer.buffer().set(ValueLayout.JAVA_LONG, busy, 2);
        produce(3, 0);
        List<Long> got = new ArrayList<>();
        assertEquals(1, c.consume(collect(got)));
        assertEquals(16, c.consumerPosition(), "parked exactly at the BUSY record");
        assertEquals(0, c.consume(collect(got)));
        producer.submit(busy, 0);
        assertEquals(2, c.consume(collect(got)));
        assertEquals(List.of(1L, 2L, 3L), got);
    }

    @ParameterizedTest(name = "batchCommit={0}")
    @ValueSource(booleans = {false, true})
    void skipsDiscardedRecordsWithoutCountingThem(boolean batch) {
        Consumer c = consumer(batch);
        long d1 = producer.reserve(8);
        producer.discard(d1, 0);
        produce(7, 0);
        long d2 = producer.reserve(100);
        producer.discard(d2, 0);
        List<Long> got = new ArrayList<>();
        assertEquals(1, c.consume(collect(got)));
        assertEquals(List.of(7L), got);
        assertEquals(16 + 16 + 112, c.consumerPosition(), "moved past the discarded records too");
        // A ring holding only discarded records yields 0 but is emptied.
        long d3 = producer.reserve(8);
        producer.discard(d3, 0);
        assertEquals(0, c.consume(collect(got)));
        assertEquals(0, c.availableBytes());
    }

    @ParameterizedTest(name = "batchCommit={0}")
    @ValueSource(booleans = {false, true})
    void handlerReturningFalseStopsAfterItsRecord(boolean batch) {
        Consumer c = consumer(batch);
        for (int i = 0; i < 4; i++) {
            produce(i, 0);
        }
        List<Long> got = new ArrayList<>();
        assertEquals(2, c.consume((b, o, l) -> {
            got.add(b.get(ValueLayout.JAVA_LONG, o));
            return got.size() < 2;
        }));
        assertEquals(32, c.consumerPosition(), "the stopping record is consumed");
        assertEquals(2, c.consume(collect(got)));
        assertEquals(List.of(0L, 1L, 2L, 3L), got);
    }

    @ParameterizedTest(name = "batchCommit={0}")
    @ValueSource(booleans = {false, true})
    void handlerExceptionPropagatesAfterPositionMovedPastItsRecord(boolean batch) {
        Consumer c = consumer(batch);
        for (int i = 0; i < 3; i++) {
            produce(i, 0);
        }
        IllegalStateException boom = new IllegalStateException("boom");
        List<Long> got = new ArrayList<>();
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> c.consume((b, o, l) -> {
            long v = b.get(ValueLayout.JAVA_LONG, o);
            got.add(v);
            if (v == 1) {
                throw boom;
            }
            return true;
        }));
        assertSame(boom, thrown);
        assertEquals(32, c.consumerPosition(), "the failing record is consumed");
        assertEquals(1, c.consume(collect(got)));
        assertEquals(List.of(0L, 1L, 2L), got);
    }

    @ParameterizedTest(name = "batchCommit={0}")
    @ValueSource(booleans = {false, true})
    void consumeNDeliversAtMostNAndZeroDeliversNone(boolean batch) {
        Consumer c = consumer(batch);
        for (int i = 0; i < 10; i++) {
            produce(i, 0);
        }
        List<Long> got = new ArrayList<>();
        assertEquals(0, c.consume(collect(got), 0));
        assertEquals(0, c.consume(collect(got), -5));
        assertEquals(0, c.consumerPosition(), "consume(0) touches nothing");
        assertEquals(3, c.consume(collect(got), 3));
        assertEquals(48, c.consumerPosition());
        assertEquals(7, c.consume(collect(got), 100));
        assertEquals(10, got.size());
    }

    @Test
    void consumeNSkipsDiscardsWithoutSpendingTheBudget() {
        Consumer c = consumer(false);
        long d = producer.reserve(8);
        producer.discard(d, 0);
        produce(1, 0);
        produce(2, 0);
        List<Long> got = new ArrayList<>();
        assertEquals(1, c.consume(collect(got), 1));
        assertEquals(List.of(1L), got);
        assertEquals(32, c.consumerPosition());
    }

    @Test
    void batchCommitPublishesOncePerPassWhilePerRecordPublishesEachRecord() {
        for (int i = 0; i < 3; i++) {
            produce(i, 0);
        }
        List<Long> seen = new ArrayList<>();
        Consumer perRecord = consumer(false);
        perRecord.consume((b, o, l) -> {
            seen.add(RawRing.consumerPos(view));
            return true;
        });
        assertEquals(List.of(0L, 16L, 32L), seen);
        seen.clear();
        for (int i = 0; i < 3; i++) {
            produce(i, 0);
        }
        Consumer batch = consumer(true);
        batch.consume((b, o, l) -> {
            seen.add(RawRing.consumerPos(view));
            return true;
        });
        assertEquals(List.of(48L, 48L, 48L), seen, "batch mode stores once, after the pass");
        assertEquals(96, RawRing.consumerPos(view));
    }

    @ParameterizedTest(name = "batchCommit={0}")
    @ValueSource(booleans = {false, true})
    void recordsThatWrapAroundTheEndAreContiguous(boolean batch) {
        Consumer c = consumer(batch);
        int payload = 1000; // 1008-byte records do not divide 4096: later ones straddle the end
        byte[] expected = new byte[payload];
        int delivered = 0;
        for (int round = 0; round < 20; round++) {
            long off = producer.reserve(payload);
            assertTrue(off >= 0);
            for (int i = 0; i < payload; i++) {
                expected[i] = (byte) (round * 31 + i);
            }
            MemorySegment.copy(expected, 0, producer.buffer(), ValueLayout.JAVA_BYTE, off, payload);
            producer.submit(off, 0);
            final int r = round;
            delivered += c.consume((b, o, l) -> {
                assertEquals(payload, l);
                assertTrue(o + l <= b.byteSize());
                for (int i = 0; i < l; i++) {
                    assertEquals((byte) (r * 31 + i), b.get(ValueLayout.JAVA_BYTE, o + i), "byte " + i);
                }
                return true;
            });
        }
        assertEquals(20, delivered);
        assertTrue(RawRing.consumerPos(view) > 4 * 4096, "wrapped several times");
    }

    @Test
    void positionsNearTheTopOfTheUnsigned64BitRangeWrapSafely() {
        long start = -48; // 2^64 - 48: the positions wrap through zero during the test
        RawRing.setConsumerPos(view, start);
        RawRing.setProducerPos(view, start);
        RawRing.setPendingPos(view, start);
        Consumer c = consumer(false);
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            produce(i, 0);
        }
        assertEquals(10, c.consume(collect(got)));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), got);
        assertEquals(start + 160, c.consumerPosition());
        assertTrue(c.consumerPosition() > 0, "wrapped through zero");
    }

    @Test
    void misalignedConsumerPositionIsEinvalAndMovesNothing() {
        produce(1, 0);
        RawRing.setConsumerPos(view, 4);
        ErrnoException e = assertThrows(ErrnoException.class, () -> consumer(false).consume((b, o, l) -> true));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("consumer_pos 4"), e.getMessage());
        assertEquals(4, RawRing.consumerPos(view));
    }

    @Test
    void producerFurtherAheadThanTheRingIsEinval() {
        RawRing.setProducerPos(view, 4096 + 8);
        ErrnoException e = assertThrows(ErrnoException.class, () -> consumer(false).consume((b, o, l) -> true));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(0, RawRing.consumerPos(view));
    }

    @Test
    void headerClaimingMoreThanWasPublishedIsEinvalAndDeliversNothing() {
        RawRing.writeHeader(view, 0, 64, 0); // a 72-byte record...
        RawRing.setProducerPos(view, 16);   // ...but only 16 bytes published
        List<Long> got = new ArrayList<>();
        ErrnoException e = assertThrows(ErrnoException.class, () -> consumer(false).consume(collect(got)));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(got.isEmpty());
        assertEquals(0, RawRing.consumerPos(view));
    }

    /** What is odd about the record at index {@code k} of a run of records of one size. */
    enum Odd { BUSY, DISCARDED, HANDLER_STOPS, HANDLER_THROWS, OTHER_SIZE, SHORTER_SAME_SIZE, LIMIT, CUT_BY_PRODUCER_POS }

    /**
     * Eight records of one size, values 0..7, produced with record {@code k} odd as {@code odd}
     * says (left BUSY, discarded, of another size, or shorter with the same record size; cut by
     * producer_pos: half of it published); the other kinds are the consumer's doing.
     *
     * @param offsets each record's payload offset
     * @param lengths each record's payload length
     * @param end producer_pos after the eight (before a cut)
     */
    record OddRun(long[] offsets, int[] lengths, long end) {
        static OddRun produce(Producer producer, RingView view, int k, Odd odd) {
            long[] offsets = new long[8];
            int[] lengths = new int[8];
            for (int i = 0; i < 8; i++) {
                // SHORTER_SAME_SIZE: 3 bytes, rounded to the same 16-byte record as the others' 8
                // (the 8-byte value still fits in the record's padding)
                int length = i != k ? 8 : odd == Odd.OTHER_SIZE ? 24 : odd == Odd.SHORTER_SAME_SIZE ? 3 : 8;
                lengths[i] = length;
                offsets[i] = producer.reserve(length);
                producer.buffer().set(ValueLayout.JAVA_LONG, offsets[i], i);
                if (odd == Odd.BUSY && i == k) {
                    continue;
                }
                if (odd == Odd.DISCARDED && i == k) {
                    producer.discard(offsets[i], 0);
                } else {
                    producer.submit(offsets[i], 0);
                }
            }
            OddRun run = new OddRun(offsets, lengths, RawRing.producerPos(view));
            if (odd == Odd.CUT_BY_PRODUCER_POS) {
                RawRing.setProducerPos(view, run.position(k) + 8); // half of record k published
            }
            return run;
        }

        /** @return where record {@code i} starts (its header) */
        long position(int i) {
            return offsets[i] - RingLayout.HEADER_SIZE;
        }
    }

    static Stream<Arguments> oddRecordsInARun() {
        return Stream.of(false, true).flatMap(batch -> IntStream.range(0, 8).boxed()
                .flatMap(k -> Arrays.stream(Odd.values()).map(odd -> Arguments.of(batch, k, odd))));
    }

    /**
     * Records of one size are consumed by a loop that computes their positions without waiting
     * for their headers; an odd record anywhere in such a run (first, second, deep inside, last)
     * must be handled exactly as anywhere else. Eight 16-byte records, values 0..7, index k odd.
     */
    @ParameterizedTest(name = "batchCommit={0}, index {1}: {2}")
    @MethodSource("oddRecordsInARun")
    void anOddRecordAnywhereInARunOfOneSizeIsHandledLikeAnywhereElse(boolean batch, int k, Odd odd) {
        RawRing.CountingNotifier space = new RawRing.CountingNotifier();
        Consumer c = new Consumer(view, batch, space, null);
        OddRun run = OddRun.produce(producer, view, k, odd);
        long[] offsets = run.offsets();
        int[] lengths = run.lengths();
        long end = run.end();
        long positionOfK = run.position(k);
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
        List<Long> before = LongStream.range(0, k).boxed().toList();
        List<Long> all = LongStream.range(0, 8).boxed().toList();
        List<Long> allButK = LongStream.range(0, 8).filter(v -> v != k).boxed().toList();
        switch (odd) {
            case BUSY -> {
                assertEquals(k, c.consume(handler));
                assertEquals(before, got);
                assertEquals(positionOfK, RawRing.consumerPos(view), "parked at the BUSY record");
                producer.submit(offsets[k], 0);
                assertEquals(8 - k, c.consume(handler));
                assertEquals(all, got);
            }
            case DISCARDED -> {
                assertEquals(7, c.consume(handler));
                assertEquals(allButK, got);
            }
            case HANDLER_STOPS -> {
                assertEquals(k + 1, c.consume(handler));
                assertEquals(positionOfK + 16, RawRing.consumerPos(view), "the stopping record is consumed");
                assertEquals(7 - k, c.consume(handler));
                assertEquals(all, got);
            }
            case HANDLER_THROWS -> {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.consume(handler));
                assertEquals("record " + k, e.getMessage());
                assertEquals(positionOfK + 16, RawRing.consumerPos(view), "the failing record is consumed");
                assertEquals(7 - k, c.consume(handler));
                assertEquals(all, got);
            }
            case OTHER_SIZE, SHORTER_SAME_SIZE -> {
                assertEquals(8, c.consume(handler));
                assertEquals(all, got);
            }
            case LIMIT -> {
                assertEquals(k + 1, c.consume(handler, k + 1));
                assertEquals(positionOfK + 16, RawRing.consumerPos(view));
                assertEquals(7 - k, c.consume(handler, 100));
                assertEquals(all, got);
            }
            case CUT_BY_PRODUCER_POS -> {
                ErrnoException e = assertThrows(ErrnoException.class, () -> c.consume(handler));
                assertEquals(Errno.EINVAL, e.errno());
                assertTrue(e.getMessage().contains("position " + positionOfK), e.getMessage());
                assertEquals(before, got, "the records before the cut one are delivered once");
                assertEquals(positionOfK, RawRing.consumerPos(view), "and stay consumed");
                assertEquals(k > 0 ? 1 : 0, space.calls(), "the space they freed is announced");
                assertThrows(ErrnoException.class, () -> c.consume(handler));
                assertEquals(before, got, "a second call delivers nothing again");
                assertEquals(k > 0 ? 1 : 0, space.calls(), "a call that freed nothing announces nothing");
            }
        }
        assertEquals(odd == Odd.CUT_BY_PRODUCER_POS ? positionOfK : end, RawRing.consumerPos(view));
    }

    static Stream<Arguments> batchAndIndex() {
        return Stream.of(false, true).flatMap(batch -> IntStream.range(0, 8).mapToObj(k -> Arguments.of(batch, k)));
    }

    /**
     * The run loop compares each header with the one it expects, which also fixes the discard
     * state; a run of discarded records with one committed record of the same length among them
     * must still deliver that record, once, wherever it is.
     */
    @ParameterizedTest(name = "batchCommit={0}, index {1}")
    @MethodSource("batchAndIndex")
    void aCommittedRecordAmongDiscardedOnesOfItsLengthIsDelivered(boolean batch, int k) {
        Consumer c = new Consumer(view, batch, new RawRing.CountingNotifier(), null);
        for (int i = 0; i < 8; i++) {
            long offset = producer.reserve(8);
            producer.buffer().set(ValueLayout.JAVA_LONG, offset, i);
            if (i == k) {
                producer.submit(offset, 0);
            } else {
                producer.discard(offset, 0);
            }
        }
        long end = RawRing.producerPos(view);
        List<Long> got = new ArrayList<>();
        assertEquals(1, c.consume(collect(got)));
        assertEquals(List.of((long) k), got);
        assertEquals(end, RawRing.consumerPos(view));
    }

    @Test
    void consumerPositionAheadOfProducerYieldsNothing() {
        produce(1, 0);
        RawRing.setConsumerPos(view, 4096);
        assertEquals(0, consumer(false).consume((b, o, l) -> true));
    }

    @Test
    void spaceNotifierIsToldOncePerCallThatFreedSpace() {
        RawRing.CountingNotifier space = new RawRing.CountingNotifier();
        Consumer c = new Consumer(view, false, space, null);
        assertEquals(0, c.consume((b, o, l) -> true));
        assertEquals(0, space.calls(), "nothing freed, nobody told");
        produce(1, 0);
        produce(2, 0);
        assertEquals(2, c.consume((b, o, l) -> true));
        assertEquals(1, space.calls());
        long d = producer.reserve(8);
        producer.discard(d, 0);
        assertEquals(0, c.consume((b, o, l) -> true));
        assertEquals(2, space.calls(), "skipping a discard frees space too");
    }

    @Test
    void consumeAfterCloseIsEbadf() {
        Consumer c = JvmRingInternals.consumer(ring);
        ring.close();
        ErrnoException e = assertThrows(ErrnoException.class, () -> c.consume((b, o, l) -> true));
        assertEquals(Errno.EBADF, e.errno());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
