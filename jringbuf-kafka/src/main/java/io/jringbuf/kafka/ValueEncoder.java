/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.bpf.BtfLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns one ring record into a Kafka record value. The record is the ring's memory: an encoder
 * reads it during the call and returns bytes of its own (Kafka keeps the value until the broker
 * acknowledged it). Called on the shipping thread only, one record at a time.
 */
@FunctionalInterface
public interface ValueEncoder {
    /** The record's bytes, as they are in the ring (the default). */
    ValueEncoder RAW = (buffer, offset, length) -> {
        byte[] value = new byte[length];
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, offset, value, 0, length);
        return value;
    };

    /**
     * Encodes one record.
     *
     * @param buffer the ring's memory
     * @param offset the record's payload offset in it
     * @param length the payload's length
     * @return the value's bytes
     * @throws IllegalArgumentException if the record cannot be encoded (the shipper then fails
     *                                  that record and stops, the ring committed before it)
     */
    byte[] encode(MemorySegment buffer, long offset, int length);

    /**
     * One JSON object per record, decoded by the record's BTF struct (UTF-8; see
     * {@link BtfLayout#appendJson}). A record shorter than the struct is refused rather than
     * shipped with members left out.
     *
     * @param layout the records' struct, from the BPF object's BTF
     * @return the encoder (one per shipper: it reuses a text buffer)
     */
    static ValueEncoder json(BtfLayout layout) {
        Objects.requireNonNull(layout, "layout");
        StringBuilder text = new StringBuilder(512);
        return (buffer, offset, length) -> {
            if (length < layout.size()) {
                throw new IllegalArgumentException("the record is " + length + " bytes, shorter than struct "
                        + layout.name() + " (" + layout.size() + " bytes)");
            }
            text.setLength(0);
            layout.appendJson(buffer, offset, length, text);
            return text.toString().getBytes(StandardCharsets.UTF_8);
        };
    }
}
