/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.wait;


import java.time.Duration;

/**
 * The one wait loop the roles' blocking operations share: try, register with the {@link Waiter},
 * try again, sleep; after a signal, register again and retry; until the attempt succeeds or the
 * time is up.
 *
 * <p>A sleep ends early only for a reason: a signal (the other side's wakeup decision), an
 * explicit {@link Waiter#interrupt()}, a thread interrupt (checked between slices; the thread
 * returns as on a timeout and keeps its interrupt status), or a dead peer. Sleeps are cut into
 * slices of at most {@link #SLICE_NANOS}, and after a slice that timed out the {@link IdleCheck}
 * decides whether to retry: it looks for a peer process that died where its wakeup could have died
 * with it (a BUSY record it never committed, a record it committed but never announced). The
 * registration made before the first attempt is kept across slices, so a signal that arrives
 * between two slices still ends the sleep. Nothing else retries: a record committed with
 * {@code NO_WAKEUP} leaves the consumer asleep, as in the kernel, and a lost wakeup would show as
 * a stall rather than be papered over.
 */
public final class Blocking {
    private Blocking() {
    }

    /** Means "no timeout" in the nanosecond forms. */
    public static final long FOREVER = Long.MAX_VALUE;
    /** The longest single sleep. */
    public static final long SLICE_NANOS = 20_000_000L;

    /** An operation that either succeeds (a non-negative result) or must wait (negative). */
    @FunctionalInterface
    public interface Attempt {
        /** {@return a non-negative result on success, negative to wait and retry} */
        long attempt();
    }

    /** Asked after a slice passed without a signal. */
    @FunctionalInterface
    public interface IdleCheck {
        /** Never retries: for waits whose peer is the kernel. */
        IdleCheck NEVER = () -> false;

        /** {@return true if the attempt should be retried now (a dead peer was found or handled)} */
        boolean shouldRetry();
    }

    /**
     * Converts a timeout to nanoseconds the way {@code java.util.concurrent} treats timeouts: zero
     * or negative means "do not wait"; a duration too long for a {@code long} of nanoseconds
     * (about 292 years, e.g. {@code ChronoUnit.FOREVER.getDuration()}) means {@link #FOREVER}.
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    public static long toNanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return FOREVER;
        }
    }

    /**
     * Repeats {@code attempt} until it returns a non-negative value or {@code nanos} have passed.
     *
     * @return the successful result, or the last (negative) result on timeout, thread interrupt
     *         or {@link Waiter#interrupt()}
     */
    public static long await(Waiter waiter, long nanos, Attempt attempt, IdleCheck idle) {
        return await(waiter, nanos, SLICE_NANOS, attempt, idle);
    }

    /**
     * Like {@link #await(Waiter, long, Attempt, IdleCheck)} with sleeps of at most
     * {@code sliceNanos}: a shorter slice for waits whose signal may never come (a reader ahead
     * of its committed position, which producers' adaptive wakeups do not see).
     */
    public static long await(Waiter waiter, long nanos, long sliceNanos, Attempt attempt, IdleCheck idle) {
        long result = attempt.attempt();
        if (result >= 0 || nanos <= 0) {
            return result;
        }
        long start = System.nanoTime();
        for (;;) {
            long token = waiter.prepareWait();
            try {
                // Re-check after registering: a signal sent after this check is not lost.
                result = attempt.attempt();
                if (result >= 0) {
                    return result;
                }
                for (;;) {
                    long remaining = nanos == FOREVER ? FOREVER : nanos - (System.nanoTime() - start);
                    if (remaining <= 0 || Thread.currentThread().isInterrupted()) {
                        return result;
                    }
                    int outcome = waiter.await(token, Math.min(remaining, sliceNanos));
                    if (outcome == Waiter.INTERRUPTED) {
                        return result;
                    }
                    if (outcome == Waiter.SIGNALLED || idle.shouldRetry()) {
                        break;
                    }
                }
            } finally {
                waiter.cancelWait();
            }
        }
    }
}
