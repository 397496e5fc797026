/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.RingType;
import io.jringbuf.internal.protocol.UserProducer;
import io.jringbuf.internal.wait.Blocking;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The {@link RingWriter} of a USER_RINGBUF, kernel map or JVM ring: the single-producer
 * {@link UserProducer} role (libbpf's {@code user_ring_buffer}, without its
 * {@code reserve_blocking} quirks). Refused reservations are counted where the ring keeps its
 * count (a JVM ring's control block) or here (a kernel map keeps none).
 */
final class UserProducerWriter implements RingWriter {
    private final UserProducer producer;
    /** Counts a refused reservation: the ring file's shared counter, or {@link #localDrops}. */
    private final Runnable countDrop;
    private final LongSupplier drops;
    private final WriterStatistics statistics;
    /** What the JFR statistics event asks (held here: the registry holds it weakly). */
    private final java.util.function.Supplier<RingStatistics> statisticsSource = this::statistics;

    /** A writer whose drops go to a counter shared with other processes (JVM rings). */
    UserProducerWriter(UserProducer producer, Runnable countDrop, LongSupplier drops, String ring) {
        this.producer = producer;
        this.countDrop = countDrop;
        this.drops = drops;
        this.statistics = new WriterStatistics(ring, RingType.USER_RINGBUF, producer.producerPosition());
        RingEvents.register(statisticsSource);
    }

    /** {@return the role underneath} */
    UserProducer producer() {
        return producer;
    }

    @Override
    public long reserve(int length) {
        try { // the whole call: see ConsumerReader.poll
            long offset = producer.reserve(length);
            if (offset < 0) {
                countDrop.run();
                statistics.refused(availableBytes());
            }
            return offset;
        } catch (InternalError fault) {
            throw MappedFaults.translate(fault, producer.buffer(), "reserve");
        }
    }

    @Override
    public long reserve(int length, Duration timeout) {
        try { // the whole call: see ConsumerReader.poll
            long offset = producer.reserve(length, Blocking.toNanos(timeout));
            if (offset < 0) {
                countDrop.run();
                statistics.refused(availableBytes());
            }
            return offset;
        } catch (InternalError fault) {
            throw MappedFaults.translate(fault, producer.buffer(), "reserve");
        }
    }

    @Override
    public void submit(long offset, int flags) {
        try {
            producer.submit(offset, flags);
        } catch (InternalError fault) {
            throw MappedFaults.translate(fault, producer.buffer(), "submit");
        }
    }

    @Override
    public void discard(long offset, int flags) {
        try {
            producer.discard(offset, flags);
        } catch (InternalError fault) {
            throw MappedFaults.translate(fault, producer.buffer(), "discard");
        }
    }

    @Override
    public MemorySegment buffer() {
        return producer.buffer();
    }

    @Override
    public void wakeUp() {
        producer.wakeUp();
    }

    @Override
    public RingType type() {
        return RingType.USER_RINGBUF;
    }

    @Override
    public long size() {
        return producer.size();
    }

    @Override
    public long consumerPosition() {
        return producer.consumerPosition();
    }

    @Override
    public long producerPosition() {
        return producer.producerPosition();
    }

    @Override
    public long availableBytes() {
        return producer.size() - producer.freeBytes();
    }

    @Override
    public long drops() {
        return drops.getAsLong();
    }

    @Override
    public RingStatistics statistics() {
        long cons = producer.consumerPosition();
        return statistics.snapshot(producer.size(), cons, producer.producerPosition(), drops());
    }

    @Override
    public String toString() {
        return "RingWriter[USER_RINGBUF, " + producer.size() + " bytes, single producer]";
    }
}
