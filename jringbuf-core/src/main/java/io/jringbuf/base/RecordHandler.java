/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.base;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Receives records zero-copy: the payload is {@code length} bytes of {@code buffer} starting at
 * {@code offset}, inside the ring itself. The bytes are valid only during the call: the space is
 * handed back to producers right after it returns. Copy what you keep.
 *
 * <p>No object is created per record. The same {@code buffer} instance is passed every time.
 */
@FunctionalInterface
public interface RecordHandler {

    /**
     * Handles one record.
     *
     * @param buffer the ring's data area (both copies); read the payload from it
     * @param offset where the payload starts in {@code buffer} (8-byte aligned)
     * @param length payload bytes
     * @return true to go on, false to stop after this record (the record counts as consumed and
     *         delivered). Throwing also stops: the record counts as consumed and the exception
     *         propagates to the caller of {@code consume}/{@code poll}/{@code drain}.
     */
    boolean onRecord(MemorySegment buffer, long offset, int length);

    /**
     * A convenience that copies every payload into a new array (one allocation per record).
     *
     * @param sink receives the copies
     * @return a handler that always goes on
     */
    static RecordHandler copying(Consumer<byte[]> sink) {
        Objects.requireNonNull(sink, "sink");
        return (buffer, offset, length) -> {
            sink.accept(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
            return true;
        };
    }
}
