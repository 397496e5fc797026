/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.RingWriter;
import io.jringbuf.base.ErrnoException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/** {@code jringbuf send}: one record per line of hex on stdin. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Read stdin, one record per line as hex (blank lines ignored), and write the records in order.",
                "RINGBUF files take any number of concurrent senders; a USER_RINGBUF file takes one. Blocks while "
                        + "the ring is full, at most --timeout per record."})
final class SendCommand implements Callable<Integer> {
    private final CliIo io;

    @Mixin
    TargetOptions target;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Fail if a record waits longer than DURATION for space (e.g. 500ms, 10s, 2m). "
                    + "Default: wait forever.")
    Duration timeout;

    SendCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        long sent = 0;
        Progress progress = new Progress(io, true, "send");
        try (Target t = target.open()) {
            RingWriter writer = t.openWriter();
            HexLineReader reader = new HexLineReader(io.in(), writer.size());
            Duration wait = timeout == null ? ChronoUnit.FOREVER.getDuration() : timeout;
            try {
                while (reader.next()) {
                    boolean written;
                    try {
                        written = write(writer, reader.payload(), reader.length(), wait);
                    } catch (ErrnoException e) {
                        throw new CliException(CliException.RUNTIME, "line " + reader.lineNumber() + ": "
                                + e.getMessage() + "; " + sent + " earlier records submitted", e);
                    }
                    if (!written) {
                        throw new CliException(CliException.RUNTIME, "line " + reader.lineNumber() + ": timeout after "
                                + Durations.format(timeout) + " waiting for space; " + sent
                                + " earlier records submitted");
                    }
                    sent++;
                    progress.tick(sent, -1);
                }
            } catch (HexLineReader.BadLine bad) {
                throw new CliException(CliException.RUNTIME, "line " + bad.line + ": " + bad.getMessage() + "; "
                        + sent + " earlier records submitted");
            } finally {
                progress.done();
            }
        }
        return 0;
    }

    /** Reserves (waiting up to {@code wait} for space), copies and submits one record. */
    private static boolean write(RingWriter writer, byte[] payload, int length, Duration wait) {
        long offset = writer.reserve(length, wait);
        if (offset == RingWriter.NO_SPACE) {
            return false;
        }
        MemorySegment.copy(payload, 0, writer.buffer(), ValueLayout.JAVA_BYTE, offset, length);
        writer.submit(offset);
        return true;
    }
}
