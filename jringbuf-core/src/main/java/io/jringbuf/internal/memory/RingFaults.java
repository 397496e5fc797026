/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.memory;

import io.jringbuf.base.ErrnoException;

import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a fault under a mapped ring into the library's typed error.
 *
 * <p>When a page of a shared file mapping has no backing any more (the file was truncated under
 * it, or the file system could not provide the page: a full tmpfs, an I/O error), the access
 * raises SIGBUS. The JVM turns a SIGBUS in an unsafe access into {@link InternalError} ("a fault
 * occurred in an unsafe memory access operation"), so that a library can explain it. The roles
 * catch it at their entry points and pass it here with any segment of the ring they use; the
 * ring's memory is found by the segment's scope (so the roles need no reference to it), and
 * {@link SharedRingMemory#fault} decides between EFAULT (truncated: the file is shorter now) and
 * EIO (the file has its length, a page is gone), releases what this process holds in the ring
 * where its first page is still there, and unmaps it. Later calls then fail fast (the FFM's
 * "already closed") and are translated to the same error.
 *
 * <p>The interpreter's compare-and-set is the one access of a ring the JVM does not guard this
 * way (a SIGBUS in {@code Unsafe_CompareAndSetLong} kills the JVM; JDK 25, measured): every atomic
 * read-modify-write on ring memory goes through {@link io.jringbuf.internal.format.MappedAtomics},
 * whose shared methods run compiled after the process's first few hundred operations, and each
 * CAS first reads its word, which faults guarded. The first operations of a process, and
 * {@code -Xint}, remain exposed.
 */
public final class RingFaults {
    private RingFaults() {
    }

    /** Rings mapped from files, by the scope of their segments. */
    private static final Map<MemorySegment.Scope, SharedRingMemory> LIVE = new ConcurrentHashMap<>();
    /** The error of each ring unmapped after a fault, until its segments are garbage. */
    private static final Map<MemorySegment.Scope, ErrnoException> FAULTED =
            Collections.synchronizedMap(new WeakHashMap<>());

    static void register(MemorySegment.Scope scope, SharedRingMemory memory) {
        LIVE.put(scope, memory);
    }

    static void unregister(MemorySegment.Scope scope) {
        LIVE.remove(scope);
    }

    static void faulted(MemorySegment.Scope scope, ErrnoException error) {
        FAULTED.put(scope, error);
    }

    /**
     * @return the file-backed ring that {@code segment} belongs to, or null (anonymous, kernel,
     *         closed)
     */
    public static SharedRingMemory ringOf(MemorySegment segment) {
        return LIVE.get(segment.scope());
    }

    /**
     * Whether {@code t} is the JVM's report of a faulting access to mapped memory (a SIGBUS in an
     * unsafe access, interpreted or compiled).
     */
    public static boolean isMappingFault(Throwable t) {
        return t instanceof InternalError && t.getMessage() != null
                && t.getMessage().startsWith("a fault occurred in ");
    }

    /**
     * Translates a failure of an access to a ring's memory.
     *
     * @param t what the access threw: an {@link InternalError} for a fault, an
     *          {@link IllegalStateException} once the ring's memory is unmapped
     * @param ringMemory any segment of the ring the access used
     * @param operation what was attempted, for the message
     * @return the typed error, or null if {@code t} is neither a mapping fault of this ring's
     *         file (a fault in a handler's own mapping is left alone) nor the closed state of a
     *         ring unmapped after one
     */
    public static ErrnoException translate(Throwable t, MemorySegment ringMemory, String operation) {
        MemorySegment.Scope scope = ringMemory.scope();
        if (isMappingFault(t)) {
            SharedRingMemory memory = LIVE.get(scope);
            if (memory != null) {
                return memory.faultIfMine(t, operation);
            }
            ErrnoException earlier = FAULTED.get(scope);
            if (earlier != null) {
                return again(earlier, operation, t);
            }
            // A kernel ring or an anonymous one cannot lose its pages: the fault was elsewhere
            // (a handler's own mapping), and it is not ours to explain.
            return null;
        }
        if (t instanceof IllegalStateException && !scope.isAlive()) {
            ErrnoException earlier = FAULTED.get(scope);
            if (earlier != null) {
                return again(earlier, operation, t);
            }
        }
        return null;
    }

    static ErrnoException again(ErrnoException first, String operation, Throwable cause) {
        ErrnoException e = new ErrnoException(first.errno(), operation + ": " + first.operation(), cause);
        return e;
    }
}
