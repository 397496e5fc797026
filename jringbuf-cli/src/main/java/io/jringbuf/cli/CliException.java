/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

/**
 * A failure the command reports as one line on stderr, with its exit code: {@link #RUNTIME} (1)
 * for a failure at run time (timeout, errno, bad input data), {@link #USAGE} (2) for a command
 * that cannot run as given.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code of a run-time failure: timeout, errno, bad input data. */
    public static final int RUNTIME = 1;
    /** Exit code of a usage error: bad options, or a target this build cannot open. */
    public static final int USAGE = 2;

    private final int exitCode;

    /**
     * @param exitCode {@link #RUNTIME} or {@link #USAGE}
     * @param message the one-line message, without the command name
     */
    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /**
     * @param exitCode {@link #RUNTIME} or {@link #USAGE}
     * @param message the one-line message, without the command name
     * @param cause the cause
     */
    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** @return the process exit code */
    public int exitCode() {
        return exitCode;
    }
}
