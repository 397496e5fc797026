/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.internal.sys.Sys;

/** An attachment of a program to an event; {@link #close()} detaches it. Idempotent. */
public final class BpfLink implements AutoCloseable {
    private final int fd;
    private final String description;
    private boolean closed;

    BpfLink(int fd, String description) {
        this.fd = fd;
        this.description = description;
    }

    /** {@return the link (or perf event) file descriptor} */
    public int fd() {
        return fd;
    }

    /** Detaches. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Sys.rawClose(fd);
        }
    }

    @Override
    public String toString() {
        return "BpfLink[" + description + " fd=" + fd + (closed ? " closed" : "") + "]";
    }
}
