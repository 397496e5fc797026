/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.process;

import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An overwrite ring file between processes: two producer JVMs (the unchanged
 * {@link ProducerProcess}, which opens the file and gets the overwrite rules from it) lap a
 * consumer in this JVM that pauses every 64 records; a second reader, opened after the first
 * closes, continues the lost count. Every delivered record is intact (check word) and in order per
 * producer, and delivered + lost = produced.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OverwriteProcessTest {
    private static final long COUNT = 300_000;

    @TempDir
    Path dir;

    @Test
    void twoProducerProcessesLapAReaderAndTheCountsAddUpAcrossReaders() throws Exception {
        Path file = dir.resolve("ow.ring");
        JvmRing.create(file, RingType.RINGBUF, 16 * 1024, JvmRing.OVERWRITE).close();
        long[] last = {-1, -1, -1};
        long[] delivered = {0};
        String[] bad = {null};
        RecordHandler check = (b, o, l) -> {
            int id = b.get(ValueLayout.JAVA_INT, o);
            long seq = b.get(ValueLayout.JAVA_LONG, o + 8);
            if (l != ProducerProcess.PAYLOAD || id < 1 || id > 2
                    || b.get(ValueLayout.JAVA_LONG, o + 16) != ProducerProcess.check(id, seq) || seq <= last[id]) {
                bad[0] = "record " + id + "/" + seq + " torn or out of order (last " + (id >= 1 && id <= 2 ? last[id] : -1) + ")";
                return false;
            }
            last[id] = seq;
            if (++delivered[0] % 64 == 0) {
                LockSupport.parkNanos(100_000);
            }
            return true;
        };
        try (Spawned a = Spawned.start("produce", file.toString(), "1", Long.toString(COUNT));
             Spawned b = Spawned.start("produce", file.toString(), "2", Long.toString(COUNT))) {
            a.expectLine("producing", 30_000);
            b.expectLine("producing", 30_000);
            try (JvmRing ring = JvmRing.open(file, RingType.RINGBUF)) {
                assertTrue(ring.isOverwrite());
                RingReader reader = ring.reader();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                while (System.nanoTime() < until && bad[0] == null) {
                    reader.poll(check, Duration.ofMillis(10));
                }
            }
            a.awaitSuccess(60_000);
            b.awaitSuccess(60_000);
        }
        assertNull(bad[0], bad[0]);
        try (JvmRing ring = JvmRing.open(file, RingType.RINGBUF)) {
            RingReader reader = ring.reader(); // a new reader: continues from the first one's counts
            while (reader.consume(check) > 0 && bad[0] == null) {
                // drain
            }
            assertNull(bad[0], bad[0]);
            long lost = ring.lostRecords();
            System.out.printf("overwrite processes: produced %d, delivered %d, lost %d, refused (BUSY) %d%n",
                    2 * COUNT, delivered[0], lost, ring.drops());
            assertEquals(2 * COUNT, delivered[0] + lost, "delivered + lost = produced");
            assertTrue(lost > 0, "the producers lapped the reader");
            assertEquals(COUNT - 1, Math.max(last[1], last[2]), "the newest record was delivered");
        }
    }
}
