/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.RingReader;

import java.time.Duration;

/**
 * The reading loop of {@code cat} and {@code run}: polls in slices until the count is reached, the
 * timeout passes or SIGINT/SIGTERM asks to stop, flushing after each poll; prints the summary for
 * {@code --format none}; a count not reached in time is a run-time failure.
 */
final class RecordLoop {
    private RecordLoop() {
    }

    /** Upper bound of one wait, so that a stop request is seen even if a wakeup were missed. */
    private static final long SLICE_NANOS = 250_000_000L;

    static void run(CliIo io, String command, RingReader source, RecordPrinter printer, RecordPrinter.Format format,
                    Long count, Duration timeout) {
        run(io, command, source, printer, format, count, timeout, io.signals().register(source::wakeUp), () -> { },
                () -> null);
    }

    /**
     * As {@link #run(CliIo, String, RingReader, RecordPrinter, RecordPrinter.Format, Long, Duration)},
     * with the caller's stop request (registered before the ring existed, so that a signal during
     * loading is not lost); {@code release} runs once the output is flushed and before a signal's
     * shutdown hook may halt the JVM (so that {@code run} closes its links, programs and maps
     * itself on SIGINT/SIGTERM too); {@code stuck} says, when the count was not reached, what
     * holds the ring up (a clause for the timeout message, or null). A stop request ends the loop
     * as its end does (summary, no timeout error), whether or not {@code count} was reached.
     */
    static void run(CliIo io, String command, RingReader source, RecordPrinter printer, RecordPrinter.Format format,
                    Long count, Duration timeout, Signals.Stop stop, Runnable release,
                    java.util.function.Supplier<String> stuck) {
        String stuckAt = null;
        boolean stopped = false;
        long limit = count == null ? Long.MAX_VALUE : count;
        Progress progress = new Progress(io, format == RecordPrinter.Format.none, command);
        // The clock starts once the ring is open: JVM start-up and mapping do not count.
        long start = System.nanoTime();
        long deadline = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos();
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
            // A signal after the deadline does not undo the timeout, whenever it is noticed.
            stopped = stop.requested() && (deadline == Long.MAX_VALUE || stop.requestedAt() - deadline < 0);
            if (count != null && printer.records < limit && !stopped) {
                stuckAt = stuck.get(); // for the timeout message below
            }
        } finally {
            try {
                printer.flush();
            } finally {
                progress.done();
                if (format == RecordPrinter.Format.none) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    long lost = source.statistics().lost();
                    io.err().printf("%s: %d records, %d bytes, %.3f s, %.0f records/s%s%n", command, printer.records,
                            printer.bytes, seconds, printer.records / Math.max(seconds, 1e-9),
                            lost > 0 ? ", " + lost + " lost" : "");
                    io.err().flush();
                }
                release.run();
            }
        }
        if (count != null && printer.records < limit && !stopped) {
            throw new CliException(CliException.RUNTIME, "timeout after " + Durations.format(timeout) + ": "
                    + printer.records + " of " + limit + " records received" + (stuckAt == null ? "" : "; " + stuckAt));
        }
    }
}
