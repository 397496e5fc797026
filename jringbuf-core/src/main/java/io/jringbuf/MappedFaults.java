/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.memory.RingFaults;

import java.lang.foreign.MemorySegment;

/**
 * The readers' and writers' last net for a fault under a ring file's mapping. The roles translate
 * the faults they meet; in compiled code the JVM reports a fault a little after the access (at the
 * next safepoint poll), which can be after the role returned, so the public entry points catch
 * the {@link InternalError} too and name their own operation.
 */
final class MappedFaults {
    private MappedFaults() {
    }

    /**
     * @param fault the JVM's report of a faulting access
     * @param ringMemory any segment of the ring the call used
     * @param operation what was attempted, for the message
     * @return the ring's typed error (EFAULT or EIO, see {@link RingFaults})
     * @throws InternalError {@code fault} itself when the ring's file is intact (the fault was
     *                       the caller's own, e.g. in a handler)
     */
    static ErrnoException translate(InternalError fault, MemorySegment ringMemory, String operation) {
        ErrnoException typed = RingFaults.translate(fault, ringMemory, operation);
        if (typed == null) {
            throw fault;
        }
        return typed;
    }
}
