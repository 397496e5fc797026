/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.RingReader;
import io.jringbuf.base.RecordHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code jringbuf cat}: consume records and print each payload as a line of hex. */
@Command(name = "cat", mixinStandardHelpOptions = true,
        description = {"Consume records and print each payload as one line of lowercase hex, in ring order "
                + "(discarded records are not printed).",
                "RINGBUF rings are read by the consumer, USER_RINGBUF rings by the drainer. Without --count, runs "
                        + "until SIGINT/SIGTERM (output flushed, exit 0) or until --timeout passes (exit 0).",
                "Consuming a kernel RINGBUF that other processes hold open prints a warning naming them (two "
                        + "consumers split the records). --peek prints the unconsumed records without taking them."})
final class CatCommand implements Callable<Integer> {
    /** Upper bound of one wait, so that a stop request is seen even if a wakeup were missed. */
    private static final long SLICE_NANOS = 250_000_000L;

    enum Format { hex, none }

    private final CliIo io;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Option(names = "--count", paramLabel = "N", description = "Exit 0 after N records; exit 1 if --timeout passes first.")
    Long count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Give up after DURATION (e.g. 500ms, 10s, 2m; 0ms: print what is there now). "
                    + "Default: wait forever.")
    Duration timeout;

    @Option(names = "--peek", description = "Read-only: print the records between consumer_pos and producer_pos "
            + "now, once, without consuming them or taking the reading side (works while another process consumes); "
            + "a record consumed while being read is reported on stderr and skipped, never printed torn.")
    boolean peek;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "hex",
            description = "hex (default): one line per record; none: only a summary on stderr.")
    Format format;

    CatCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (count != null && count <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1, not " + count);
        }
        long limit = count == null ? Long.MAX_VALUE : count;
        if (peek) {
            if (timeout != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--peek prints what is in the ring now and exits: --timeout does not apply");
            }
            try (Target t = target.open()) {
                return CatPeek.run(io, t, limit, format == Format.hex);
            }
        }
        Printer printer = new Printer(new BufferedOutputStream(io.out(), 1 << 16), format == Format.hex, limit);
        Progress progress = new Progress(io, format == Format.none, "cat");
        String stuck = null;
        try (Target t = target.open()) {
            MapHolders.warnIfShared(io, "jringbuf cat", t);
            RingReader source = t.openReader();
            // The clock starts once the ring is open: JVM start-up and mapping do not count.
            long start = System.nanoTime();
            long deadline = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos();
            Signals.Stop stop = io.signals().register(source::wakeUp);
            try {
                boolean last = false;
                while (!last && printer.records < limit && !stop.requested()) {
                    long wait = SLICE_NANOS;
                    if (deadline != Long.MAX_VALUE) {
                        long left = deadline - System.nanoTime();
                        // Past the deadline: one last look without waiting, so that records already
                        // in the ring are printed (--timeout 0ms prints what is there and exits).
                        last = left <= 0;
                        wait = Math.min(Math.max(left, 0), SLICE_NANOS);
                    }
                    source.poll(printer, Duration.ofNanos(wait));
                    printer.flush();
                    progress.tick(printer.records, source.availableBytes());
                }
                if (count != null && printer.records < limit) {
                    stuck = t.stuckAt(); // for the timeout message below
                }
            } finally {
                try {
                    printer.flush();
                } finally {
                    progress.done();
                    if (format == Format.none) {
                        double seconds = (System.nanoTime() - start) / 1e9;
                        io.err().printf("cat: %d records, %d bytes, %.3f s, %.0f records/s%n", printer.records,
                                printer.bytes, seconds, printer.records / Math.max(seconds, 1e-9));
                        io.err().flush();
                    }
                    stop.finished();
                }
            }
        }
        if (count != null && printer.records < limit) {
            throw new CliException(CliException.RUNTIME, "timeout after " + Durations.format(timeout) + ": "
                    + printer.records + " of " + limit + " records received" + (stuck == null ? "" : "; " + stuck));
        }
        return 0;
    }

    /** Encodes each record into reused arrays and writes it to the buffered stdout. */
    private static final class Printer implements RecordHandler {
        private final OutputStream out;
        private final boolean hex;
        private final long limit;
        private byte[] raw = new byte[256];
        private byte[] line = new byte[513];
        long records;
        long bytes;

        Printer(OutputStream out, boolean hex, long limit) {
            this.out = out;
            this.hex = hex;
            this.limit = limit;
        }

        @Override
        public boolean onRecord(MemorySegment buffer, long offset, int length) {
            if (hex) {
                if (raw.length < length) {
                    // Grows to the largest record seen (at most the ring size), then stays.
                    raw = new byte[Math.max(length, raw.length * 2)];
                    line = new byte[2 * raw.length + 1];
                }
                MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, offset, raw, 0, length);
                Hex.encode(raw, length, line);
                line[2 * length] = '\n';
                try {
                    out.write(line, 0, 2 * length + 1);
                } catch (IOException e) {
                    throw new UncheckedIOException("write to stdout", e);
                }
            }
            records++;
            bytes += length;
            return records < limit;
        }

        void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("write to stdout", e);
            }
        }
    }
}
