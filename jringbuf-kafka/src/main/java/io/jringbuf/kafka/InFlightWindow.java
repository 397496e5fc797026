/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The records sent to Kafka and not yet committed to the ring, in ring order, each with the ring
 * position just past it. Acknowledgements arrive in any order (Kafka orders them per partition
 * only); {@link #advance()} moves the lowest unacknowledged record forward past every record
 * acknowledged in a row and returns the position up to which the ring may be committed.
 *
 * <p>Records are numbered in send order (a sequence number per record, from 0). Slot
 * {@code seq & mask} holds the record's end position and, once Kafka acknowledged it, its
 * sequence number, so a slot needs no reset when it is reused {@code capacity} records later.
 *
 * <p>Threads: {@link #add}, {@link #advance}, {@link #awaitAcknowledgement} on the shipping
 * thread; {@link #acknowledge} and {@link #wakeUp} on Kafka's producer I/O thread (the send
 * callbacks).
 */
final class InFlightWindow {
    private final int mask;
    /** The ring position just past each record in flight (shipping thread only). */
    private final long[] ends;
    /**
     * Per slot: the sequence number of the last record acknowledged in it. Volatile accesses:
     * the I/O thread's store pairs with the shipping thread's load in {@link #advance}; together
     * with {@link #waiter} they form the store-then-load handshake that makes a parked shipping
     * thread see every acknowledgement (both sides store, then load the other's word, all volatile,
     * so one of them sees the other).
     */
    private final AtomicLongArray acknowledged;
    /** The next sequence number to hand out (shipping thread only). */
    private long next;
    /** The lowest sequence number not yet acknowledged (shipping thread only). */
    private long lowest;
    /** The shipping thread while it parks in {@link #awaitAcknowledgement}, else null. */
    private volatile Thread waiter;

    /**
     * @param capacity the most records in flight: a power of two
     */
    InFlightWindow(int capacity) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("in-flight capacity " + capacity + " must be a power of two");
        }
        this.mask = capacity - 1;
        this.ends = new long[capacity];
        this.acknowledged = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++) {
            acknowledged.set(i, -1);
        }
    }

    /** {@return the most records in flight} */
    int capacity() {
        return mask + 1;
    }

    /** {@return records sent and not yet passed by {@link #advance}} */
    int size() {
        return (int) (next - lowest);
    }

    /** {@return free places} */
    int remaining() {
        return capacity() - size();
    }

    /** {@return the sequence number of the lowest record not yet acknowledged (or the next one)} */
    long lowest() {
        return lowest;
    }

    /** {@return the sequence number the next {@link #add} returns} */
    long next() {
        return next;
    }

    /**
     * Takes a record that is about to be sent.
     *
     * @param endPosition the ring position just past the record
     * @return its sequence number
     * @throws IllegalStateException if the window is full (the caller checks {@link #remaining})
     */
    long add(long endPosition) {
        if (next - lowest > mask) {
            throw new IllegalStateException("in-flight window full (" + capacity() + " records)");
        }
        ends[(int) (next & mask)] = endPosition;
        return next++;
    }

    /** Records Kafka's acknowledgement of record {@code seq} (any thread). */
    void acknowledge(long seq) {
        acknowledged.set((int) (seq & mask), seq);
        wakeUp();
    }

    /** Wakes the shipping thread if it waits for an acknowledgement (any thread). */
    void wakeUp() {
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Passes every record acknowledged in a row from the lowest one.
     *
     * @return the ring position just past the last record passed, or -1 if none was passed
     */
    long advance() {
        long end = -1;
        long seq = lowest;
        while (seq != next && acknowledged.get((int) (seq & mask)) == seq) {
            end = ends[(int) (seq & mask)];
            seq++;
        }
        lowest = seq;
        return end;
    }

    /**
     * Parks the shipping thread until the lowest record is acknowledged, {@link #wakeUp} is
     * called, or {@code nanos} pass (spurious returns are possible; callers re-check).
     *
     * @param nanos the longest wait
     */
    void awaitAcknowledgement(long nanos) {
        if (lowest == next) {
            return;
        }
        waiter = Thread.currentThread();
        try {
            // Re-check after publishing the waiter (see the field comment).
            if (acknowledged.get((int) (lowest & mask)) != lowest) {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            waiter = null;
        }
    }
}
