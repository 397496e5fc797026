/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.RingPeeker;

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
     * @param printer prints the records (hex, JSON or nothing) and stops at its limit
     * @param format {@code none} adds a summary line on stderr
     */
    static int run(CliIo io, Target target, RecordPrinter printer, RecordPrinter.Format format) {
        try (RingPeeker peeker = target instanceof KernelTarget k ? RingPeeker.open(k.map())
                : ((FileTarget) target).ring().peeker()) {
            peeker.peek(printer, position -> io.err().println("jringbuf cat: record at position " + position
                    + " was consumed while being read; skipped"));
        } finally {
            printer.flush();
            io.err().flush();
        }
        if (format == RecordPrinter.Format.none) {
            io.err().printf("cat: %d records, %d bytes (peeked, not consumed)%n", printer.records, printer.bytes);
            io.err().flush();
        }
        return 0;
    }
}
