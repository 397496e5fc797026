/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import io.jringbuf.RingPeeker;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;

import java.nio.file.Path;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Samples one ring from outside, read-only (a {@link RingPeeker}: no side taken, kernel memory
 * mapped read-only), for {@code stat --watch} and {@code top}: positions, backlog, records and
 * bytes reserved between samples, the lost count and the wakeups.
 *
 * <p>Records are counted by walking the headers reserved since the last look
 * ({@link RingPeeker#recordsBetween}), at every {@link #tick()} (the commands tick several times
 * per interval). If the producers lapped the ring between two looks, the headers are gone: the
 * interval's record count is then estimated from its bytes and the mean record size seen
 * ({@link RecordSizes}), and marked as an estimate.
 */
final class RingSampler implements AutoCloseable {
    /**
     * One sample.
     *
     * @param records records reserved since the previous sample, -1 if unknown (the first sample,
     *                or no record seen yet to estimate from)
     * @param recordsEstimated whether {@code records} is an estimate (bytes over the mean record size:
     *                         the producers lapped the ring between two looks)
     * @param bytes bytes reserved since the previous sample ({@code producer_pos}'s advance,
     *              headers included), -1 for the first sample
     * @param seconds time since the previous sample, 0 for the first
     * @param lost the lost count (JVM ring: refused reservations; kernel ring: its lost counter
     *             map's total), -1 if unknown
     * @param wakeups wakeups delivered to waiting threads (JVM rings), -1 if unknown
     */
    record Sample(Instant time, String ring, RingType type, long size, long consumerPos, long producerPos,
                  long records, boolean recordsEstimated, long bytes, double seconds, long lost, long wakeups) {
        long backlog() {
            return producerPos - consumerPos;
        }

        /** @return the backlog's share of the ring, 0-100 */
        double fillPercent() {
            return 100.0 * backlog() / size;
        }

        double recordsPerSecond() {
            return records < 0 || seconds <= 0 ? Double.NaN : records / seconds;
        }

        double bytesPerSecond() {
            return bytes < 0 || seconds <= 0 ? Double.NaN : bytes / seconds;
        }
    }

    private final String name;
    private final RingPeeker peeker;
    private final LongSupplier lost;
    private final LongSupplier wakeups;
    private final AutoCloseable owned;
    private long lastSampleNanos = -1;
    private long lastSampleProducer;
    private long lookedAt;
    private long records;
    private boolean recordsKnown;
    private final RecordSizes sizes = new RecordSizes();

    private RingSampler(String name, RingPeeker peeker, LongSupplier lost, LongSupplier wakeups, AutoCloseable owned) {
        this.name = name;
        this.peeker = peeker;
        this.lost = lost;
        this.wakeups = wakeups;
        this.owned = owned;
    }

    /** A JVM ring: lost is its drop counter. The ring stays the caller's. */
    static RingSampler of(JvmRing ring) {
        return new RingSampler(ring.path() == null ? "anonymous" : ring.path().toString(), ring.peeker(), ring::drops,
                ring::wakeups, null);
    }

    /**
     * A kernel ring map, mapped read-only; the map stays the caller's.
     *
     * @param lostCounter its lost counter map, or null if it has none (lost is unknown)
     */
    static RingSampler of(BpfMap map, BpfMap lostCounter) {
        RingPeeker peeker = RingPeeker.open(map);
        LongSupplier lost = lostCounter == null ? () -> -1 : () -> {
            try {
                return lostCounter.sumPerCpuLong(0);
            } catch (ErrnoException e) {
                return -1;
            }
        };
        return new RingSampler("map " + map.info().name() + " (id " + map.info().id() + ")", peeker, lost, () -> -1,
                null);
    }

    /** A ring file opened for this sampler and closed with it. */
    static RingSampler openFile(Path path) {
        JvmRing ring = JvmRing.open(path);
        try {
            RingSampler s = of(ring);
            return new RingSampler(s.name, s.peeker, s.lost, s.wakeups, ring);
        } catch (RuntimeException e) {
            ring.close();
            throw e;
        }
    }

    /** A kernel ring map and its lost counter (found by convention), opened by id and closed with this. */
    static RingSampler openMap(BpfMap map) {
        BpfMap counter = null;
        try {
            counter = map.findLostCounter().orElse(null);
            RingSampler s = of(map, counter);
            BpfMap c = counter;
            return new RingSampler(s.name, s.peeker, s.lost, s.wakeups, () -> {
                try (map; c) {
                    // closes both, the counter first
                }
            });
        } catch (RuntimeException e) {
            if (counter != null) {
                counter.close();
            }
            map.close();
            throw e;
        }
    }

    String name() {
        return name;
    }

    /** Counts the records reserved since the last look; call it often enough not to be lapped. */
    void tick() {
        if (lastSampleNanos < 0) {
            return;
        }
        long prod = peeker.producerPosition();
        if (recordsKnown) {
            long n = peeker.recordsBetween(lookedAt, prod);
            if (n < 0) {
                recordsKnown = false;
            } else {
                records += n;
                sizes.add(n, prod - lookedAt);
            }
        }
        if (!recordsKnown) {
            sizes.look(peeker); // for the estimate
        }
        lookedAt = prod;
    }

    /** Takes a sample and starts the next interval. */
    Sample sample() {
        tick();
        long now = System.nanoTime();
        // Consumer first: the producer position read after it is never older, so the backlog is never negative.
        long cons = peeker.consumerPosition();
        long prod = peeker.producerPosition();
        boolean first = lastSampleNanos < 0;
        long rec = -1;
        boolean estimated = false;
        if (!first && recordsKnown) {
            long n = peeker.recordsBetween(lookedAt, prod);
            if (n >= 0) {
                rec = records + n;
                sizes.add(n, prod - lookedAt);
            }
        }
        if (first) {
            sizes.look(peeker); // the records already in the ring: a mean size from the start
            sizes.estimate(0);
        } else if (rec < 0) {
            sizes.look(peeker);
            rec = sizes.estimate(prod - lastSampleProducer);
            estimated = rec >= 0;
        } else {
            sizes.estimate(0); // the interval's sizes become the mean for later estimates
        }
        long bytes = first ? -1 : prod - lastSampleProducer;
        double seconds = first ? 0 : (now - lastSampleNanos) / 1e9;
        Sample s = new Sample(Instant.now(), name, peeker.type(), peeker.size(), cons, prod, rec, estimated, bytes, seconds,
                lost.getAsLong(), wakeups.getAsLong());
        lastSampleNanos = now;
        lastSampleProducer = prod;
        lookedAt = prod;
        records = 0;
        recordsKnown = true;
        return s;
    }

    @Override
    public void close() {
        try {
            peeker.close();
            if (owned != null) {
                owned.close();
            }
        } catch (Exception e) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e);
        }
    }
}
