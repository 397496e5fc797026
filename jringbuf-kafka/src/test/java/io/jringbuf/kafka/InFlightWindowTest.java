/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-flight window: commits only past records acknowledged in a row, whatever the order of the acknowledgements. */
class InFlightWindowTest {

    @Test
    void passesOnlyARunOfAcknowledgedRecordsFromTheOldest() {
        InFlightWindow window = new InFlightWindow(8);
        for (int i = 0; i < 5; i++) {
            assertEquals(i, window.add(100L * (i + 1)));
        }
        window.acknowledge(2);
        window.acknowledge(1);
        assertEquals(-1, window.advance(), "record 0 is not acknowledged: nothing passes");
        assertEquals(5, window.size());
        window.acknowledge(0);
        assertEquals(300, window.advance(), "records 0, 1, 2 pass; 3 is not acknowledged");
        assertEquals(2, window.size());
        assertEquals(3, window.lowest());
        window.acknowledge(4);
        assertEquals(-1, window.advance());
        window.acknowledge(3);
        assertEquals(500, window.advance());
        assertEquals(0, window.size());
    }

    @Test
    void refusesMoreThanItsCapacityAndReusesSlotsAfterWrapping() {
        InFlightWindow window = new InFlightWindow(4);
        long end = 0;
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 4; i++) {
                end += 16;
                window.add(end);
            }
            assertEquals(0, window.remaining());
            assertThrows(IllegalStateException.class, () -> window.add(1));
            // A slot still holding the acknowledgement of the record 4 places back must not pass
            // the record now in it.
            assertEquals(-1, window.advance());
            for (long seq = window.lowest() + 3; seq >= window.lowest(); seq--) {
                window.acknowledge(seq);
            }
            assertEquals(end, window.advance());
        }
        assertThrows(IllegalArgumentException.class, () -> new InFlightWindow(6));
    }

    @Test
    void neverPassesAnUnacknowledgedRecordWithAcknowledgementsFromAnotherThread() throws Exception {
        InFlightWindow window = new InFlightWindow(64);
        int total = 200_000;
        boolean[] acked = new boolean[total];
        ConcurrentLinkedQueue<Long> toAcknowledge = new ConcurrentLinkedQueue<>();
        Thread io = new Thread(() -> {
            Random random = new Random(42);
            List<Long> batch = new ArrayList<>();
            long done = 0;
            while (done < total) {
                Long seq;
                while ((seq = toAcknowledge.poll()) != null) {
                    batch.add(seq);
                }
                Collections.shuffle(batch, random); // acknowledgements in any order
                for (long s : batch) {
                    acked[(int) s] = true; // published to the other thread by acknowledge's volatile store
                    window.acknowledge(s);
                    done++;
                }
                batch.clear();
                Thread.onSpinWait();
            }
        }, "acknowledger");
        io.start();
        long sent = 0;
        long passed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (passed < total) {
            assertTrue(System.nanoTime() < deadline, "progress within 30 s");
            while (sent < total && window.remaining() > 0) {
                long seq = window.add(8 * (sent + 1)); // the end position of record n is 8(n+1)
                toAcknowledge.add(seq);
                sent++;
            }
            long end = window.advance();
            if (end >= 0) {
                long upTo = end / 8; // records 0 .. upTo-1 passed
                for (long s = passed; s < upTo; s++) {
                    assertTrue(acked[(int) s], "record " + s + " passed before its acknowledgement");
                }
                passed = upTo;
                assertEquals(passed, window.lowest());
            } else {
                window.awaitAcknowledgement(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        io.join(10_000);
        assertEquals(total, passed);
    }
}
