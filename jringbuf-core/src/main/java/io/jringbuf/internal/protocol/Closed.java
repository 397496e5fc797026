/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.memory.RingFaults;

import java.lang.foreign.MemorySegment;

/**
 * Turns the failures of an access to a ring's memory into the library's typed errors. Roles catch
 * {@link IllegalStateException} (the FFM's "already closed") and {@link InternalError} (the JVM's
 * report of a fault under a mapping, see {@link RingFaults}) around their bodies (free on the
 * normal path) and pass them here: a closed ring is EBADF, a fault EFAULT or EIO naming the ring
 * file (and the ring is unmapped, so later calls get the same error at once).
 */
final class Closed {
    private Closed() {
    }

    static RuntimeException translate(Throwable e, MemorySegment ringMemory, String operation) {
        ErrnoException fault = RingFaults.translate(e, ringMemory, operation);
        if (fault != null) {
            return fault;
        }
        if (e instanceof IllegalStateException && !ringMemory.scope().isAlive()) {
            return new ErrnoException(Errno.EBADF, operation + ": the ring is closed", e);
        }
        if (e instanceof RuntimeException re) {
            return re;
        }
        throw (Error) e;
    }
}
