/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.base;

/**
 * A failure with a Linux errno: from a system call, or from a ring-protocol rule that the kernel
 * reports with that errno (for example {@link Errno#E2BIG} for a record that can never fit,
 * {@link Errno#EINVAL} for a corrupt header, {@link Errno#EBUSY} for a concurrent drain).
 *
 * <p>The message always names the errno symbolically and says what was attempted, for example
 * {@code "EPERM (1): mmap 4096 bytes read-write at offset 4096 of map fd 7"}.
 */
public class ErrnoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The errno number. */
    private final int errno;
    /** What was being attempted. */
    private final String operation;

    /**
     * Creates an exception.
     *
     * @param errno the errno number (positive; a negated value is accepted and made positive)
     * @param operation what was attempted, in words
     */
    public ErrnoException(int errno, String operation) {
        this(errno, operation, null);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param errno the errno number (positive; a negated value is accepted and made positive)
     * @param operation what was attempted, in words
     * @param cause the cause, may be null
     */
    public ErrnoException(int errno, String operation, Throwable cause) {
        super(Errno.name(errno) + " (" + Math.abs(errno) + "): " + operation, cause);
        this.errno = Math.abs(errno);
        this.operation = operation;
    }

    /** {@return the errno number, positive} */
    public int errno() {
        return errno;
    }

    /** {@return the symbolic errno name, for example {@code "ENOSPC"}} */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** {@return what was attempted} */
    public String operation() {
        return operation;
    }
}
