/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RingPeeker} on JVM rings: it shows the unconsumed records without moving
 * {@code consumer_pos} or claiming a side, and under a concurrent producer and consumer every
 * record it delivers is intact (the re-validation against {@code consumer_pos}); a negative
 * control without the re-validation delivers torn records under the same load.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RingPeekerTest {

    private static void put(RingWriter w, long value, int length) {
        long at = w.reserve(length);
        assertTrue(at != RingWriter.NO_SPACE);
        w.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, at, value);
        w.submit(at);
    }

    @Test
    void showsUnconsumedRecordsWithoutConsumingOrClaimingTheReader() throws Exception {
        Path dir = Files.createTempDirectory("peek");
        Path file = dir.resolve("ring");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 4096);
             JvmRing other = JvmRing.open(file)) {
            RingWriter w = ring.writer();
            put(w, 1, 8);
            long discarded = w.reserve(16);
            w.discard(discarded);
            put(w, 2, 24);
            long busy = w.reserve(8); // still being written: the walk stops here
            put(w, 4, 8);
            long cons = ring.consumerPosition();
            List<Long> seen = new ArrayList<>();
            try (RingPeeker peeker = other.peeker()) {
                int n = peeker.peek((b, o, l) -> seen.add(b.get(ValueLayout.JAVA_LONG, o) * 100 + l),
                        p -> { throw new AssertionError("nothing consumes: " + p); });
                assertEquals(2, n);
                assertEquals(List.of(108L, 224L), seen);
                assertEquals(cons, ring.consumerPosition(), "consumer_pos did not move");
                assertEquals(5, peeker.recordsBetween(0, ring.producerPosition()), "discarded and BUSY count");
                w.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, busy, 3L);
                w.submit(busy);
                seen.clear();
                assertEquals(4, peeker.peek((b, o, l) -> seen.add(b.get(ValueLayout.JAVA_LONG, o)), p -> { }));
                assertEquals(List.of(1L, 2L, 3L, 4L), seen);
                seen.clear();
                assertEquals(2, peeker.peek((b, o, l) -> seen.add(b.get(ValueLayout.JAVA_LONG, o)) && seen.size() < 2,
                        p -> { }), "the handler stops the walk");
                assertEquals(List.of(1L, 2L), seen);
            }
            // The peeker claimed nothing: this process can still take the reader and consume all.
            List<Long> consumed = new ArrayList<>();
            other.reader().consume((b, o, l) -> consumed.add(b.get(ValueLayout.JAVA_LONG_UNALIGNED, o)));
            assertEquals(List.of(1L, 2L, 3L, 4L), consumed);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void anOverwriteRingIsPeekedFromOverwritePosNotFromConsumerPos() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096, JvmRing.OVERWRITE)) {
            RingWriter w = ring.writer();
            for (long i = 0; i < 1_000; i++) {
                put(w, i, 8); // 16-byte records: the producers lap the 4 KiB ring nearly four times
            }
            long ow = ring.overwritePosition();
            long prod = ring.producerPosition();
            assertEquals(0, ring.consumerPosition(), "nobody read");
            assertTrue(ow > 0, "overwritten records: overwrite_pos " + ow);
            List<Long> seen = new ArrayList<>();
            try (RingPeeker peeker = ring.peeker()) {
                assertTrue(peeker.isOverwrite());
                assertEquals(ow, peeker.readPosition(), "max(consumer_pos, overwrite_pos)");
                assertEquals(prod - ow, peeker.availableBytes());
                int n = peeker.peek((b, o, l) -> seen.add(b.get(ValueLayout.JAVA_LONG, o)),
                        p -> { throw new AssertionError("nothing overwrites meanwhile: " + p); });
                assertEquals((prod - ow) / 16, n);
            }
            // The newest records, in order, ending with the last one written; none from an older lap.
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(1_000 - seen.size() + i, seen.get(i), "record " + i + " of " + seen);
            }
        }
    }

    @Test
    void aClosedRingsPeekerFailsWithEbadf() {
        JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096);
        RingPeeker peeker = ring.peeker();
        ring.close();
        assertThrows(ErrnoException.class, () -> peeker.peek((b, o, l) -> true, p -> { }));
        assertThrows(ErrnoException.class, ring::peeker);
    }

    @Test
    void everyDeliveredRecordIsIntactUnderAConcurrentConsumerAndProducer() throws Exception {
        Outcome o = race(true, 3_000_000_000L, 200_000);
        assertEquals(0, o.torn, "torn records delivered: " + o);
        assertTrue(o.intact > 10_000, "enough records peeked: " + o);
        System.out.println("peek with re-validation: " + o);
    }

    @Test
    void negativeControlWithoutRevalidationDeliversTornRecords() throws Exception {
        Outcome o = race(false, 20_000_000_000L, Long.MAX_VALUE);
        assertTrue(o.torn > 0, "the race must tear copies when nothing re-validates them: " + o);
        System.out.println("peek without re-validation (negative control): " + o);
    }

    record Outcome(long intact, long torn, long reported, long produced) {
    }

    /** A record with sequence number s: {@code length(s)} bytes, every 8-byte word equal to s. */
    private static int length(long s) {
        return 8 * (16 + (int) (s % 48));
    }

    /**
     * A producer and a consumer thread race through a small ring while this thread peeks; each
     * delivered copy is checked (length, every word, order within one walk). Ends after
     * {@code nanos}, or once {@code enoughIntact} were checked, or (for the negative control)
     * at the first torn record.
     */
    private static Outcome race(boolean revalidate, long nanos, long enoughIntact) throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            RingWriter writer = ring.writer();
            RingReader reader = ring.reader();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong produced = new AtomicLong();
            Thread producer = new Thread(() -> {
                long s = 0;
                while (!stop.get()) {
                    int len = length(s);
                    long at = writer.reserve(len);
                    if (at == RingWriter.NO_SPACE) {
                        Thread.onSpinWait();
                        continue;
                    }
                    MemorySegment b = writer.buffer();
                    for (int i = 0; i < len; i += 8) {
                        b.set(ValueLayout.JAVA_LONG_UNALIGNED, at + i, s);
                    }
                    writer.submit(at);
                    produced.set(++s);
                }
            }, "peek-producer");
            Thread consumer = new Thread(() -> {
                RecordHandler any = (b, o, l) -> RecordHandler.CONTINUE;
                while (!stop.get()) {
                    reader.consume(any);
                }
            }, "peek-consumer");
            producer.start();
            consumer.start();
            long[] counts = new long[3]; // intact, torn, reported
            try (RingPeeker peeker = RingPeeker.of(ring, ring.view(), revalidate)) {
                long deadline = System.nanoTime() + nanos;
                while (System.nanoTime() < deadline && counts[0] < enoughIntact && (revalidate || counts[1] == 0)) {
                    long[] last = {-1};
                    peeker.peek((b, o, l) -> {
                        long s = b.get(ValueLayout.JAVA_LONG, o);
                        boolean ok = s > last[0] && l == length(s);
                        for (int i = 8; ok && i < l; i += 8) {
                            ok = b.get(ValueLayout.JAVA_LONG, o + i) == s;
                        }
                        counts[ok ? 0 : 1]++;
                        last[0] = s;
                        return RecordHandler.CONTINUE;
                    }, p -> counts[2]++);
                }
            } finally {
                stop.set(true);
                producer.join(10_000);
                consumer.join(10_000);
            }
            return new Outcome(counts[0], counts[1], counts[2], produced.get());
        }
    }
}
