/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.JvmRingInternals;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class DrainerTest {
    private JvmRing ring;
    private RingView view;
    private final RawRing.CountingNotifier space = new RawRing.CountingNotifier();

    private Drainer drainer(long size) {
        ring = JvmRing.anonymous(RingType.USER_RINGBUF, size);
        view = JvmRingInternals.view(ring);
        return new Drainer(view, JvmRingInternals.control(ring), space, null);
    }

    @AfterEach
    void tearDown() {
        ring.close();
    }

    private static RecordHandler collect(List<Long> into) {
        return (b, o, l) -> {
            into.add(b.get(ValueLayout.JAVA_LONG, o));
            return true;
        };
    }

    @Test
    void drainsSubmittedSamplesInOrder() {
        Drainer d = drainer(4096);
        long pos = 0;
        for (long i = 0; i < 3; i++) {
            pos = RawRing.writeLongRecord(view, pos, 10 + i, 0);
        }
        RawRing.setProducerPos(view, pos);
        List<Long> got = new ArrayList<>();
        assertEquals(3, d.drain(collect(got), 0));
        assertEquals(List.of(10L, 11L, 12L), got);
        assertEquals(48, RawRing.consumerPos(view));
        assertEquals(0, d.drain(collect(got), 0), "empty");
    }

    @Test
    void sampleLargerThanADynptrIsE2big() {
        Drainer d = drainer(1 << 25);
        RawRing.writeHeader(view, 0, RingLayout.DYNPTR_MAX_SIZE + 1, 0);
        RawRing.setProducerPos(view, RingLayout.recordSize(RingLayout.DYNPTR_MAX_SIZE + 1));
        assertEquals(Errno.E2BIG, assertThrows(ErrnoException.class, () -> d.drain((b, o, l) -> true, 0)).errno());
    }

    @Test
    void anErrorAfterGoodSamplesComesAfterTheyWereDeliveredAndConsumed() {
        Drainer d = drainer(4096);
        long pos = RawRing.writeLongRecord(view, 0, 1, 0);
        pos = RawRing.writeLongRecord(view, pos, 2, 0);
        RawRing.writeHeader(view, pos, 4000, 0); // runs past the advertised data
        RawRing.setProducerPos(view, pos + 16);
        List<Long> got = new ArrayList<>();
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> d.drain(collect(got), 0)).errno());
        assertEquals(List.of(1L, 2L), got);
        assertEquals(32, RawRing.consumerPos(view));
        assertEquals(1, space.calls(), "the wakeup happens on the error path too");
        assertTrue(JvmRingInternals.control(ring).tryAcquireDrain(), "busy flag released");
        JvmRingInternals.control(ring).releaseDrain();
    }

    @Test
    void discardedSamplesAreSkippedUncountedAndFreeTheirSpace() {
        Drainer d = drainer(4096);
        long pos = 0;
        for (int i = 0; i < 256; i++) {
            pos = RawRing.writeLongRecord(view, pos, i, RingLayout.DISCARD_BIT);
        }
        RawRing.setProducerPos(view, pos);
        assertEquals(4096, pos, "ring full of discarded tokens");
        assertEquals(0, d.drain((b, o, l) -> true, 0));
        assertEquals(4096, RawRing.consumerPos(view), "space freed");
        assertEquals(1, space.calls(), "discards count toward the wakeup");
    }

    @Test
    void discardIsCheckedBeforeBusy() {
        Drainer d = drainer(4096);
        long pos = RawRing.writeLongRecord(view, 0, 1, RingLayout.DISCARD_BIT | RingLayout.BUSY_BIT);
        pos = RawRing.writeLongRecord(view, pos, 2, 0);
        RawRing.setProducerPos(view, pos);
        List<Long> got = new ArrayList<>();
        assertEquals(1, d.drain(collect(got), 0));
        assertEquals(List.of(2L), got);
    }

    @Test
    void aBusySampleEndsTheDrainNormallyAndStaysInPlace() {
        Drainer d = drainer(4096);
        long pos = RawRing.writeLongRecord(view, 0, 1, 0);
        long busyAt = pos;
        pos = RawRing.writeLongRecord(view, pos, 2, RingLayout.BUSY_BIT);
        pos = RawRing.writeLongRecord(view, pos, 3, 0);
        RawRing.setProducerPos(view, pos);
        view.data().set(ValueLayout.JAVA_INT, busyAt + 4, (int) ProcessHandle.current().pid()); // a live owner
        List<Long> got = new ArrayList<>();
        assertEquals(1, d.drain(collect(got), 0));
        assertEquals(busyAt, RawRing.consumerPos(view));
        assertEquals(0, d.drain(collect(got), 0));
        RawRing.writeHeader(view, busyAt, 8, 0); // committed
        assertEquals(2, d.drain(collect(got), 0));
        assertEquals(List.of(1L, 2L, 3L), got);
    }

    @Test
    void aHandlerReturningFalseStopsAndItsSampleIsCountedAndConsumed() {
        Drainer d = drainer(4096);
        long pos = 0;
        for (int i = 0; i < 4; i++) {
            pos = RawRing.writeLongRecord(view, pos, i, 0);
        }
        RawRing.setProducerPos(view, pos);
        AtomicInteger calls = new AtomicInteger();
        assertEquals(1, d.drain((b, o, l) -> calls.incrementAndGet() > 1, 0));
        assertEquals(16, RawRing.consumerPos(view));
        assertEquals(3, d.drain((b, o, l) -> true, 0));
    }

    @Test
    void aHandlerThatThrowsConsumesItsSampleAndReleasesTheBusyFlag() {
        Drainer d = drainer(4096);
        long pos = RawRing.writeLongRecord(view, 0, 1, 0);
        pos = RawRing.writeLongRecord(view, pos, 2, 0);
        RawRing.setProducerPos(view, pos);
        assertThrows(ArithmeticException.class, () -> d.drain((b, o, l) -> {
            throw new ArithmeticException("handler bug");
        }, 0));
        assertEquals(16, RawRing.consumerPos(view));
        assertEquals(1, d.drain((b, o, l) -> true, 0), "the next drain works");
    }

    /** What is odd about the sample at index {@code k} of a run of samples of one size. */
    enum Odd { BUSY, DISCARDED, DISCARDED_AND_BUSY, HANDLER_STOPS, HANDLER_THROWS, OTHER_SIZE, SHORTER_SAME_SIZE, CUT_BY_PRODUCER_POS }

    static Stream<Arguments> oddSamplesInARun() {
        return IntStream.range(0, 8).boxed().flatMap(k -> Arrays.stream(Odd.values()).map(odd -> Arguments.of(k, odd)));
    }

    /**
     * Samples of one size are drained by a loop that computes their positions without waiting
     * for their headers; an odd sample anywhere in such a run must be handled exactly as anywhere
     * else. Eight samples with values 0..7 (16 bytes each, 32 for OTHER_SIZE), index k odd.
     */
    @ParameterizedTest(name = "index {0}: {1}")
    @MethodSource("oddSamplesInARun")
    void anOddSampleAnywhereInARunOfOneSizeIsHandledLikeAnywhereElse(int k, Odd odd) {
        Drainer d = drainer(4096);
        long pos = 0;
        long positionOfK = 0;
        for (int i = 0; i < 8; i++) {
            if (i == k) {
                positionOfK = pos;
            }
            int flags = i != k ? 0 : switch (odd) {
                case BUSY -> RingLayout.BUSY_BIT;
                case DISCARDED -> RingLayout.DISCARD_BIT;
                case DISCARDED_AND_BUSY -> RingLayout.DISCARD_BIT | RingLayout.BUSY_BIT;
                default -> 0;
            };
            if (odd == Odd.OTHER_SIZE && i == k) {
                view.data().set(ValueLayout.JAVA_LONG, pos + 8, i);
                RawRing.writeHeader(view, pos, 24, 0);
                pos += 32;
            } else if (odd == Odd.SHORTER_SAME_SIZE && i == k) {
                // 3 bytes: the same 16-byte record as the others' 8 (the value fits in its padding)
                view.data().set(ValueLayout.JAVA_LONG, pos + 8, i);
                RawRing.writeHeader(view, pos, 3, 0);
                pos += 16;
            } else {
                pos = RawRing.writeLongRecord(view, pos, i, flags);
            }
        }
        if (odd == Odd.BUSY) {
            view.data().set(ValueLayout.JAVA_INT, positionOfK + 4, (int) ProcessHandle.current().pid()); // a live owner
        }
        RawRing.setProducerPos(view, odd == Odd.CUT_BY_PRODUCER_POS ? positionOfK + 8 : pos);
        List<Long> got = new ArrayList<>();
        RecordHandler handler = (b, o, l) -> {
            long v = b.get(ValueLayout.JAVA_LONG, o);
            got.add(v);
            int expectedLength = v != k ? 8 : odd == Odd.OTHER_SIZE ? 24 : odd == Odd.SHORTER_SAME_SIZE ? 3 : 8;
            assertEquals(expectedLength, l, "the length of sample " + v);
            if (odd == Odd.HANDLER_THROWS && v == k) {
                throw new IllegalStateException("sample " + v);
            }
            return !(odd == Odd.HANDLER_STOPS && v == k);
        };
        List<Long> before = LongStream.range(0, k).boxed().toList();
        List<Long> all = LongStream.range(0, 8).boxed().toList();
        List<Long> allButK = LongStream.range(0, 8).filter(v -> v != k).boxed().toList();
        switch (odd) {
            case BUSY -> {
                assertEquals(k, d.drain(handler, 0));
                assertEquals(before, got);
                assertEquals(positionOfK, RawRing.consumerPos(view), "stays at the BUSY sample");
                RawRing.writeHeader(view, positionOfK, 8, 0); // committed
                assertEquals(8 - k, d.drain(handler, 0));
                assertEquals(all, got);
            }
            case DISCARDED, DISCARDED_AND_BUSY -> {
                assertEquals(7, d.drain(handler, 0));
                assertEquals(allButK, got);
            }
            case HANDLER_STOPS -> {
                assertEquals(k + 1, d.drain(handler, 0));
                assertEquals(positionOfK + 16, RawRing.consumerPos(view), "the stopping sample is consumed");
                assertEquals(7 - k, d.drain(handler, 0));
                assertEquals(all, got);
            }
            case HANDLER_THROWS -> {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.drain(handler, 0));
                assertEquals("sample " + k, e.getMessage());
                assertEquals(positionOfK + 16, RawRing.consumerPos(view), "the failing sample is consumed");
                assertEquals(7 - k, d.drain(handler, 0));
                assertEquals(all, got);
            }
            case OTHER_SIZE, SHORTER_SAME_SIZE -> {
                assertEquals(8, d.drain(handler, 0));
                assertEquals(all, got);
            }
            case CUT_BY_PRODUCER_POS -> {
                ErrnoException e = assertThrows(ErrnoException.class, () -> d.drain(handler, 0));
                assertEquals(Errno.EINVAL, e.errno());
                assertTrue(e.getMessage().contains("position " + positionOfK), e.getMessage());
                assertEquals(before, got, "the samples before the cut one are delivered once");
                assertEquals(positionOfK, RawRing.consumerPos(view), "and stay consumed");
                assertEquals(k > 0 ? 1 : 0, space.calls(), "the space they freed is announced");
            }
        }
        long end = odd == Odd.CUT_BY_PRODUCER_POS ? positionOfK : pos;
        assertEquals(end, RawRing.consumerPos(view));
        assertTrue(JvmRingInternals.control(ring).tryAcquireDrain(), "busy flag released");
        JvmRingInternals.control(ring).releaseDrain();
    }

    @Test
    void oneDrainHandlesAtMost131072Samples() {
        Drainer d = drainer(1 << 22);
        long pos = 0;
        int total = (1 << 22) / 16;
        for (int i = 0; i < total; i++) {
            pos = RawRing.writeLongRecord(view, pos, i, 0);
        }
        RawRing.setProducerPos(view, pos);
        AtomicInteger seen = new AtomicInteger();
        RecordHandler h = (b, o, l) -> {
            assertEquals(seen.getAndIncrement(), b.get(ValueLayout.JAVA_LONG, o));
            return true;
        };
        assertEquals(RingLayout.MAX_USER_RINGBUF_SAMPLES, d.drain(h, 0));
        assertEquals(total - RingLayout.MAX_USER_RINGBUF_SAMPLES, d.drain(h, 0));
        assertEquals(total, seen.get());
    }

    @Test
    void discardsCountTowardTheSampleLimit() {
        Drainer d = drainer(1 << 22);
        long pos = 0;
        for (int i = 0; i < RingLayout.MAX_USER_RINGBUF_SAMPLES; i++) {
            pos = RawRing.writeLongRecord(view, pos, i, RingLayout.DISCARD_BIT);
        }
        pos = RawRing.writeLongRecord(view, pos, 42, 0);
        RawRing.setProducerPos(view, pos);
        List<Long> got = new ArrayList<>();
        assertEquals(0, d.drain(collect(got), 0), "the limit is spent on discards");
        assertEquals(1, d.drain(collect(got), 0));
        assertEquals(List.of(42L), got);
    }

    @Test
    void aConcurrentDrainIsEbusyWithoutWakeup() {
        Drainer d = drainer(4096);
        RawRing.setProducerPos(view, RawRing.writeLongRecord(view, 0, 1, 0));
        assertTrue(JvmRingInternals.control(ring).tryAcquireDrain(), "another drain (this process) holds the flag");
        try {
            ErrnoException e = assertThrows(ErrnoException.class, () -> d.drain((b, o, l) -> true, RingLayout.FORCE_WAKEUP));
            assertEquals(Errno.EBUSY, e.errno());
            assertEquals(0, space.calls());
            assertEquals(0, RawRing.consumerPos(view));
        } finally {
            JvmRingInternals.control(ring).releaseDrain();
        }
        assertEquals(1, d.drain((b, o, l) -> true, 0));
    }

    @Test
    void unknownFlagsAreEinvalWithoutWakeup() {
        Drainer d = drainer(4096);
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> d.drain((b, o, l) -> true, 4)).errno());
        assertEquals(0, space.calls());
    }

    @Test
    void wakeupRulesOnePerDrainForceAlwaysNoWakeupNever() {
        Drainer d = drainer(4096);
        assertEquals(0, d.drain((b, o, l) -> true, 0));
        assertEquals(0, space.calls(), "nothing drained, default: no wakeup");
        assertEquals(0, d.drain((b, o, l) -> true, RingLayout.FORCE_WAKEUP));
        assertEquals(1, space.calls(), "FORCE wakes even an empty drain");
        long pos = 0;
        for (int i = 0; i < 5; i++) {
            pos = RawRing.writeLongRecord(view, pos, i, 0);
        }
        RawRing.setProducerPos(view, pos);
        assertEquals(5, d.drain((b, o, l) -> true, RingLayout.NO_WAKEUP));
        assertEquals(1, space.calls(), "NO_WAKEUP: none");
        pos = RawRing.writeLongRecord(view, pos, 9, 0);
        RawRing.setProducerPos(view, pos);
        assertEquals(1, d.drain((b, o, l) -> true, 0));
        assertEquals(2, space.calls(), "exactly one wakeup for the whole drain");
    }

    @Test
    void waitingDrainReturnsWhenTheProducerSubmits() throws Exception {
        ring = JvmRing.anonymous(RingType.USER_RINGBUF, 4096);
        view = JvmRingInternals.view(ring);
        Drainer d = JvmRingInternals.drainer(ring);
        UserProducer p = JvmRingInternals.userProducer(ring);
        AtomicInteger got = new AtomicInteger(-1);
        Thread t = new Thread(() -> got.set(ring.reader().poll((b, o, l) -> true, Duration.ofSeconds(30))));
        t.start();
        Sleepers.awaitRegistered(JvmRingInternals.control(ring).dataWakeupWord(), 1);
        p.submit(p.reserve(8));
        t.join(30_000);
        assertFalse(t.isAlive());
        assertEquals(1, got.get());
    }
}
