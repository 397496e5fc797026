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

    /**
     * Why records may be stuck, for a timeout message: who is still writing the record at the
     * head (a BUSY record of a JVM ring file: the process, and whether it is alive and stopped).
     *
     * @return a clause such as {@code "the record at the head is still being written by process
     *         42 (alive, stopped by a signal: SIGCONT resumes it)"}, or null
     */
    default String stuckAt() {
        return null;
    }
}
