/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.RecordHandler;

/** The consuming side of a {@link Target}, as {@code cat} uses it. */
public interface RecordSource {

    /**
     * Waits up to {@code timeoutNanos} for records, then hands every available one to the
     * handler in ring order (discarded records skipped) until it returns false.
     *
     * @param handler receives the records, zero-copy
     * @param timeoutNanos how long to wait for the first record
     * @return records delivered; 0 on timeout or after {@link #wakeUp()}
     */
    int poll(RecordHandler handler, long timeoutNanos);

    /** Makes a blocked {@link #poll} return promptly (from another thread, e.g. a signal hook). */
    void wakeUp();

    /** @return unconsumed bytes, a racy snapshot for progress reports */
    long backlogBytes();
}
