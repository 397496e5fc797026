/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.wait;

import io.jringbuf.internal.format.MappedAtomics;
import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * An event count in (possibly shared) memory: a 32-bit sequence that is also the futex word, and
 * a 32-bit count of registered waiters. Works across processes when the memory is a shared file
 * mapping.
 *
 * <p>Protocol. A waiter acquire-loads the sequence, increments the waiter count (a full barrier),
 * re-checks its condition, and sleeps in {@code futex_wait} only while the sequence still holds
 * the value it loaded. A signaller changes the state, issues a full barrier (the {@link Notifier}
 * contract), and only if the waiter count is non-zero increments the sequence and calls
 * {@code futex_wake}. Store-buffering argument: the waiter's increment and the signaller's state
 * change are both followed by a full barrier before the other word is read, so either the waiter
 * sees the new state, or the signaller sees the waiter and bumps the sequence, which makes the
 * waiter's {@code futex_wait} return at once or wakes it. Nobody waiting costs the signaller one
 * load and no system call.
 */
public final class FutexEventCount implements Notifier {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long SEQUENCE = 0;
    private static final long WAITERS = 4;

    private final MemorySegment word;
    private final MemorySegment sequenceAddress;
    private final boolean shared;
    /** Counts wakeups that reached waiters (a shared 64-bit word), or null. */
    private final MemorySegment wakeupCounter;

    /**
     * @param word 8 bytes, 4-aligned: sequence at 0, waiter count at 4
     * @param shared whether other processes map this memory (else private futex operations)
     * @param wakeupCounter an 8-byte, 8-aligned word counting the wakeups that reached waiters
     *                      (the ring's statistics), or null
     */
    public FutexEventCount(MemorySegment word, boolean shared, MemorySegment wakeupCounter) {
        this.word = word;
        // Passed to futex by address: a global segment does not pin the ring's arena, so closing
        // the ring is never blocked by a sleeping thread (it is woken first, then sees EBADF).
        this.sequenceAddress = MemorySegment.ofAddress(word.address());
        this.shared = shared;
        this.wakeupCounter = wakeupCounter;
    }

    @Override
    public void wakeUp() {
        // Volatile load, after the caller's full barrier: pairs with prepare()'s getAndAdd.
        if ((int) INT.getVolatile(word, WAITERS) != 0) {
            // Release (and full barrier): a waiter that loads the new sequence sees our state.
            MappedAtomics.getAndAddInt(word, SEQUENCE, 1);
            Sys.rawFutexWake(sequenceAddress, Integer.MAX_VALUE, shared);
            if (wakeupCounter != null) {
                // Atomic: several processes count into the same word; a statistic, no ordering.
                MappedAtomics.getAndAddLong(wakeupCounter, 0L, 1L);
            }
        }
    }

    @Override
    public boolean mayHaveWaiters() {
        // Volatile load, after the caller's full barrier: pairs with prepare()'s getAndAdd, as in
        // wakeUp(), which makes the same test first.
        return (int) INT.getVolatile(word, WAITERS) != 0;
    }

    /**
     * {@return the waiters registered now, in every process: a snapshot for statistics (a waiter
     * registers before its last look and sleeps after it, so a count of 1 may be a thread about to
     * find data and not sleep at all)}
     */
    public int waiters() {
        // Volatile load: a statistic, no partner.
        return (int) INT.getVolatile(word, WAITERS);
    }

    /**
     * Registers a waiter.
     *
     * @return the sequence to sleep on
     */
    int prepare() {
        // Acquire: pairs with wakeUp's getAndAdd of the sequence.
        int sequence = (int) INT.getAcquire(word, SEQUENCE);
        // Full barrier: the caller's re-check loads come after the registration is visible.
        MappedAtomics.getAndAddInt(word, WAITERS, 1);
        return sequence;
    }

    /** Ends a registration. */
    void cancel() {
        MappedAtomics.getAndAddInt(word, WAITERS, -1);
    }

    /**
     * Sleeps while the sequence equals {@code sequence}.
     *
     * @return false on timeout
     */
    boolean sleep(int sequence, long nanos) {
        return Sys.rawFutexWaitNanos(sequenceAddress, sequence, nanos, shared) != -io.jringbuf.base.Errno.ETIMEDOUT;
    }

    /** Bumps the sequence and wakes every sleeper, waiting or not (used to interrupt). */
    void forceWake() {
        MappedAtomics.getAndAddInt(word, SEQUENCE, 1);
        Sys.rawFutexWake(sequenceAddress, Integer.MAX_VALUE, shared);
    }

    /** {@return the address of the sequence word (for futex_waitv)} */
    long sequenceAddress() {
        return sequenceAddress.address();
    }

    /** {@return whether the futex is shared between processes} */
    boolean shared() {
        return shared;
    }
}
