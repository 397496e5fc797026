/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every ring has the same reader and writer, whatever its type: the same acts give the same
 * results on a RINGBUF and a USER_RINGBUF JVM ring (the kernel-backed readers and writers are
 * covered in the kernel tests).
 */
class RingShapeTest {
    private static final RecordHandler ALL = (b, o, l) -> RecordHandler.CONTINUE;

    private static long put(RingWriter w, long value, int flags) {
        long off = w.reserve(8);
        assertTrue(off != RingWriter.NO_SPACE, "room for 8 bytes");
        w.buffer().set(ValueLayout.JAVA_LONG, off, value);
        w.submit(off, flags);
        return off;
    }

    @ParameterizedTest
    @EnumSource(RingType.class)
    void readersDeliverInOrderWithABoundAndStop(RingType type) {
        try (JvmRing ring = JvmRing.anonymous(type, 4096)) {
            RingWriter w = ring.writer();
            RingReader r = ring.reader();
            assertEquals(type, w.type());
            assertEquals(type, r.type());
            assertEquals(4096, r.size());
            assertEquals(4096, w.size());
            for (int i = 0; i < 5; i++) {
                put(w, i, 0);
            }
            long discarded = w.reserve(8);
            w.discard(discarded);
            put(w, 5, RingWriter.NO_WAKEUP);
            assertEquals(7 * 16, r.availableBytes());
            assertEquals(r.availableBytes(), w.availableBytes());
            List<Long> got = new ArrayList<>();
            RecordHandler collect = (b, o, l) -> {
                got.add(b.get(ValueLayout.JAVA_LONG, o));
                return got.size() == 3 ? RecordHandler.STOP : RecordHandler.CONTINUE;
            };
            assertEquals(2, r.consume(collect, 2), "the bound");
            assertEquals(1, r.consume(collect), "the handler's STOP");
            assertEquals(0, r.consume(collect, 0), "a bound of 0 delivers none");
            assertEquals(3, r.poll(collect, 10, Duration.ofSeconds(5)), "the rest; the discarded record skipped");
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), got);
            assertEquals(r.producerPosition(), r.consumerPosition());
            assertEquals(r.consumerPosition(), r.readPosition(), "per-record readers commit as they read");
            assertEquals(0, w.drops());
        }
    }

    @ParameterizedTest
    @EnumSource(RingType.class)
    void timeoutsFollowJavaUtilConcurrent(RingType type) throws Exception {
        try (JvmRing ring = JvmRing.anonymous(type, 4096)) {
            RingReader r = ring.reader();
            RingWriter w = ring.writer();
            assertThrows(NullPointerException.class, () -> r.poll(ALL, null));
            assertThrows(NullPointerException.class, () -> w.reserve(8, null));
            long t0 = System.nanoTime();
            assertEquals(0, r.poll(ALL, Duration.ofSeconds(-5)), "negative: do not wait");
            assertEquals(0, r.poll(ALL, Duration.ZERO));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(4), "neither waited");
            // Fill the ring, then a negative timeout does not wait for space either.
            while (w.reserve(8) != RingWriter.NO_SPACE) {
                // reserved and left: the ring fills
            }
            long drops = w.drops();
            assertEquals(RingWriter.NO_SPACE, w.reserve(8, Duration.ofMillis(-1)));
            assertEquals(drops + 1, w.drops(), "a refused reservation is a drop");
            // A duration too long to count waits until woken.
            CompletableFuture<Long> forever = CompletableFuture.supplyAsync(
                    () -> w.reserve(8, ChronoUnit.FOREVER.getDuration()));
            awaitWaiting(ring);
            w.wakeUp();
            assertEquals(RingWriter.NO_SPACE, forever.get(10, TimeUnit.SECONDS));
        }
    }

    /** Waits (bounded) until a thread is registered on the ring's space wakeup word. */
    private static void awaitWaiting(JvmRing ring) throws InterruptedException {
        var word = JvmRingInternals.spaceWakeupWord(ring);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (word.get(ValueLayout.JAVA_INT, 4) == 0) {
            assertTrue(System.nanoTime() < deadline, "the reservation registered as a waiter");
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @EnumSource(RingType.class)
    void outputCopiesAndBadFlagsOrSourcesLeaveNothingReserved(RingType type) {
        try (JvmRing ring = JvmRing.anonymous(type, 4096)) {
            RingWriter w = ring.writer();
            assertTrue(w.output(new byte[] {1, 2, 3}, 0));
            ErrnoException bad = assertThrows(ErrnoException.class, () -> w.output(new byte[] {4}, 4));
            assertEquals(Errno.EINVAL, bad.errno());
            MemorySegment shortSource = MemorySegment.ofArray(new byte[4]);
            assertThrows(IndexOutOfBoundsException.class, () -> w.output(shortSource, 2, 8, 0));
            Arena arena = Arena.ofShared();
            MemorySegment gone = arena.allocate(8);
            arena.close(); // a source that fails the copy: the reservation is discarded
            assertThrows(IllegalStateException.class, () -> w.output(gone, 0, 8, 0));
            List<byte[]> got = new ArrayList<>();
            assertEquals(1, ring.reader().consume(RecordHandler.copying(got::add)));
            assertArrayEquals(new byte[] {1, 2, 3}, got.get(0));
            assertEquals(ring.producerPosition(), ring.consumerPosition(), "no record left reserved");
        }
    }

    @ParameterizedTest
    @EnumSource(RingType.class)
    void commitOnAReaderThatCommitsAsItReadsAcceptsOnlyItsPosition(RingType type) {
        try (JvmRing ring = JvmRing.anonymous(type, 4096)) {
            RingReader r = ring.reader();
            put(ring.writer(), 1, 0);
            assertEquals(1, r.consume(ALL));
            r.commit(); // nothing to commit
            r.commit(r.consumerPosition());
            ErrnoException e = assertThrows(ErrnoException.class, () -> r.commit(r.consumerPosition() + 16));
            assertEquals(Errno.EINVAL, e.errno());
        }
    }
}
