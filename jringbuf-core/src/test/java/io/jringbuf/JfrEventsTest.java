/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Flight Recorder events, recorded with a {@link RecordingStream}: the periodic statistics of
 * an open ring with the values of a known workload, a lost event for refused records, and a poll
 * event for a poll that waited past the threshold (none for one that did not).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JfrEventsTest {
    private static final RecordHandler ALL = (b, o, l) -> RecordHandler.CONTINUE;

    @Test
    void statisticsLostAndSlowPollsAreRecorded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jfr-ring");
        List<RecordedEvent> lost = new CopyOnWriteArrayList<>();
        List<RecordedEvent> polls = new CopyOnWriteArrayList<>();
        List<RecordedEvent> statistics = new CopyOnWriteArrayList<>();
        try (RecordingStream rs = new RecordingStream();
             JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 4096)) {
            rs.enable("io.jringbuf.RingStatistics").withPeriod(Duration.ofMillis(100));
            rs.enable("io.jringbuf.Lost");
            rs.enable("io.jringbuf.Poll").withThreshold(Duration.ofMillis(50));
            rs.onEvent("io.jringbuf.Lost", lost::add);
            rs.onEvent("io.jringbuf.Poll", polls::add);
            rs.onEvent("io.jringbuf.RingStatistics", e -> {
                if (file.toString().equals(e.getString("ring")) && e.getLong("calls") > 0) {
                    statistics.add(e); // the reader's events (a writer makes no calls)
                }
            });
            rs.startAsync();

            RingWriter w = ring.writer();
            RingReader r = ring.reader();
            for (int i = 0; i < 5; i++) {
                assertTrue(w.output(new byte[8], RingWriter.NO_WAKEUP));
            }
            assertEquals(5, r.consume(ALL));
            // Fill the ring and have two records refused: the reader's next call reports them.
            while (w.output(new byte[8], RingWriter.NO_WAKEUP)) {
                // filling
            }
            w.output(new byte[8], RingWriter.NO_WAKEUP);
            int filled = (int) (w.availableBytes() / 16);
            assertEquals(filled, r.consume(ALL));
            assertEquals(0, r.poll(ALL, Duration.ofMillis(120)), "a slow poll: nothing comes");
            assertEquals(0, r.poll(ALL, Duration.ZERO), "a fast poll");
            long records = 5 + filled;

            // The periodic event, the lost event and the slow poll's event arrive through the
            // stream (bounded wait).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((lost.isEmpty() || polls.isEmpty()
                    || statistics.stream().noneMatch(e -> e.getLong("calls") == 4)) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            RecordedEvent s = statistics.stream().filter(e -> e.getLong("calls") == 4).findFirst().orElseThrow(
                    () -> new AssertionError("no statistics event after the workload: " + statistics));
            assertEquals("RINGBUF", s.getString("type"));
            assertEquals(4096, s.getLong("size"));
            assertEquals(records, s.getLong("records"));
            assertEquals(records * 16, s.getLong("bytes"));
            assertEquals(2, s.getLong("lost"));
            assertEquals(0, s.getLong("backlog"));
            assertEquals(filled * 16L, s.getLong("maxBacklog"));
        }
        assertEquals(1, lost.size(), "one lost event: " + lost);
        assertEquals(2, lost.get(0).getLong("lost"));
        assertEquals(2, lost.get(0).getLong("total"));
        assertEquals(1, polls.size(), "only the slow poll: " + polls);
        assertTrue(polls.get(0).getDuration().toMillis() >= 50, polls.get(0).getDuration().toString());
        assertEquals(0, polls.get(0).getInt("records"));
    }
}
