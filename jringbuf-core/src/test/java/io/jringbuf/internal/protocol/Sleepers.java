/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static org.junit.jupiter.api.Assertions.fail;

/** Bounded waits on the waiter count of a wakeup word (sequence at 0, waiters at 4). */
public final class Sleepers {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private Sleepers() {
    }

    /** Waits (at most 10 s) until at least {@code n} threads are registered on the word. */
    public static void awaitRegistered(MemorySegment wakeupWord, int n) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((int) INT.getVolatile(wakeupWord, 4L) < n) {
            if (System.nanoTime() > deadline) {
                fail("no thread registered as a waiter within 10 s");
            }
            Thread.yield();
        }
    }
}
