/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.base.RecordHandler;

import java.time.Duration;

/**
 * The consumer side of a RINGBUF-format ring in explicit-commit mode: records are read ahead of
 * {@code consumer_pos}, which moves only when the caller {@link #commit commits} a position it
 * has read. Until then the ring keeps the records (producers cannot overwrite them), so a reader
 * that dies resumes, in its next life, at the last committed position.
 *
 * <p>This is the shipper's view of the core's explicit-commit {@code RingReader}, kept to the
 * calls the shipper needs so that the adapter to the core's class stays one small file. Records
 * are delivered in ring order, zero-copy; DISCARD records are skipped (the read position moves
 * past them); a BUSY record ends the call.
 *
 * <p>One thread at a time (the protocol has one consumer).
 */
public interface ExplicitCommitReader {

    /**
     * Delivers up to {@code max} committed records without waiting.
     *
     * @param handler receives each record; the bytes stay valid until a commit past them
     * @param max the most records to deliver; {@code <= 0} delivers none
     * @return records delivered
     */
    int consume(RecordHandler handler, int max);

    /**
     * Delivers up to {@code max} records, waiting up to {@code timeout} for the first one.
     *
     * @param handler receives each record
     * @param max the most records to deliver
     * @param timeout the longest wait for a first record
     * @return records delivered (0 on timeout)
     */
    int poll(RecordHandler handler, int max, Duration timeout);

    /**
     * The ring position just past the last record read (or skipped). Inside a handler: just past
     * the record being delivered.
     *
     * @return a ring position (bytes since the ring's start, 8-aligned)
     */
    long readPosition();

    /**
     * Publishes {@code consumer_pos = position}, handing the ring space before it back to the
     * producers, with the missed-wakeup fence after the store.
     *
     * @param position a position already read: between the last commit and {@link #readPosition()}
     */
    void commit(long position);
}
