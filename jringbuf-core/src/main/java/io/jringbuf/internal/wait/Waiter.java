/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.wait;

/**
 * The waiting side of a wakeup, as an event count: register, re-check the condition, then sleep
 * only if nothing was signalled since the registration. Used by the roles' blocking operations:
 * <pre>{@code
 * long token = waiter.prepareWait();
 * try {
 *     if (conditionHolds()) return;          // re-check after registering: no lost wakeup
 *     waiter.await(token, nanos);            // returns at once if signalled since prepareWait
 * } finally {
 *     waiter.cancelWait();
 * }
 * }</pre>
 * A waiter is used by one thread at a time.
 */
public interface Waiter {
    /** {@link #await} result: the time ran out. */
    int TIMED_OUT = 0;
    /** {@link #await} result: a signal came (or a spurious wakeup): re-check the condition. */
    int SIGNALLED = 1;
    /** {@link #await} result: {@link #interrupt()} was called: give up waiting. */
    int INTERRUPTED = 2;

    /**
     * Registers interest in the next signal; the caller then re-checks its condition. Includes a
     * full barrier between the registration and the caller's following loads (pairs with the
     * barrier a {@link Notifier} caller issues before it looks for waiters).
     *
     * @return a token for {@link #await}
     */
    long prepareWait();

    /**
     * Sleeps until a signal that came after {@link #prepareWait}, the timeout, an explicit
     * {@link #interrupt}, or a spurious wakeup, whichever is first.
     *
     * @param token the value {@link #prepareWait} returned
     * @param nanos the longest sleep, in nanoseconds (positive)
     * @return {@link #TIMED_OUT}, {@link #SIGNALLED} (also for spurious wakeups) or
     *         {@link #INTERRUPTED}
     */
    int await(long token, long nanos);

    /** Ends the registration made by {@link #prepareWait}. */
    void cancelWait();

    /**
     * Makes the thread sleeping in {@link #await} return {@link #INTERRUPTED}; if none is asleep,
     * the next {@code await} does. Callable from any thread.
     */
    void interrupt();
}
