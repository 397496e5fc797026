/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.RingPeeker;

/**
 * The mean size of the records a live view saw, to estimate how many records were reserved when
 * their headers are gone (the producers lapped the ring between two looks): bytes reserved divided
 * by the mean record size. The sizes come from the records counted between looks and from the
 * unconsumed records, whose headers stay readable until a producer passes {@code consumer_pos +
 * size} (see {@link RingPeeker#recordsBetween}).
 */
final class RecordSizes {
    private long records;
    private long bytes;
    private double mean = Double.NaN;

    /** Adds records seen, with the ring bytes they take (headers included). */
    void add(long n, long size) {
        if (n > 0) {
            records += n;
            bytes += size;
        }
    }

    /** Walks the unconsumed records' headers, for their sizes. */
    void look(RingPeeker peeker) {
        long cons = peeker.consumerPosition();
        long prod = peeker.producerPosition();
        add(peeker.recordsBetween(cons, prod), prod - cons);
    }

    /**
     * Ends an interval: the mean of the sizes it saw (or of an earlier interval's if it saw none).
     *
     * @param reserved bytes reserved in the interval
     * @return the estimated number of records, or -1 if no record was ever seen
     */
    long estimate(long reserved) {
        if (records > 0) {
            mean = (double) bytes / records;
        }
        records = 0;
        bytes = 0;
        return Double.isNaN(mean) || reserved < 0 ? -1 : Math.round(reserved / mean);
    }
}
