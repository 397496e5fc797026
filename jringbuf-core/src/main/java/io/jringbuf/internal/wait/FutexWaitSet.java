/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.wait;

import io.jringbuf.base.Errno;
import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * A {@link Waiter} on several {@link FutexEventCount}s at once (one thread waits on many rings),
 * with {@code futex_waitv} (Linux 5.16+), plus a private word for {@link #interrupt()}. Used by one
 * thread at a time. On a kernel without {@code futex_waitv} it sleeps on the first count only, in
 * slices, which the callers' wait loop tolerates (it re-checks every ring after each slice).
 */
public final class FutexWaitSet implements Waiter {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long ENTRY = Sys.FUTEX_WAITV_SIZE;

    private final FutexEventCount[] counts;
    private final MemorySegment waitv;
    private final MemorySegment timespec;
    private final MemorySegment interruptWord;
    private int lastInterrupt;

    /** @param counts the event counts to wait on (at least one) */
    public FutexWaitSet(List<FutexEventCount> counts) {
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("nothing to wait on");
        }
        this.counts = counts.toArray(new FutexEventCount[0]);
        Arena arena = Arena.ofAuto();
        int n = this.counts.length + 1;
        this.waitv = arena.allocate(ENTRY * n, 8);
        this.timespec = arena.allocate(16, 8);
        this.interruptWord = arena.allocate(4, 4);
        for (int i = 0; i < this.counts.length; i++) {
            FutexEventCount c = this.counts[i];
            waitv.set(ValueLayout.JAVA_LONG, i * ENTRY + 8, c.sequenceAddress());
            waitv.set(ValueLayout.JAVA_INT, i * ENTRY + 16,
                    Sys.FUTEX2_SIZE_U32 | (c.shared() ? 0 : Sys.FUTEX2_PRIVATE));
        }
        long last = (n - 1) * ENTRY;
        waitv.set(ValueLayout.JAVA_LONG, last + 8, interruptWord.address());
        waitv.set(ValueLayout.JAVA_INT, last + 16, Sys.FUTEX2_SIZE_U32 | Sys.FUTEX2_PRIVATE);
    }

    @Override
    public long prepareWait() {
        for (int i = 0; i < counts.length; i++) {
            waitv.set(ValueLayout.JAVA_LONG, i * ENTRY, counts[i].prepare() & 0xFFFF_FFFFL);
        }
        // Sleep on the interrupt value seen after the previous wait, so an interrupt() that came
        // in between makes this wait return at once.
        waitv.set(ValueLayout.JAVA_LONG, counts.length * ENTRY, lastInterrupt & 0xFFFF_FFFFL);
        return 0;
    }

    @Override
    public int await(long token, long nanos) {
        long deadline = System.nanoTime() + nanos; // System.nanoTime is CLOCK_MONOTONIC on Linux
        timespec.set(ValueLayout.JAVA_LONG, 0, deadline / 1_000_000_000L);
        timespec.set(ValueLayout.JAVA_LONG, 8, deadline % 1_000_000_000L);
        int r = Sys.rawFutexWaitv(waitv, counts.length + 1, timespec);
        if (r == -Errno.ENOSYS) {
            int seq = (int) waitv.get(ValueLayout.JAVA_LONG, 0);
            r = counts[0].sleep(seq, nanos) ? 0 : -Errno.ETIMEDOUT;
        }
        int interrupts = (int) INT.getAcquire(interruptWord, 0L);
        if (interrupts != lastInterrupt) {
            lastInterrupt = interrupts;
            return INTERRUPTED;
        }
        return r == -Errno.ETIMEDOUT ? TIMED_OUT : SIGNALLED;
    }

    @Override
    public void cancelWait() {
        for (FutexEventCount c : counts) {
            c.cancel();
        }
    }

    @Override
    public void interrupt() {
        INT.getAndAdd(interruptWord, 0L, 1);
        Sys.rawFutexWake(interruptWord, Integer.MAX_VALUE, false);
    }
}
