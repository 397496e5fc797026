/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.internal.memory.KernelRingMemory;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.base.RecordHandler;

/**
 * One kernel RINGBUF inside a {@link RingBuffer}: libbpf's {@code struct ring} and its
 * {@code ring__} functions. Consuming through it uses the handler it was added with. Obtained
 * from {@link RingBuffer#ring(int)}; stays valid (the same object) when more rings are added,
 * until the manager is closed.
 */
public final class Ring {
    private final KernelRingMemory memory;
    private final Consumer consumer;
    private final RecordHandler handler;

    Ring(KernelRingMemory memory, Consumer consumer, RecordHandler handler) {
        this.memory = memory;
        this.consumer = consumer;
        this.handler = handler;
    }

    /**
     * @return {@code consumer_pos} ({@code ring__consumer_pos}); after a busy poll
     *         ({@link RingBuffer.Options#busyPoll}) it may trail by the last record passed
     *         (delivered or discarded) until the next sleep, {@code consume} or {@code close}
     */
    public long consumerPosition() {
        return consumer.consumerPosition();
    }

    /** @return {@code producer_pos} ({@code ring__producer_pos}) */
    public long producerPosition() {
        return consumer.producerPosition();
    }

    /**
     * @return unconsumed bytes, BUSY and discarded records included, and a record held back by a
     *         busy poll: a racy snapshot ({@code ring__avail_data_size})
     */
    public long availableBytes() {
        return consumer.availableBytes();
    }

    /** @return the data area size, {@code max_entries} ({@code ring__size}) */
    public long size() {
        return consumer.size();
    }

    /** @return the map fd ({@code ring__map_fd}); owned by the caller who added it */
    public int mapFd() {
        return memory.mapFd();
    }

    /**
     * Consumes every committed record with this ring's handler, without waiting
     * ({@code ring__consume}).
     *
     * @return records delivered (discarded ones not counted)
     */
    public int consume() {
        return consumer.consume(handler);
    }

    /**
     * Consumes at most {@code n} records ({@code ring__consume_n}); {@code n <= 0} delivers none.
     *
     * @return records delivered
     */
    public int consume(int n) {
        return consumer.consume(handler, n);
    }

    /** @return the protocol role underneath, for use with another handler */
    public Consumer consumer() {
        return consumer;
    }

    /** One holding pass ({@link Consumer#consumeHolding}) with this ring's handler, for a busy poll. */
    int consumeHolding(int n) {
        return consumer.consumeHolding(handler, n);
    }

    /**
     * Unmaps the ring.
     *
     * @param settle store a held consumer position first (nobody is consuming)
     */
    void close(boolean settle) {
        try {
            if (settle) {
                consumer.settle();
            }
        } finally {
            memory.close();
        }
    }
}
