/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.JvmRing;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.protocol.ConsumerTest.Odd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read-ahead loop of explicit commit ({@link Consumer#read}) through the same cases as the
 * consume loop ({@code ConsumerTest}) and the holding loop ({@code HoldingConsumerTest}): the
 * consume rules are the same; the difference is that {@code consumer_pos} never moves until
 * {@link Consumer#commit}, while the read position goes exactly where the consume loop would have
 * put {@code consumer_pos}.
 */
class ReadAheadConsumerTest {
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

    static Stream<Arguments> oddRecordsInARun() {
        return IntStream.range(0, 8).boxed().flatMap(k -> Arrays.stream(Odd.values()).map(odd -> Arguments.of(k, odd)));
    }

    @ParameterizedTest(name = "index {0}: {1}")
    @MethodSource("oddRecordsInARun")
    void anOddRecordAnywhereInARunIsHandledAndNothingIsCommittedUntilAsked(int k, Odd odd) {
        RawRing.CountingNotifier space = new RawRing.CountingNotifier();
        Consumer c = new Consumer(view, false, space, null);
        ConsumerTest.OddRun run = ConsumerTest.OddRun.produce(producer, view, k, odd);
        long[] offsets = run.offsets();
        int[] lengths = run.lengths();
        long end = run.end();
        long positionOfK = run.position(k);
        List<Long> got = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        RecordHandler handler = (b, o, l) -> {
            long v = b.get(ValueLayout.JAVA_LONG, o);
            got.add(v);
            ends.add(c.readPosition());
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
                assertEquals(k, c.read(handler, all));
                assertEquals(before, got);
                assertEquals(positionOfK, c.readPosition(), "stopped at the BUSY record");
                producer.submit(offsets[k], 0);
                assertEquals(8 - k, c.read(handler, all));
            }
            case DISCARDED -> {
                assertEquals(7, c.read(handler, all));
                assertEquals(LongStream.range(0, 8).filter(v -> v != k).boxed().toList(), got);
            }
            case HANDLER_STOPS, LIMIT -> {
                assertEquals(k + 1, c.read(handler, odd == Odd.LIMIT ? k + 1 : all));
                assertEquals(positionOfK + 16, c.readPosition(), "past the record the call ended with");
                assertEquals(7 - k, c.read(handler, all), "resumes after it");
            }
            case HANDLER_THROWS -> {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.read(handler, all));
                assertEquals("record " + k, e.getMessage());
                assertEquals(positionOfK + 16, c.readPosition(), "the failing record counts as read");
                assertEquals(7 - k, c.read(handler, all));
            }
            case OTHER_SIZE, SHORTER_SAME_SIZE -> assertEquals(8, c.read(handler, all));
            case CUT_BY_PRODUCER_POS -> {
                ErrnoException e = assertThrows(ErrnoException.class, () -> c.read(handler, all));
                assertEquals(Errno.EINVAL, e.errno());
                assertTrue(e.getMessage().contains("position " + positionOfK), e.getMessage());
                assertEquals(before, got, "the records before the cut one are delivered once");
                assertThrows(ErrnoException.class, () -> c.read(handler, all));
                assertEquals(before, got, "a second call delivers nothing again");
                assertEquals(0, RawRing.consumerPos(view), "nothing committed");
                c.commit(c.readPosition());
                assertEquals(positionOfK, RawRing.consumerPos(view), "the records before it can be committed");
                return;
            }
        }
        if (odd != Odd.DISCARDED) {
            assertEquals(every, got);
        }
        // Inside the handler, the read position was just past each record.
        for (int i = 0; i < got.size(); i++) {
            int v = got.get(i).intValue();
            assertEquals(run.position(v) + RingLayout.recordSize(lengths[v]), ends.get(i), "read position at record " + v);
        }
        assertEquals(end, c.readPosition());
        assertEquals(0, RawRing.consumerPos(view), "read ahead, nothing committed");
        assertEquals(0, space.calls(), "nothing freed, nothing announced");
        c.commit(ends.get(0));
        assertEquals(ends.get(0), RawRing.consumerPos(view));
        c.commit(end);
        assertEquals(end, RawRing.consumerPos(view));
        assertEquals(2, space.calls(), "each commit announces the space it freed");
    }
}
