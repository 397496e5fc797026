/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.time.Duration;

/** The producing side of a {@link Target}, as {@code send} uses it. */
public interface RecordSink {

    /**
     * Writes and commits one record, waiting for space if the ring is full.
     *
     * @param payload the bytes
     * @param length how many bytes of {@code payload}
     * @param timeout how long to wait for space; null waits forever
     * @return true if committed, false if the timeout passed first
     * @throws io.jringbuf.base.ErrnoException E2BIG if the record can never fit in the ring
     */
    boolean write(byte[] payload, int length, Duration timeout);

    /** @return the ring's data size: no record longer than this can ever fit */
    long ringSize();
}
