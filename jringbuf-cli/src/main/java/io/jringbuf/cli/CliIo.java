/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * What a command talks to: stdin, stdout (raw bytes; commands buffer it themselves), stderr,
 * whether a person is watching (live progress), and how termination signals reach it. Tests pass
 * their own streams and run the commands in-process.
 *
 * @param in standard input
 * @param out standard output; commands wrap it in their own buffer and flush it before returning
 * @param err standard error, for messages, summaries and progress
 * @param interactive whether to show live progress on {@code err}
 * @param signals how SIGINT/SIGTERM stop a long-running command
 */
public record CliIo(InputStream in, OutputStream out, PrintStream err, boolean interactive, Signals signals) {

    /** Checks for nulls. */
    public CliIo {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(signals, "signals");
    }

    /** @return the process's own streams, with shutdown-hook signal handling */
    public static CliIo system() {
        java.io.Console console = System.console();
        boolean interactive = console != null && console.isTerminal();
        return new CliIo(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16),
                new FileOutputStream(FileDescriptor.out), System.err, interactive, Signals.shutdownHook());
    }

    /**
     * @param in standard input
     * @param out standard output
     * @param err standard error
     * @return streams for an in-process run: no progress, no signal handling
     */
    public static CliIo of(InputStream in, OutputStream out, PrintStream err) {
        return new CliIo(in, out, err, false, Signals.NONE);
    }
}
