/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.wait;


/**
 * A {@link Waiter} on one {@link FutexEventCount}. Thread-safe: each thread's token is its own
 * sequence value, so several threads (for example producers blocked for space) may wait at once.
 * {@link #interrupt()} is never lost: it leaves a flag that the next {@link #await} consumes if no
 * thread was asleep.
 */
public final class FutexWaiter implements Waiter {
    private final FutexEventCount count;
    private volatile boolean interrupted;

    /** @param count the event count to wait on */
    public FutexWaiter(FutexEventCount count) {
        this.count = count;
    }

    @Override
    public long prepareWait() {
        return count.prepare() & 0xFFFF_FFFFL;
    }

    @Override
    public int await(long token, long nanos) {
        if (!interrupted) {
            boolean signalled = count.sleep((int) token, nanos);
            if (!interrupted) {
                return signalled ? SIGNALLED : TIMED_OUT;
            }
        }
        interrupted = false;
        return INTERRUPTED;
    }

    @Override
    public void cancelWait() {
        count.cancel();
    }

    @Override
    public void interrupt() {
        interrupted = true;
        count.forceWake();
    }
}
