/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.wait.Blocking;
import io.jringbuf.internal.wait.Waiter;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@link RingReader} of a RINGBUF, kernel map or JVM ring: the {@link Consumer} role in the
 * commit mode chosen once, and a waiter made on first use (a kernel ring's own epoll set is only
 * opened if someone polls this ring directly rather than through its {@link RingBuffer}).
 */
final class ConsumerReader implements RingReader {
    private final Consumer consumer;
    private final CommitMode mode;
    private final Supplier<Waiter> waiterFactory;
    private final ReaderCounters counters;
    /** Made by {@link #waiter()} on first use; closed by {@link #closeWaiter()} if closeable. */
    private volatile Waiter waiter;
    /** {@link #waiter} as the polls use it: counting the waits a wakeup ended. */
    private volatile Waiter countedWaiter;
    /** What the JFR statistics event asks (held here: the registry holds it weakly). */
    private final Supplier<RingStatistics> statisticsSource = this::statistics;

    /**
     * @param ring a name for the ring, for statistics
     * @param lost the ring's lost count (-1 if unknown)
     */
    ConsumerReader(Consumer consumer, CommitMode mode, Supplier<Waiter> waiterFactory, String ring, LongSupplier lost) {
        this.consumer = consumer;
        this.mode = Objects.requireNonNull(mode, "mode");
        if (mode == CommitMode.EXPLICIT && consumer.isOverwrite()) {
            throw new IllegalArgumentException("an overwrite ring (BPF_F_RB_OVERWRITE) is read with PER_RECORD or BATCH"
                    + " commit: its producers do not wait for the reader, so explicit commit protects nothing");
        }
        this.waiterFactory = waiterFactory;
        this.counters = new ReaderCounters(ring, RingType.RINGBUF, consumer.consumerPosition(), lost);
        RingEvents.register(statisticsSource);
    }

    /** {@return the role underneath (for the {@link RingBuffer} manager)} */
    Consumer consumer() {
        return consumer;
    }

    @Override
    public int consume(RecordHandler handler) {
        return consume(handler, Integer.MAX_VALUE);
    }

    @Override
    public int consume(RecordHandler handler, int maxRecords) {
        try {
            counters.called(consumer.availableBytes("consume"));
            return counters.delivered(mode == CommitMode.EXPLICIT ? consumer.read(handler, maxRecords)
                    : consumer.consume(handler, maxRecords));
        } catch (InternalError fault) {
            throw MappedFaults.translate(fault, consumer.buffer(), "consume");
        }
    }

    /**
     * A busy poll's look ({@link Consumer#consumeHolding}; explicit readers read): counted only
     * when it delivered, so that the looks of an idle spin do not count as calls.
     */
    int consumeHolding(RecordHandler handler, int maxRecords) {
        int n;
        try {
            n = mode == CommitMode.EXPLICIT ? consumer.read(handler, maxRecords)
                    : consumer.consumeHolding(handler, maxRecords);
        } catch (InternalError fault) {
            throw MappedFaults.translate(fault, consumer.buffer(), "consume");
        }
        if (n > 0) {
            counters.called(0);
            counters.delivered(n);
        }
        return n;
    }

    /** A wait of the ring's manager that this ring's readiness ended. */
    void countWakeup() {
        counters.wakeups++;
    }

    @Override
    public int poll(RecordHandler handler) {
        return poll(handler, Integer.MAX_VALUE, Blocking.FOREVER);
    }

    @Override
    public int poll(RecordHandler handler, Duration timeout) {
        return poll(handler, Integer.MAX_VALUE, Blocking.toNanos(timeout));
    }

    @Override
    public int poll(RecordHandler handler, int maxRecords, Duration timeout) {
        return poll(handler, maxRecords, Blocking.toNanos(timeout));
    }

    private int poll(RecordHandler handler, int maxRecords, long nanos) {
        Objects.requireNonNull(handler, "handler");
        // The whole call inside the net: the JVM may report a fault of the ring's memory at the
        // next safepoint poll after the access, outside the role's own handler.
        try {
            counters.called(consumer.availableBytes("poll"));
            waiter();
            Waiter w = countedWaiter;
            RingEvents.PollEvent event = new RingEvents.PollEvent();
            event.begin();
            int n = mode == CommitMode.EXPLICIT
                    ? consumer.pollReading(handler, maxRecords, nanos, w)
                    : consumer.poll(handler, maxRecords, nanos, w);
            RingEvents.pollEnded(event, counters.ring(), n);
            return counters.delivered(n);
        } catch (InternalError fault) {
            throw MappedFaults.translate(fault, consumer.buffer(), "poll");
        }
    }

    @Override
    public void wakeUp() {
        waiter().interrupt();
    }

    @Override
    public CommitMode commitMode() {
        return mode;
    }

    @Override
    public long readPosition() {
        return consumer.readPosition();
    }

    @Override
    public void commit(long position) {
        consumer.commit(position);
    }

    @Override
    public RingType type() {
        return RingType.RINGBUF;
    }

    @Override
    public long size() {
        return consumer.size();
    }

    @Override
    public long consumerPosition() {
        return consumer.consumerPosition();
    }

    @Override
    public long producerPosition() {
        return consumer.producerPosition();
    }

    @Override
    public long availableBytes() {
        return consumer.availableBytes();
    }

    @Override
    public RingStatistics statistics() {
        long cons = consumer.consumerPosition();
        if (consumer.isOverwrite()) {
            long backlog = consumer.availableBytes();
            return counters.snapshot(consumer.size(), cons, consumer.producerPosition(), backlog);
        }
        return counters.snapshot(consumer.size(), cons, consumer.producerPosition());
    }

    private Waiter waiter() {
        Waiter w = waiter;
        if (w == null) {
            synchronized (this) {
                w = waiter;
                if (w == null) {
                    w = waiterFactory.get();
                    countedWaiter = counters.counting(w);
                    waiter = w;
                }
            }
        }
        return w;
    }

    /** Wakes a poll blocked in this reader's waiter, if one was ever made (for closing). */
    void interruptWaiter() {
        Waiter w = waiter;
        if (w != null) {
            w.interrupt();
        }
    }

    /** Closes the waiter if one was made and it holds a resource (a kernel ring's epoll set). */
    synchronized void closeWaiter() {
        Waiter w = waiter;
        if (w instanceof AutoCloseable closeable) {
            w.interrupt();
            try {
                closeable.close();
            } catch (Exception e) {
                throw new ErrnoException(Errno.EIO, "close the ring's wait set", e);
            }
        }
    }

    @Override
    public String toString() {
        return "RingReader[RINGBUF, " + consumer.size() + " bytes, " + mode + "]";
    }
}
