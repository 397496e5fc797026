/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.stress;

import io.jringbuf.RingWriter;
import io.jringbuf.RingReader;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import io.jringbuf.base.RecordHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * USER_RINGBUF JVM ring under constant pressure: the user producer ({@code reserveBlocking}) and the
 * drainer (waiting {@code drain}) run in two threads over a 4 KiB ring, so the producer is nearly
 * always waiting for space and the drainer for data. Samples have varying lengths (so records
 * wrap at varying places) and carry their sequence, a byte pattern derived from it, and a checksum
 * over the pattern: a torn, stale or misplaced sample fails the check.
 */
class UserRingStressTest {
    private static final int SAMPLES = 300_000;
    private static final int HEADER = 16; // long sequence, long checksum

    static int lengthOf(long seq) {
        return HEADER + (int) (seq % 61); // 16..76 bytes, not always a multiple of 8
    }

    static byte patternByte(long seq, int i) {
        return (byte) (seq * 31 + i * 7);
    }

    static long checksum(MemorySegment buf, long offset, int length) {
        long sum = 17;
        for (int i = HEADER; i < length; i++) {
            sum = sum * 131 + buf.get(ValueLayout.JAVA_BYTE, offset + i);
        }
        return sum;
    }

    /** Verifies samples; allocates nothing per sample; keeps the first violation. */
    private static final class Checker implements RecordHandler {
        long next;
        String error;

        @Override
        public boolean onRecord(MemorySegment buffer, long offset, int length) {
            long seq = buffer.get(ValueLayout.JAVA_LONG, offset);
            if (error != null) {
                return true;
            }
            if (seq != next) {
                error = "expected sample " + next + ", got " + seq;
            } else if (length != lengthOf(seq)) {
                error = "sample " + seq + ": length " + length + ", expected " + lengthOf(seq);
            } else if (buffer.get(ValueLayout.JAVA_LONG, offset + 8) != checksum(buffer, offset, length)) {
                error = "sample " + seq + ": checksum mismatch (torn payload)";
            } else {
                for (int i = HEADER; i < length; i++) {
                    if (buffer.get(ValueLayout.JAVA_BYTE, offset + i) != patternByte(seq, i)) {
                        error = "sample " + seq + ": byte " + i + " is not the one written";
                        break;
                    }
                }
            }
            next++;
            return true;
        }
    }

    @Test
    @Timeout(60)
    void userProducerAndDrainerOverAFullRingDeliverEverySampleOnceInOrderUntorn() throws InterruptedException {
        try (JvmRing ring = JvmRing.anonymous(RingType.USER_RINGBUF, 4096)) {
            RingWriter producer = ring.writer();
            RingReader drainer = ring.reader();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long[] producerWaits = new long[1];
            Thread producing = new Thread(() -> {
                try {
                    MemorySegment buf = producer.buffer();
                    Duration patience = Duration.ofSeconds(10);
                    for (long seq = 0; seq < SAMPLES; seq++) {
                        int length = lengthOf(seq);
                        long off = producer.reserve(length);
                        if (off < 0) {
                            producerWaits[0]++;
                            off = producer.reserve(length, patience);
                            if (off < 0) {
                                throw new AssertionError("no space for 10 s at sample " + seq);
                            }
                        }
                        buf.set(ValueLayout.JAVA_LONG, off, seq);
                        for (int i = HEADER; i < length; i++) {
                            buf.set(ValueLayout.JAVA_BYTE, off + i, patternByte(seq, i));
                        }
                        buf.set(ValueLayout.JAVA_LONG, off + 8, checksum(buf, off, length));
                        producer.submit(off);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "user-producer");
            producing.start();

            Checker checker = new Checker();
            long stalls = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            try {
                while (checker.next < SAMPLES) {
                    if (drainer.poll(checker, Duration.ofMillis(500)) == 0 && drainer.consume(checker) > 0) {
                        stalls++; // slept through a committed sample for the whole timeout
                    }
                    if (failure.get() != null) {
                        fail("the producer failed", failure.get());
                    }
                    if (System.nanoTime() > deadline) {
                        fail("only " + checker.next + " of " + SAMPLES + " samples within 40 s");
                    }
                }
            } finally {
                producing.join(15_000);
            }
            assertFalse(producing.isAlive());
            assertNull(failure.get());
            assertNull(checker.error, checker.error);
            assertEquals(SAMPLES, checker.next, "every sample once");
            assertEquals(0, drainer.consume(checker), "nothing beyond the last sample");
            assertEquals(0, stalls, "no drain slept through a committed sample");
            assertTrue(producerWaits[0] >= 100, "the ring was full often: the producer waited "
                    + producerWaits[0] + " times");
            assertEquals(drainer.producerPosition(), drainer.consumerPosition());
            System.out.printf("USER_RINGBUF pair: %d samples, producer waited %d times, %d wakeups%n",
                    checker.next, producerWaits[0], ring.wakeups());
        }
    }

    @Test
    @Timeout(10)
    void theCheckerCatchesTornReorderedAndMisSizedSamples() {
        MemorySegment buf = Arena.ofAuto().allocate(128, 8);
        // Good samples 0..39, then sample 40 (56 bytes) with one pattern byte changed after the
        // checksum was written.
        Checker c = new Checker();
        for (long seq = 0; seq < 40; seq++) {
            write(buf, seq);
            c.onRecord(buf, 0, lengthOf(seq));
        }
        assertNull(c.error);
        write(buf, 40);
        buf.set(ValueLayout.JAVA_BYTE, HEADER + 30, (byte) (patternByte(40, HEADER + 30) + 1));
        c.onRecord(buf, 0, lengthOf(40));
        assertTrue(c.error != null && c.error.contains("checksum"), c.error);

        Checker skipped = new Checker();
        write(buf, 1);
        skipped.onRecord(buf, 0, lengthOf(1));
        assertTrue(skipped.error != null && skipped.error.contains("expected sample 0"), skipped.error);

        Checker resized = new Checker();
        write(buf, 0);
        resized.onRecord(buf, 0, lengthOf(0) + 1);
        assertTrue(resized.error != null && resized.error.contains("length"), resized.error);
    }

    private static void write(MemorySegment buf, long seq) {
        int length = lengthOf(seq);
        buf.set(ValueLayout.JAVA_LONG, 0, seq);
        for (int i = HEADER; i < length; i++) {
            buf.set(ValueLayout.JAVA_BYTE, i, patternByte(seq, i));
        }
        buf.set(ValueLayout.JAVA_LONG, 8, checksum(buf, 0, length));
    }
}
