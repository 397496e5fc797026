/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.RingType;
import io.jringbuf.internal.protocol.Producer;
import io.jringbuf.internal.wait.Blocking;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * The {@link RingWriter} of a JVM RINGBUF: the multi-producer {@link Producer} role, which does
 * what the kernel does for BPF programs (a short reservation lock, {@code pending_pos}, adaptive
 * wakeups). Thread-safe, and safe across processes sharing the ring file.
 */
final class ProducerWriter implements RingWriter {
    private final Producer producer;
    private final WriterStatistics statistics;
    /** What the JFR statistics event asks (held here: the registry holds it weakly). */
    private final java.util.function.Supplier<RingStatistics> statisticsSource = this::statistics;

    ProducerWriter(Producer producer, String ring) {
        this.producer = producer;
        this.statistics = new WriterStatistics(ring, RingType.RINGBUF, producer.producerPosition());
        RingEvents.register(statisticsSource);
    }

    /** {@return the role underneath} */
    Producer producer() {
        return producer;
    }

    @Override
    public long reserve(int length) {
        try { // the whole call: see ConsumerReader.poll
            long offset = producer.reserve(length);
            if (offset < 0) {
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
    public boolean output(byte[] payload, int flags) {
        try {
            return producer.output(payload, flags);
        } catch (InternalError fault) {
            throw MappedFaults.translate(fault, producer.buffer(), "output");
        }
    }

    @Override
    public boolean output(MemorySegment source, long sourceOffset, int length, int flags) {
        try {
            return producer.output(source, sourceOffset, length, flags);
        } catch (InternalError fault) {
            throw MappedFaults.translate(fault, producer.buffer(), "output");
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
        return RingType.RINGBUF;
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
        long cons = producer.consumerPosition();
        return producer.producerPosition() - cons;
    }

    @Override
    public long drops() {
        return producer.drops();
    }

    @Override
    public RingStatistics statistics() {
        long cons = producer.consumerPosition();
        return statistics.snapshot(producer.size(), cons, producer.producerPosition(), producer.drops());
    }

    @Override
    public String toString() {
        return "RingWriter[RINGBUF, " + producer.size() + " bytes, multi-producer]";
    }
}
