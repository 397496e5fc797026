/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.format;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The atomic read-modify-writes on ring memory (mapped files), each in one small method shared by
 * every role and ring of the process.
 *
 * <p>Why: on a ring file truncated under it, an access raises SIGBUS, which the JVM turns into an
 * {@link InternalError} for compiled code and for the interpreter's plain reads and writes, but
 * not for the interpreter's compare-and-set ({@code Unsafe_CompareAndSetLong} and friends, to which
 * every atomic read-modify-write comes down there): a SIGBUS in it kills the JVM (JDK 25,
 * measured). A role's own code runs interpreted at first, and so does each producer's hidden
 * class (see {@code Specializer}) when it is defined. Shared by all of them, these methods are
 * compiled early, and from then on every atomic access to a ring runs compiled, guarded, whatever
 * runs its caller; once the caller is compiled too they are inlined, as if written in place (each
 * is a single access). To make "early" the first ring of the process rather than its first few
 * thousand operations, the class runs each method 2,000 times on a scratch word when it is
 * initialised ({@link #prepare()}, called when a ring file is mapped), ten times the JIT's first
 * compile threshold: 14-20 ms once, measured on the loaded 2-core machine (20,000 cost 190 ms
 * and were not needed), after which the JIT compiles them in the background. Only the moments
 * before that compilation ends, and a JVM run with {@code -Xint}, leave an interpreted CAS
 * exposed.
 *
 * <p>Memory ordering is that of the {@link VarHandle} operation each one names: the callers
 * document what each access pairs with.
 */
public final class MappedAtomics {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** Calls of each method at class initialisation: well past the JIT's first compile threshold. */
    private static final int WARM_UP_CALLS = 2_000;

    static {
        // See the class comment: have the JIT compile these before any ring needs them.
        MemorySegment scratch = Arena.global().allocate(16, 8);
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            compareAndSetLong(scratch, 0, i, i + 1L);
            compareAndSetInt(scratch, 8, i, i + 1);
            getAndSetInt(scratch, 8, i);
            getAndAddInt(scratch, 12, 1);
            getAndAddLong(scratch, 0, -1L);
        }
    }

    private MappedAtomics() {
    }

    /** Initialises the class (see the class comment); cheap after the first call. */
    public static void prepare() {
        // the static initialiser does the work
    }

    /**
     * {@link VarHandle#compareAndSet} of a long.
     *
     * @return whether the word held {@code expected} and now holds {@code value}
     */
    public static boolean compareAndSetLong(MemorySegment segment, long offset, long expected, long value) {
        return LONG.compareAndSet(segment, offset, expected, value);
    }

    /**
     * {@link VarHandle#compareAndSet} of an int.
     *
     * @return whether the word held {@code expected} and now holds {@code value}
     */
    public static boolean compareAndSetInt(MemorySegment segment, long offset, int expected, int value) {
        return INT.compareAndSet(segment, offset, expected, value);
    }

    /**
     * {@link VarHandle#getAndSet} of an int (a full barrier).
     *
     * @return the previous value
     */
    public static int getAndSetInt(MemorySegment segment, long offset, int value) {
        return (int) INT.getAndSet(segment, offset, value);
    }

    /**
     * {@link VarHandle#getAndAdd} of an int (a full barrier).
     *
     * @return the previous value
     */
    public static int getAndAddInt(MemorySegment segment, long offset, int delta) {
        return (int) INT.getAndAdd(segment, offset, delta);
    }

    /**
     * {@link VarHandle#getAndAdd} of a long (a full barrier).
     *
     * @return the previous value
     */
    public static long getAndAddLong(MemorySegment segment, long offset, long delta) {
        return (long) LONG.getAndAdd(segment, offset, delta);
    }
}
