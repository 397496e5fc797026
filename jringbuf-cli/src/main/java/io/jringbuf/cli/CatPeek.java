/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.RingPeeker;
import io.jringbuf.base.RecordHandler;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;

/**
 * {@code cat --peek}: prints the records between {@code consumer_pos} and {@code producer_pos} as
 * they are now, once, without consuming them or taking the reading side ({@link RingPeeker}), so
 * it works while another process consumes the ring. A record that the reader consumed while it
 * was being copied is reported on stderr instead of being printed torn.
 */
final class CatPeek {
    private CatPeek() {
    }

    /**
     * @param limit at most this many records
     * @param hex print each record as a line of hex (else only the summary on stderr)
     */
    static int run(CliIo io, Target target, long limit, boolean hex) {
        OutputStream out = new BufferedOutputStream(io.out(), 1 << 16);
        long[] printed = {0, 0}; // records, bytes
        byte[][] buffers = {new byte[256], new byte[513]};
        try (RingPeeker peeker = target instanceof KernelTarget k ? RingPeeker.open(k.map())
                : ((FileTarget) target).ring().peeker()) {
            peeker.peek((buffer, offset, length) -> {
                if (hex) {
                    if (buffers[0].length < length) {
                        buffers[0] = new byte[Math.max(length, buffers[0].length * 2)];
                        buffers[1] = new byte[2 * buffers[0].length + 1];
                    }
                    byte[] raw = buffers[0];
                    byte[] line = buffers[1];
                    java.lang.foreign.MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, offset, raw, 0, length);
                    Hex.encode(raw, length, line);
                    line[2 * length] = '\n';
                    try {
                        out.write(line, 0, 2 * length + 1);
                    } catch (IOException e) {
                        throw new UncheckedIOException("write to stdout", e);
                    }
                }
                printed[0]++;
                printed[1] += length;
                return printed[0] < limit ? RecordHandler.CONTINUE : RecordHandler.STOP;
            }, position -> io.err().println("jringbuf cat: record at position " + position
                    + " was consumed while being read; skipped"));
        } finally {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("write to stdout", e);
            }
            io.err().flush();
        }
        if (!hex) {
            io.err().printf("cat: %d records, %d bytes (peeked, not consumed)%n", printed[0], printed[1]);
            io.err().flush();
        }
        return 0;
    }
}
