/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.ErrnoException;

/**
 * The kernel refused to load a program or BTF; {@link #log()} holds the verifier's (or the BTF
 * checker's) explanation, and the message ends with its last lines.
 */
public final class BpfVerifierException extends ErrnoException {
    private static final long serialVersionUID = 1L;
    /** The kernel's verifier log. */
    private final String log;
    /** The rejected program's name. */
    private final String program;
    /** The source line the log points at, or empty. */
    private final String sourceLine;

    /**
     * A refused load without a program name or source line.
     *
     * @param errno the errno of the failed load
     * @param operation what was attempted
     * @param log the kernel's log, possibly empty
     */
    public BpfVerifierException(int errno, String operation, String log) {
        this(errno, operation, log, "", "");
    }

    /**
     * A refused load of a named program.
     *
     * @param errno the errno of the failed load
     * @param operation what was attempted
     * @param log the kernel's log, possibly empty
     * @param program the rejected program's name, empty if not a program
     * @param sourceLine where the log points, as {@code file:line: source text}; empty if unknown
     */
    public BpfVerifierException(int errno, String operation, String log, String program, String sourceLine) {
        super(errno, operation + (sourceLine.isEmpty() ? "" : " at " + sourceLine) + tail(log));
        this.log = log;
        this.program = program;
        this.sourceLine = sourceLine;
    }

    /** {@return the rejected program's name, empty if the failure was not a program's} */
    public String program() {
        return program;
    }

    /**
     * {@return the source line the verifier log points at, from the program's BTF line_info, as
     * {@code file:line: source text}; empty if the log names no instruction or there is no
     * line_info}
     */
    public String sourceLine() {
        return sourceLine;
    }

    /** {@return the full verifier log ({@code log_level 1}), empty if the kernel gave none} */
    public String log() {
        return log;
    }

    private static String tail(String log) {
        if (log == null || log.isBlank()) {
            return "";
        }
        String[] lines = log.strip().split("\n");
        int from = Math.max(0, lines.length - 6);
        StringBuilder sb = new StringBuilder("; verifier log (last lines):");
        for (int i = from; i < lines.length; i++) {
            sb.append("\n  ").append(lines[i]);
        }
        return sb.toString();
    }
}
