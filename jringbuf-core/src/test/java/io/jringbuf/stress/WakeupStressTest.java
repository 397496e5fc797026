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
import io.jringbuf.internal.format.RingLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Lost-wakeup stress over a RINGBUF JVM ring: one consumer takes one record per {@code poll} and
 * sleeps whenever the ring is empty; two producer threads reserve and submit into a small ring
 * (so they sleep for space too). A <em>stall</em> (the poll timeout "rescued" the consumer) is a
 * poll that ran into its timeout although a committed record was waiting at the head: the wakeup
 * for it was lost. With adaptive wakeups and
 * the consumer's fence there must be none; the negative control commits with {@code NO_WAKEUP}
 * and the same harness must see stalls.
 */
class WakeupStressTest {
    private static final int PRODUCERS = 2;
    /** Payload: int producer, int check word, long sequence. */
    private static final int PAYLOAD = 16;

    /** What one run saw. */
    record Outcome(long received, long timeouts, long stalls, long wakeups, long drops) {
    }

    /** Checks order per producer and remembers the head record's producer for the stall check. */
    private static final class Checker implements RecordHandler {
        final long[] next = new long[PRODUCERS];
        long received;
        String error;

        @Override
        public boolean onRecord(MemorySegment buffer, long offset, int length) {
            int producer = buffer.get(ValueLayout.JAVA_INT, offset);
            int check = buffer.get(ValueLayout.JAVA_INT, offset + 4);
            long seq = buffer.get(ValueLayout.JAVA_LONG, offset + 8);
            if (error == null) {
                if (length != PAYLOAD || producer < 0 || producer >= PRODUCERS) {
                    error = "record " + received + ": length " + length + ", producer " + producer;
                } else if (check != checkWord(producer, seq)) {
                    error = "producer " + producer + " seq " + seq + ": payload not fully visible at commit";
                } else if (seq != next[producer]) {
                    error = "producer " + producer + ": expected seq " + next[producer] + ", got " + seq;
                } else {
                    next[producer]++;
                }
            }
            received++;
            return true;
        }
    }

    private static int checkWord(int producer, long seq) {
        return (int) (seq * 0x9E3779B1L) ^ producer;
    }

    /**
     * Runs the harness.
     *
     * @param flags the producers' submit flags
     * @param perProducer records per producer
     * @param pollTimeout the consumer's poll timeout
     * @param stopAfterStalls end early once this many stalls were seen (the negative control)
     * @param spin the consumer never sleeps: it calls {@code consume} in a loop (pollTimeout unused)
     */
    private static Outcome run(int flags, long perProducer, Duration pollTimeout, long stopAfterStalls, boolean spin)
            throws InterruptedException {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            RingWriter producer = ring.writer();
            RingReader consumer = ring.reader();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] threads = new Thread[PRODUCERS];
            for (int t = 0; t < PRODUCERS; t++) {
                int id = t;
                threads[t] = new Thread(() -> {
                    try {
                        MemorySegment buf = producer.buffer();
                        Duration patience = Duration.ofSeconds(10);
                        for (long seq = 0; seq < perProducer && ring.isOpen(); seq++) {
                            long off = producer.reserve(PAYLOAD, patience);
                            if (off < 0) {
                                throw new AssertionError("producer " + id + ": no space for 10 s at seq " + seq);
                            }
                            buf.set(ValueLayout.JAVA_INT, off, id);
                            buf.set(ValueLayout.JAVA_INT, off + 4, checkWord(id, seq));
                            buf.set(ValueLayout.JAVA_LONG, off + 8, seq);
                            producer.submit(off, flags);
                        }
                    } catch (Throwable e) {
                        if (ring.isOpen()) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }, "producer-" + t);
            }
            for (Thread t : threads) {
                t.start();
            }
            Checker checker = new Checker();
            long total = perProducer * PRODUCERS;
            long timeouts = 0;
            long stalls = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            try {
                while (checker.received < total && stalls < stopAfterStalls) {
                    if (spin) {
                        if (consumer.consume(checker) == 0) {
                            Thread.onSpinWait();
                        }
                    } else if (consumer.poll(checker, 1, pollTimeout) == 0) {
                        timeouts++;
                        // The wait ended by its timeout. A committed record at the head now means the
                        // consumer slept through it: its wakeup was lost (or never sent).
                        if (consumer.consume(checker, 1) == 1) {
                            stalls++;
                        }
                    }
                    if (failure.get() != null) {
                        fail("a producer failed", failure.get());
                    }
                    if (System.nanoTime() > deadline) {
                        fail("only " + checker.received + " of " + total + " records within 40 s; " + stalls
                                + " stalls");
                    }
                }
            } finally {
                if (checker.received < total) {
                    // Ended early (the control, or a failure): stop the producers; close makes them
                    // fail, unreported.
                    ring.close();
                }
                for (Thread t : threads) {
                    t.join(15_000);
                    assertFalse(t.isAlive(), t.getName() + " finished");
                }
            }
            if (checker.error != null) {
                fail(checker.error);
            }
            return new Outcome(checker.received, timeouts, stalls, ring.isOpen() ? ring.wakeups() : -1,
                    ring.isOpen() ? ring.drops() : -1);
        }
    }

    @Test
    @Timeout(90)
    void adaptiveWakeupsLoseNoWakeupOverAMillionRecords() throws InterruptedException {
        long perProducer = 500_000;
        Outcome o = run(0, perProducer, Duration.ofMillis(500), Long.MAX_VALUE, false);
        System.out.println("adaptive wakeups: " + o);
        assertEquals(PRODUCERS * perProducer, o.received(), "every record once, in order per producer");
        assertEquals(0, o.stalls(), "no poll slept through a committed record");
        assertTrue(o.wakeups() > 10_000, "the consumer and producers really slept and were woken: "
                + o.wakeups() + " wakeups");
        assertEquals(0, o.drops(), "producers waited for space rather than dropped");
    }

    @Test
    @Timeout(30)
    void negativeControlNoWakeupCommitsAreCaughtAsStalls() throws InterruptedException {
        Outcome o = run(RingLayout.NO_WAKEUP, 50_000, Duration.ofMillis(10), 20, false);
        System.out.println("NO_WAKEUP control: " + o);
        assertTrue(o.stalls() > 0, "the harness sees polls sleeping through committed records: " + o);
    }

    /**
     * NO_WAKEUP commits are plain release stores (no exchange): a consumer that spins instead of
     * sleeping must still see every record once, in order, with its whole payload.
     */
    @Test
    @Timeout(60)
    void noWakeupReleaseCommitsWithASpinningConsumerDeliverEveryPayload() throws InterruptedException {
        long perProducer = 1_000_000;
        Outcome o = run(RingLayout.NO_WAKEUP, perProducer, null, Long.MAX_VALUE, true);
        System.out.println("NO_WAKEUP, spinning consumer: " + o);
        assertEquals(PRODUCERS * perProducer, o.received(), "every record once, in order per producer, complete");
        assertEquals(0, o.drops(), "producers waited for space rather than dropped");
    }
}
