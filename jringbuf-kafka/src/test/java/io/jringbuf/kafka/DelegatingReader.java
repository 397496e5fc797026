/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.CommitMode;
import io.jringbuf.RingReader;
import io.jringbuf.RingStatistics;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;

import java.time.Duration;

/** A {@link RingReader} that passes every call to another, for tests that watch what the shipper does with its reader. */
class DelegatingReader implements RingReader {
    private final RingReader target;

    DelegatingReader(RingReader target) {
        this.target = target;
    }

    @Override
    public int consume(RecordHandler handler) {
        return target.consume(handler);
    }

    @Override
    public int consume(RecordHandler handler, int maxRecords) {
        return target.consume(handler, maxRecords);
    }

    @Override
    public int poll(RecordHandler handler) {
        return target.poll(handler);
    }

    @Override
    public int poll(RecordHandler handler, Duration timeout) {
        return target.poll(handler, timeout);
    }

    @Override
    public int poll(RecordHandler handler, int maxRecords, Duration timeout) {
        return target.poll(handler, maxRecords, timeout);
    }

    @Override
    public void wakeUp() {
        target.wakeUp();
    }

    @Override
    public CommitMode commitMode() {
        return target.commitMode();
    }

    @Override
    public long readPosition() {
        return target.readPosition();
    }

    @Override
    public void commit(long position) {
        target.commit(position);
    }

    @Override
    public RingType type() {
        return target.type();
    }

    @Override
    public long size() {
        return target.size();
    }

    @Override
    public long consumerPosition() {
        return target.consumerPosition();
    }

    @Override
    public long producerPosition() {
        return target.producerPosition();
    }

    @Override
    public long availableBytes() {
        return target.availableBytes();
    }

    @Override
    public RingStatistics statistics() {
        return target.statistics();
    }
}
