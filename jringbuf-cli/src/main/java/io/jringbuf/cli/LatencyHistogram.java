/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

/**
 * Counts non-negative values (nanoseconds) in log-linear buckets: 16 buckets per power of two,
 * so a reported percentile is at most 1/16 (6.25 %) above the true value; values below 32 are
 * exact. No allocation after construction.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;

    private final long[] counts = new long[64 * SUB];
    private long total;
    private long max;

    void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        total++;
        if (v > max) {
            max = v;
        }
    }

    static int index(long v) {
        if (v < 2 * SUB) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS;
        return (int) (shift * SUB + (v >>> shift));
    }

    /** @return the largest value that falls into bucket {@code index} */
    static long highestInBucket(int index) {
        if (index < 2 * SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        long sub = index - shift * SUB;
        return ((sub + 1) << shift) - 1;
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /**
     * @param percentile 0 to 100
     * @return the value at or below which {@code percentile} % of the recorded values fall (a
     *         bucket's upper bound, capped at the maximum); 0 if empty
     */
    long percentile(double percentile) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(percentile / 100.0 * total);
        rank = Math.max(1, Math.min(total, rank));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(highestInBucket(i), max);
            }
        }
        return max;
    }
}
