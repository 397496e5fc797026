/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.RecordHandler;
import io.jringbuf.bpf.BtfLayout;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Prints each record into reused arrays and a buffered stdout: {@code hex} (one line of lowercase
 * hex), {@code json} (one object per line, decoded by a {@link BtfLayout}) or {@code none} (only
 * counted). Stops the consumer once {@code limit} records are printed.
 */
final class RecordPrinter implements RecordHandler {
    /** How records are printed. */
    enum Format { hex, json, none }

    private final OutputStream out;
    private final Format format;
    private final BtfLayout layout;
    private final long limit;
    private byte[] raw = new byte[256];
    private byte[] line = new byte[513];
    private final StringBuilder json = new StringBuilder(512);
    long records;
    long bytes;

    /**
     * @param out the buffered stdout
     * @param format the format
     * @param layout the records' struct, for {@code json}
     * @param limit records to print at most
     */
    RecordPrinter(OutputStream out, Format format, BtfLayout layout, long limit) {
        if (format == Format.json && layout == null) {
            throw new IllegalArgumentException("json needs a layout");
        }
        this.out = out;
        this.format = format;
        this.layout = layout;
        this.limit = limit;
    }

    @Override
    public boolean onRecord(MemorySegment buffer, long offset, int length) {
        switch (format) {
            case hex -> hex(buffer, offset, length);
            case json -> json(buffer, offset, length);
            case none -> {
            }
        }
        records++;
        bytes += length;
        return records < limit;
    }

    private void hex(MemorySegment buffer, long offset, int length) {
        if (raw.length < length) {
            // Grows to the largest record seen (at most the ring size), then stays.
            raw = new byte[Math.max(length, raw.length * 2)];
            line = new byte[2 * raw.length + 1];
        }
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, offset, raw, 0, length);
        Hex.encode(raw, length, line);
        line[2 * length] = '\n';
        write(line, 2 * length + 1);
    }

    private void json(MemorySegment buffer, long offset, int length) {
        json.setLength(0);
        layout.appendJson(buffer, offset, length, json).append('\n');
        int n = json.length();
        if (line.length < 4 * n) {
            line = new byte[Math.max(4 * n, 2 * line.length)];
        }
        // UTF-8 by hand: no String, no encoder object per record.
        int at = 0;
        for (int i = 0; i < n; i++) {
            char c = json.charAt(i);
            if (c < 0x80) {
                line[at++] = (byte) c;
            } else if (c < 0x800) {
                line[at++] = (byte) (0xc0 | c >> 6);
                line[at++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(json.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, json.charAt(++i));
                line[at++] = (byte) (0xf0 | cp >> 18);
                line[at++] = (byte) (0x80 | cp >> 12 & 0x3f);
                line[at++] = (byte) (0x80 | cp >> 6 & 0x3f);
                line[at++] = (byte) (0x80 | cp & 0x3f);
            } else {
                line[at++] = (byte) (0xe0 | c >> 12);
                line[at++] = (byte) (0x80 | c >> 6 & 0x3f);
                line[at++] = (byte) (0x80 | c & 0x3f);
            }
        }
        write(line, at);
    }

    private void write(byte[] b, int n) {
        try {
            out.write(b, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("write to stdout", e);
        }
    }

    void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("write to stdout", e);
        }
    }
}
