/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Durations and the latency histogram. */
class PartsTest {

    @Test
    void durationsNeedAUnit() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        for (String bad : new String[] {"10", "s", "-1s", "1.5s", "10 s", "", "9999999999999s"}) {
            assertThrows(picocli.CommandLine.TypeConversionException.class, () -> Durations.parse(bad), bad);
        }
        // Longer than a nanosecond deadline can hold (about 292 years): refused, not an overflow later.
        assertEquals(Duration.ofHours(876_000), Durations.parse("876000h"));
        for (String tooLong : new String[] {"876001h", "9999999999s", "999999999999h"}) {
            var e = assertThrows(picocli.CommandLine.TypeConversionException.class, () -> Durations.parse(tooLong));
            assertTrue(e.getMessage().contains("is too long: at most 876000h"), e.getMessage());
        }
    }

    @Test
    void bucketsAreContiguousAndWithinOneSixteenth() {
        int previous = -1;
        for (long v = 0; v < 1 << 20; v++) {
            int i = LatencyHistogram.index(v);
            assertTrue(i == previous || i == previous + 1, "index jumps at " + v);
            previous = i;
            long high = LatencyHistogram.highestInBucket(i);
            assertTrue(high >= v && high <= v + v / 16, v + " -> bucket up to " + high);
        }
        assertTrue(LatencyHistogram.index(Long.MAX_VALUE) < 64 * 16);
    }

    @Test
    void percentilesOfAKnownDistribution() {
        LatencyHistogram h = new LatencyHistogram();
        long[] values = new long[100_000];
        Random random = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = 1_000 + random.nextInt(1_000_000);
            h.record(values[i]);
        }
        java.util.Arrays.sort(values);
        for (double p : new double[] {50, 90, 99, 99.9}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            long reported = h.percentile(p);
            assertTrue(reported >= exact && reported <= exact + exact / 16, p + ": " + reported + " vs " + exact);
        }
        assertEquals(values[values.length - 1], h.max());
        assertEquals(values[values.length - 1], h.percentile(100));
        assertEquals(0, new LatencyHistogram().percentile(50));
    }
}
