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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;

/** {@code jringbuf send}: one record per line of hex on stdin. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Read stdin, one record per line as hex (blank lines ignored), and write the records in order.",
                "RINGBUF files take any number of concurrent senders; a USER_RINGBUF file takes one. Blocks while "
                        + "the ring is full, at most --timeout per record; an overwrite ring is never full (only a "
                        + "record still being written can hold a line back).",
                "SIGINT/SIGTERM stop it between records (a record is committed whole or not reserved at all): "
                        + "one line on stderr says how many were sent, exit 0."})
final class SendCommand implements Callable<Integer> {
    private final CliIo io;

    @Mixin
    TargetOptions target;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Fail if a record waits longer than DURATION for space (e.g. 500ms, 10s, 2m). "
                    + "Default: wait forever.")
    Duration timeout;

    /** Records committed so far (read by the signal hook for its summary). */
    private volatile long sent;
    /** Whether this thread is between reading a line and finishing its record (see the hook). */
    private volatile boolean writing;
    private final AtomicBoolean summarised = new AtomicBoolean();

    SendCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Progress progress = new Progress(io, true, "send");
        Signals.Stop stop = null;
        try (Target t = target.open()) {
            RingWriter writer = t.openWriter();
            HexLineReader reader = new HexLineReader(io.in(), writer.size());
            Duration wait = timeout == null ? ChronoUnit.FOREVER.getDuration() : timeout;
            // A signal interrupts this thread: a reservation blocked for space returns as on a
            // timeout within one wait slice. Between reserve and submit nothing blocks,
            // so a record is either committed whole or never reserved: none is left reserved.
            // Blocked on stdin (nothing reserved), the command ends at once: the stop request and
            // 'writing' are volatile, written before the other is read on each side, so either the
            // hook sees this thread writing (and waits for it), or this thread sees the request
            // before it reserves.
            Thread sender = Thread.currentThread();
            Signals.Stop[] self = new Signals.Stop[1];
            stop = io.signals().register(() -> {
                sender.interrupt();
                if (!writing) {
                    summarise();
                    self[0].finished();
                }
            });
            self[0] = stop;
            try {
                while (!stop.requested() && reader.next()) {
                    writing = true;
                    if (stop.requested()) {
                        writing = false;
                        break;
                    }
                    boolean written;
                    try {
                        written = write(writer, reader.payload(), reader.length(), wait);
                    } catch (ErrnoException e) {
                        throw new CliException(CliException.RUNTIME, "line " + reader.lineNumber() + ": "
                                + e.getMessage() + "; " + sent + " earlier records submitted", e);
                    }
                    if (!written && stop.requested()) {
                        break; // interrupted while waiting for space: this line was not reserved
                    }
                    if (!written) {
                        throw new CliException(CliException.RUNTIME, "line " + reader.lineNumber() + ": timeout after "
                                + Durations.format(timeout) + " waiting for space; " + sent
                                + " earlier records submitted");
                    }
                    sent++;
                    writing = false;
                    progress.tick(sent, -1);
                }
            } catch (HexLineReader.BadLine bad) {
                throw new CliException(CliException.RUNTIME, "line " + bad.line + ": " + bad.getMessage() + "; "
                        + sent + " earlier records submitted");
            } finally {
                progress.done();
            }
            if (stop.requested()) {
                summarise();
            }
        } finally {
            if (stop != null) {
                Thread.interrupted(); // a signal's interrupt must not outlive the command
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
        try {
            MemorySegment.copy(payload, 0, writer.buffer(), ValueLayout.JAVA_BYTE, offset, length);
        } catch (InternalError fault) {
            // The ring's file lost its pages (truncated or out of space): discarding faults too,
            // and reports it as an ErrnoException naming the file.
            writer.discard(offset);
            throw fault;
        }
        writer.submit(offset);
        return true;
    }

    private void summarise() {
        if (summarised.compareAndSet(false, true)) {
            io.err().println("send: stopped by a signal: " + sent + " records submitted");
            io.err().flush();
        }
    }
}
