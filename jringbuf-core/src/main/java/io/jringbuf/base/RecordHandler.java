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
 * handed back to producers right after it returns (unless the reader commits explicitly). Copy
 * what you keep.
 *
 * <p>No object is created per record. The same {@code buffer} instance is passed every time.
 *
 * <pre>{@code
 * RecordHandler handler = (buffer, offset, length) -> {
 *     long pid = buffer.get(ValueLayout.JAVA_LONG, offset);
 *     return pid == 0 ? RecordHandler.STOP : RecordHandler.CONTINUE;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface RecordHandler {
    /** {@link #onRecord} result: deliver the next record too. */
    boolean CONTINUE = true;
    /** {@link #onRecord} result: stop after this record (it counts as delivered and consumed). */
    boolean STOP = false;

    /**
     * Handles one record.
     *
     * @param buffer the ring's data area (both copies); read the payload from it
     * @param offset where the payload starts in {@code buffer} (8-byte aligned)
     * @param length payload bytes
     * @return {@link #CONTINUE} to go on, {@link #STOP} to stop after this record (the record
     *         counts as consumed and delivered). Throwing also stops: the record counts as
     *         consumed and the exception propagates to the caller of {@code consume}/{@code poll}.
     */
    boolean onRecord(MemorySegment buffer, long offset, int length);

    /**
     * A convenience that copies every payload into a new array (one allocation per record).
     *
     * @param sink receives the copies
     * @return a handler that always continues
     */
    static RecordHandler copying(Consumer<byte[]> sink) {
        Objects.requireNonNull(sink, "sink");
        return (buffer, offset, length) -> {
            sink.accept(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
            return CONTINUE;
        };
    }
}
