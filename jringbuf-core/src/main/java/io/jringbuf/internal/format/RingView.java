/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.format;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The memory of one ring as the roles see it: the consumer-position word, the producer-position
 * word (with {@code pending_pos} beside it when the producer page is writable), the data area
 * mapped twice back to back, and the mask. The roles do not care where the memory comes from:
 * a kernel map's mmap, a shared file, or anonymous memory.
 *
 * <p>Read-only segments are fine where a role only reads (a kernel RINGBUF's producer page and
 * data for the consumer); a role that must write a read-only segment fails with the FFM's
 * {@code IllegalArgumentException}, never with a crash.
 *
 * @param consumerPage at least 8 bytes, 8-aligned: {@code consumer_pos} at offset 0
 * @param producerPage at least 8 bytes, 8-aligned: {@code producer_pos} at offset 0 (and
 *                     {@code pending_pos} at 8 when at least 16 bytes)
 * @param data exactly {@code 2 * size} bytes whose second half maps the same memory as the first
 * @param size the data area size: a power of two, at least 8
 */
public record RingView(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data, long size) {

    /**
     * Checks the shape of the view.
     *
     * @throws ErrnoException EINVAL if a segment is too small or misaligned, or the size is not a
     *                        power of two
     */
    public RingView {
        Objects.requireNonNull(consumerPage, "consumerPage");
        Objects.requireNonNull(producerPage, "producerPage");
        Objects.requireNonNull(data, "data");
        if (size < 8 || Long.bitCount(size) != 1) {
            throw new ErrnoException(Errno.EINVAL, "ring view: size " + size + " is not a power of two >= 8");
        }
        if (data.byteSize() != 2 * size) {
            throw new ErrnoException(Errno.EINVAL, "ring view: data segment is " + data.byteSize()
                    + " bytes, expected 2 x " + size + " (the data area mapped twice)");
        }
        if (consumerPage.byteSize() < 8 || producerPage.byteSize() < 8) {
            throw new ErrnoException(Errno.EINVAL, "ring view: position pages must hold at least 8 bytes");
        }
        if ((consumerPage.address() & 7) != 0 || (producerPage.address() & 7) != 0 || (data.address() & 7) != 0) {
            throw new ErrnoException(Errno.EINVAL, "ring view: segments must be 8-byte aligned");
        }
    }

    /** {@return {@code size - 1}} */
    public long mask() {
        return size - 1;
    }
}
