/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.protocol.Drainer;
import io.jringbuf.internal.protocol.RingControl;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.wait.Waiter;
import io.jringbuf.internal.wait.Blocking;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The {@link RingReader} of a JVM USER_RINGBUF: the {@link Drainer} role, which does what the
 * kernel's {@code bpf_user_ringbuf_drain} does (the ring's busy flag for the whole drain, a
 * {@code consumer_pos} store per sample, at most one wakeup of blocked producers per drain).
 */
final class DrainerReader implements RingReader {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private final Drainer drainer;
    private final ReaderCounters counters;
    /** What the JFR statistics event asks (held here: the registry holds it weakly). */
    private final java.util.function.Supplier<RingStatistics> statisticsSource = this::statistics;

    /**
     * @param ring a name for the ring, for statistics
     * @param lost the ring's drop count
     */
    DrainerReader(RingView view, RingControl control, Notifier spaceNotifier, Waiter dataWaiter, String ring,
                  LongSupplier lost) {
        // Acquire: pairs with the release store of whichever drainer published it last.
        long start = (long) LONG.getAcquire(view.consumerPage(), 0L);
        this.counters = new ReaderCounters(ring, RingType.USER_RINGBUF, start, lost);
        this.drainer = new Drainer(view, control, spaceNotifier, counters.counting(dataWaiter));
        RingEvents.register(statisticsSource);
    }

    /** {@return the role underneath} */
    Drainer drainer() {
        return drainer;
    }

    @Override
    public int consume(RecordHandler handler) {
        return consume(handler, Integer.MAX_VALUE);
    }

    @Override
    public int consume(RecordHandler handler, int maxRecords) {
        try {
            counters.called(drainer.availableBytes("drain"));
            return counters.delivered(drainer.drain(handler, maxRecords, 0));
        } catch (InternalError fault) {
            throw MappedFaults.translate(fault, drainer.buffer(), "drain");
        }
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
        if (maxRecords <= 0) {
            return 0;
        }
        try { // the whole call: see ConsumerReader.poll
            counters.called(drainer.availableBytes("drain"));
            RingEvents.PollEvent event = new RingEvents.PollEvent();
            event.begin();
            int n = drainer.poll(handler, maxRecords, 0, nanos);
            RingEvents.pollEnded(event, counters.ring(), n);
            return counters.delivered(n);
        } catch (InternalError fault) {
            throw MappedFaults.translate(fault, drainer.buffer(), "drain");
        }
    }

    @Override
    public void wakeUp() {
        drainer.wakeUp();
    }

    @Override
    public CommitMode commitMode() {
        return CommitMode.PER_RECORD;
    }

    @Override
    public long readPosition() {
        return drainer.consumerPosition();
    }

    @Override
    public void commit(long position) {
        commitNothing(this, position);
    }

    /**
     * {@link RingReader#commit(long)} of a reader whose records are committed as they are
     * delivered: the consumer position commits nothing, anything else is out of range.
     */
    static void commitNothing(RingReader reader, long position) {
        long cons = reader.consumerPosition();
        if (position != cons) {
            throw new ErrnoException(Errno.EINVAL, "commit: position " + position + " is not between consumer_pos "
                    + cons + " and the read position " + cons + " (a " + reader.commitMode()
                    + " reader commits as it reads)");
        }
    }

    @Override
    public RingType type() {
        return RingType.USER_RINGBUF;
    }

    @Override
    public long size() {
        return drainer.size();
    }

    @Override
    public long consumerPosition() {
        return drainer.consumerPosition();
    }

    @Override
    public long producerPosition() {
        return drainer.producerPosition();
    }

    @Override
    public long availableBytes() {
        return drainer.availableBytes();
    }

    @Override
    public RingStatistics statistics() {
        long cons = drainer.consumerPosition();
        return counters.snapshot(drainer.size(), cons, drainer.producerPosition());
    }

    @Override
    public String toString() {
        return "RingReader[USER_RINGBUF, " + drainer.size() + " bytes, drainer]";
    }
}
