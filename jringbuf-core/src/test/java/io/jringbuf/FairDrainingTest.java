/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RingBuffer.Options#perRingLimit}: a ring whose producer never pauses cannot keep another
 * ring's record waiting for more than one round. Counted in records, not timed: how many records
 * of the flooded ring are delivered before the trickle ring's one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FairDrainingTest {
    private static final int LIMIT = 32;

    private static void put(RingWriter w, long value) {
        long off = w.reserve(8);
        w.buffer().set(ValueLayout.JAVA_LONG, off, value);
        w.submit(off, RingWriter.NO_WAKEUP);
    }

    /** Records of the flooded ring seen before the trickle ring's record; -1 if it never came. */
    private static long floodedBeforeTrickle(RingBuffer.Options options) throws Exception {
        try (JvmRing flooded = JvmRing.anonymous(RingType.RINGBUF, 1 << 16);
             JvmRing trickle = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            RingWriter flood = flooded.writer();
            long prefilled = 0;
            while (flood.reserve(8) != RingWriter.NO_SPACE) {
                prefilled++; // reserved...
            }
            // ...and committed below, in order, so the ring is full of committed records.
            flooded.reader(options.commitMode()); // claim before committing, as a manager would
            long[] floodSeen = {0};
            long[] beforeTrickle = {-1};
            RecordHandler onFlood = (b, o, l) -> {
                floodSeen[0]++;
                return RecordHandler.CONTINUE;
            };
            RecordHandler onTrickle = (b, o, l) -> {
                beforeTrickle[0] = floodSeen[0];
                return RecordHandler.CONTINUE;
            };
            try (RingBuffer rb = RingBuffer.create(flooded, onFlood, options).add(trickle, onTrickle)) {
                for (long pos = 0; pos < prefilled; pos++) {
                    flood.submit(16 * pos + 8, RingWriter.NO_WAKEUP);
                }
                AtomicBoolean stop = new AtomicBoolean();
                Thread flooder = new Thread(() -> {
                    long v = 0;
                    while (!stop.get()) {
                        long off = flood.reserve(8);
                        if (off != RingWriter.NO_SPACE) {
                            flood.buffer().set(ValueLayout.JAVA_LONG, off, v++);
                            flood.submit(off, RingWriter.NO_WAKEUP);
                        }
                    }
                });
                flooder.start();
                try {
                    put(trickle.writer(), 1);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (beforeTrickle[0] < 0 && System.nanoTime() < deadline) {
                        rb.poll(Duration.ofMillis(100));
                    }
                } finally {
                    stop.set(true);
                    flooder.join(10_000);
                }
                assertTrue(prefilled > 1000, "the flooded ring started full: " + prefilled);
                return beforeTrickle[0];
            }
        }
    }

    @Test
    void withAPerRingLimitTheTrickleRingWaitsAtMostOneRound() throws Exception {
        long before = floodedBeforeTrickle(RingBuffer.Options.DEFAULT.withPerRingLimit(LIMIT));
        assertTrue(before >= 0 && before <= LIMIT, "flooded records before the trickle one: " + before);
    }

    @Test
    void negativeControl_withoutALimitTheFloodedRingGoesFirst() throws Exception {
        long before = floodedBeforeTrickle(RingBuffer.Options.DEFAULT);
        assertTrue(before > 1000, "flooded records before the trickle one: " + before
                + " (libbpf's behaviour: a ring is drained until it is empty)");
    }

    @Test
    void consumeInterleavesTheRingsRoundByRound() {
        try (JvmRing a = JvmRing.anonymous(RingType.RINGBUF, 4096);
             JvmRing b = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            for (int i = 0; i < 5; i++) {
                put(a.writer(), 'a');
                put(b.writer(), 'b');
            }
            StringBuilder order = new StringBuilder();
            RecordHandler h = (buf, o, l) -> {
                order.append((char) buf.get(ValueLayout.JAVA_LONG, o));
                return RecordHandler.CONTINUE;
            };
            try (RingBuffer rb = RingBuffer.create(a, h, RingBuffer.Options.DEFAULT.withPerRingLimit(2)).add(b, h)) {
                assertEquals(10, rb.consume());
                assertEquals("aabbaabbab", order.toString());
                assertThrows(IllegalArgumentException.class, () -> RingBuffer.Options.DEFAULT.withPerRingLimit(0));
            }
        }
    }
}
