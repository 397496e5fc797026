/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.protocol.Drainer;
import io.jringbuf.internal.wait.Blocking;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@link RingReader} of a JVM USER_RINGBUF: the {@link Drainer} role, which does what the
 * kernel's {@code bpf_user_ringbuf_drain} does (the ring's busy flag for the whole drain, a
 * {@code consumer_pos} store per sample, at most one wakeup of blocked producers per drain).
 */
final class DrainerReader implements RingReader {
    private final Drainer drainer;

    DrainerReader(Drainer drainer) {
        this.drainer = drainer;
    }

    /** {@return the role underneath} */
    Drainer drainer() {
        return drainer;
    }

    @Override
    public int consume(RecordHandler handler) {
        return drainer.drain(handler, Integer.MAX_VALUE, 0);
    }

    @Override
    public int consume(RecordHandler handler, int maxRecords) {
        return drainer.drain(handler, maxRecords, 0);
    }

    @Override
    public int poll(RecordHandler handler) {
        return drainer.poll(handler, Integer.MAX_VALUE, 0, Blocking.FOREVER);
    }

    @Override
    public int poll(RecordHandler handler, Duration timeout) {
        return drainer.poll(handler, Integer.MAX_VALUE, 0, Blocking.toNanos(timeout));
    }

    @Override
    public int poll(RecordHandler handler, int maxRecords, Duration timeout) {
        Objects.requireNonNull(handler, "handler");
        if (maxRecords <= 0) {
            return 0;
        }
        return drainer.poll(handler, maxRecords, 0, Blocking.toNanos(timeout));
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
    public String toString() {
        return "RingReader[USER_RINGBUF, " + drainer.size() + " bytes, drainer]";
    }
}
