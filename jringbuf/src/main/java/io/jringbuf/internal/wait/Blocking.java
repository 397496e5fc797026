/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.wait;

import io.jringbuf.protocol.Waiter;

import java.time.Duration;

/**
 * The one wait loop the roles' blocking operations share: try, register with the {@link Waiter},
 * try again, sleep; repeat until the attempt succeeds or the time is up.
 *
 * <p>Sleeps are cut into slices of at most {@link #SLICE_NANOS}, so that a thread that is
 * interrupted, or a ring whose other side died (a BUSY record of a dead producer, which the next
 * attempt reclaims), is noticed within a slice even when no wakeup comes. An interrupted thread
 * returns as on a timeout and keeps its interrupt status; so does a {@link Waiter#interrupt()}.
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
        /** @return a non-negative result on success, negative to wait and retry */
        long attempt();
    }

    /**
     * Converts a timeout to nanoseconds: null or negative means forever; saturates at
     * {@link #FOREVER}.
     */
    public static long toNanos(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            return FOREVER;
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
    public static long await(Waiter waiter, long nanos, Attempt attempt) {
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
                long remaining = nanos == FOREVER ? FOREVER : nanos - (System.nanoTime() - start);
                if (remaining <= 0 || Thread.currentThread().isInterrupted()) {
                    return result;
                }
                if (waiter.await(token, Math.min(remaining, SLICE_NANOS)) == Waiter.INTERRUPTED) {
                    return result;
                }
            } finally {
                waiter.cancelWait();
            }
        }
    }
}
