/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every counter of {@link RingStatistics} against a known workload, on both JVM ring types. */
class RingStatisticsTest {
    private static final RecordHandler ALL = (b, o, l) -> RecordHandler.CONTINUE;

    @ParameterizedTest
    @EnumSource(RingType.class)
    void countsWhatAKnownWorkloadDid(RingType type) throws Exception {
        try (JvmRing ring = JvmRing.anonymous(type, 4096)) {
            RingWriter w = ring.writer();
            RingReader r = ring.reader();
            RingStatistics empty = r.statistics();
            assertEquals("anonymous", empty.ring());
            assertEquals(type, empty.type());
            assertEquals(4096, empty.size());
            assertEquals(0, empty.records() + empty.calls() + empty.bytes() + empty.wakeups() + empty.lost());
            assertNull(empty.lastRecord());

            Instant before = Instant.now().minusMillis(1);
            for (int i = 0; i < 10; i++) {
                assertTrue(w.output(new byte[8], RingWriter.NO_WAKEUP));
            }
            assertEquals(4, r.consume(ALL, 4));
            assertEquals(6, r.consume(ALL));
            assertEquals(0, r.consume(ALL));
            RingStatistics s = r.statistics();
            assertEquals(10, s.records());
            assertEquals(3, s.calls());
            assertEquals(160, s.bytes(), "10 records of 8 + 8 header bytes");
            assertEquals(0, s.backlogBytes());
            assertEquals(160, s.maxBacklogBytes(), "the first call found all ten");
            assertEquals(s.producerPosition(), s.consumerPosition());
            assertNotNull(s.lastRecord());
            assertFalse(s.lastRecord().isBefore(before));

            // Fill the ring until it refuses: the refusals are the lost records, on both sides.
            int accepted = 0;
            while (w.output(new byte[8], RingWriter.NO_WAKEUP)) {
                accepted++;
            }
            assertFalse(w.output(new byte[8], RingWriter.NO_WAKEUP));
            RingStatistics ws = w.statistics();
            assertEquals(2, ws.lost());
            assertEquals(2, r.statistics().lost(), "the reader sees the ring's count");
            assertEquals((long) (10 + accepted) * 16, ws.bytes(), "the producer position's advance");
            assertEquals(accepted * 16L, ws.backlogBytes());
            assertEquals(ws.backlogBytes(), ws.maxBacklogBytes());
            assertEquals(0, ws.records() + ws.calls() + ws.wakeups(), "the delivery counters are the reader's");
            assertNull(ws.lastRecord());

            // A poll that sleeps and is woken by a commit counts one wakeup. The poller registers
            // before its last look, so a commit between the two is found by that look without a
            // wakeup (correct, and not counted): repeated until a poll was woken, at most 20 times.
            assertEquals(accepted, r.consume(ALL));
            var word = JvmRingInternals.dataWakeupWord(ring);
            int polls = 0;
            while (polls < 20 && r.statistics().wakeups() == 0) {
                CompletableFuture<Integer> poll = CompletableFuture.supplyAsync(() -> r.poll(ALL, Duration.ofSeconds(30)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (word.get(ValueLayout.JAVA_INT, 4) == 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertTrue(w.output(new byte[8], 0), "adaptive: the reader is parked at this record");
                assertEquals(1, poll.get(10, TimeUnit.SECONDS));
                polls++;
            }
            RingStatistics woken = r.statistics();
            assertEquals(1, woken.wakeups());
            assertEquals(10 + accepted + polls, woken.records());
        }
    }

    @Test
    void aRingBufferGivesEachRingItsOwnStatistics() {
        try (JvmRing a = JvmRing.anonymous(RingType.RINGBUF, 4096);
             JvmRing b = JvmRing.anonymous(RingType.RINGBUF, 8192)) {
            a.writer().output(new byte[8], 0);
            for (int i = 0; i < 3; i++) {
                b.writer().output(new byte[24], 0);
            }
            try (RingBuffer rb = RingBuffer.create(a, ALL, RingBuffer.Options.DEFAULT).add(b, ALL)) {
                assertEquals(4, rb.poll(Duration.ofSeconds(5)));
                assertEquals(1, rb.ring(0).statistics().records());
                assertEquals(3, rb.ring(1).statistics().records());
                assertEquals(96, rb.ring(1).statistics().bytes());
                assertEquals(8192, rb.ring(1).statistics().size());
            }
        }
    }
}
