/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;

import java.lang.foreign.MemorySegment;

/**
 * Turns the FFM's "already closed" failure of a ring whose memory was released into the
 * library's typed error. Roles catch {@link IllegalStateException} around their bodies (free on
 * the normal path) and pass it here.
 */
final class Closed {
    private Closed() {
    }

    static RuntimeException translate(IllegalStateException e, MemorySegment ringMemory, String operation) {
        if (!ringMemory.scope().isAlive()) {
            return new ErrnoException(Errno.EBADF, operation + ": the ring is closed", e);
        }
        return e;
    }
}
