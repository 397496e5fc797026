/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.process;

import io.jringbuf.JvmRing;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.RingBuffer;
import io.jringbuf.base.RingType;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.internal.protocol.Sleepers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** A {@link RingBuffer} of three JVM rings: which ring wakes it, explicit wakeUp, a producer process. */
class JvmRingBufferTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private JvmRing[] anonymousRings() {
        JvmRing[] rings = new JvmRing[3];
        for (int i = 0; i < 3; i++) {
            rings[i] = JvmRing.anonymous(RingType.RINGBUF, 4096);
            resources.add(rings[i]);
        }
        return rings;
    }

    private RingBuffer manager(JvmRing[] rings, int[] counts) {
        RingBuffer rb = RingBuffer.create(rings[0], counting(counts, 0), RingBuffer.Options.DEFAULT);
        resources.add(rb);
        for (int i = 1; i < rings.length; i++) {
            rb.add(rings[i], counting(counts, i));
        }
        return rb;
    }

    private static RecordHandler counting(int[] counts, int ring) {
        return (b, o, l) -> {
            counts[ring]++;
            return true;
        };
    }

    /**
     * Records in the second ring wake a poller sleeping on all three. The poller registers
     * before its last look at the rings, so records committed between the two are found by that
     * look without a wakeup (correct, but not the path under test): the scenario is repeated
     * until a poll was ended by the second ring's wakeup, at most 20 times. Each poll may sleep
     * 20 s and must return within 10 s: only a wakeup (or that last look) ends it so early.
     */
    @Test
    @Timeout(120)
    void recordsInTheSecondRingWakeThePollerAndOnlyItsHandlerRuns() throws Exception {
        JvmRing[] rings = anonymousRings();
        int[] counts = new int[3];
        RingBuffer poller = manager(rings, counts);
        for (int attempt = 0; attempt < 20 && rings[1].wakeups() == 0; attempt++) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread producer = new Thread(() -> {
                try {
                    // Produce only once the poller is registered, so the records must wake it.
                    Sleepers.awaitRegistered(JvmRingInternals.dataWakeupWord(rings[1]), 1);
                    for (int i = 0; i < 5; i++) {
                        assertTrue(rings[1].writer().output(new byte[] {(byte) i}, 0));
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            producer.start();
            long start = System.nanoTime();
            int got = poller.poll(Duration.ofSeconds(20));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            producer.join(10_000);
            assertFalse(producer.isAlive());
            assertNull(failure.get());
            assertTrue(got >= 1, "woken with records, not timed out (took " + tookMillis + " ms)");
            assertTrue(tookMillis < 10_000, "took " + tookMillis + " ms");
            got += poller.consume();
            assertEquals(5, got);
            assertArrayEquals(new int[] {0, 5 * (attempt + 1), 0}, counts, "only the second ring's handler ran");
        }
        assertTrue(rings[1].wakeups() >= 1, "in 20 attempts, the second ring's producer woke the poller at least once");
        assertEquals(0, rings[0].wakeups() + rings[2].wakeups());
    }

    @Test
    @Timeout(30)
    void wakeUpFromAnotherThreadReturnsABlockedPoll() throws Exception {
        JvmRing[] rings = anonymousRings();
        int[] counts = new int[3];
        RingBuffer poller = manager(rings, counts);
        AtomicInteger result = new AtomicInteger(-1);
        Thread polling = new Thread(() -> result.set(poller.poll(Duration.ofSeconds(60))));
        long start = System.nanoTime();
        polling.start();
        for (JvmRing ring : rings) {
            Sleepers.awaitRegistered(JvmRingInternals.dataWakeupWord(ring), 1);
        }
        poller.wakeUp();
        polling.join(10_000);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFalse(polling.isAlive(), "wakeUp() ended a 60 s poll");
        assertEquals(0, result.get(), "nothing delivered");
        assertTrue(tookMillis < 10_000, "took " + tookMillis + " ms");
        assertArrayEquals(new int[3], counts);
    }

    @Test
    @Timeout(90)
    void aProducerProcessWritingIntoOneRingWakesThePoller() throws Exception {
        JvmRing[] rings = new JvmRing[3];
        for (int i = 0; i < 3; i++) {
            rings[i] = JvmRing.create(dir.resolve("ring" + i), RingType.RINGBUF, 64 << 10);
            resources.add(rings[i]);
        }
        int[] counts = new int[3];
        SequenceChecker checker = new SequenceChecker(1);
        RingBuffer poller = RingBuffer.create(rings[0], counting(counts, 0), RingBuffer.Options.DEFAULT)
                .add(rings[1], counting(counts, 1))
                .add(rings[2], checker);
        resources.add(poller);
        long total = 10_000;
        Spawned producer = Spawned.start("produce", dir.resolve("ring2").toString(), "0", Long.toString(total));
        resources.add(producer);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int polls = 0;
        while (checker.received() < total) {
            // The first poll sleeps while the producer JVM starts: only its wakeup ends it, and
            // every later poll must be ended by the next record's wakeup too.
            // (30 s for the first: a JVM start on a loaded 2-core machine has taken over 5 s.)
            int got = poller.poll(Duration.ofSeconds(polls == 0 ? 30 : 5));
            polls++;
            assertTrue(got > 0, "poll " + polls + " timed out after " + checker.received()
                    + " records although the producer kept producing: its wakeup did not arrive");
            checker.assertClean();
            assertTrue(System.nanoTime() < deadline, "only " + checker.received() + " records within 60 s");
        }
        producer.awaitSuccess(10_000);
        assertEquals(total, checker.receivedFrom(0));
        assertArrayEquals(new int[3], counts, "the other rings' handlers never ran");
        assertTrue(rings[2].wakeups() >= 1, "a wakeup from the other process reached the poller");
        assertEquals(0, rings[0].wakeups() + rings[1].wakeups());
        System.out.printf("poller: %d records from a producer process in %d polls, %d wakeups%n", total, polls,
                rings[2].wakeups());
    }
}
