/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.wait;

/**
 * The signalling side of a wakeup: what a role calls once it has decided, by the protocol's
 * rules, that the other side must be woken (a producer's commit when the consumer is parked at
 * the committed record, a drain that freed space, ...).
 *
 * <p>Contract: the caller has issued a full barrier between the state change it signals (a header
 * exchange, a published consumer position) and this call, so an implementation may test "is
 * anybody waiting?" with a plain volatile load and skip the expensive part when nobody is.
 */
@FunctionalInterface
public interface Notifier {
    /** A notifier that does nothing: for rings whose other side is the kernel. */
    Notifier NONE = () -> { };

    /** Wakes whoever waits for this signal. Never blocks. */
    void wakeUp();

    /**
     * Whether anybody may be waiting for this signal now, so that a caller can skip the work of
     * deciding whether to call {@link #wakeUp()} (a producer's load of the consumer position,
     * whose cache line the consumer writes per record). Same contract as {@code wakeUp}: called
     * after the caller's full barrier; false must mean that {@code wakeUp()} would wake nobody
     * and that a waiter registering later re-checks the state after its own full barrier.
     *
     * @return false only if calling {@link #wakeUp()} now would do nothing; the default is true
     */
    default boolean mayHaveWaiters() {
        return true;
    }
}
