/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import org.openjdk.jmh.infra.Control;

/**
 * What every benchmark in this package shares, so that both sides of a comparison do the same
 * work: the ring capacity, the payload, and the back-off when a ring is full or empty.
 */
final class Shared {
    /** Every fork: jringbuf calls restricted FFM methods. */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** Every fork (the same flags on both sides of a comparison): Agrona 2 uses jdk.internal.misc.Unsafe. */
    static final String ADD_EXPORTS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** Silences the JDK 24+ warning about sun.misc.Unsafe memory access (JMH, JCTools, Disruptor). */
    static final String AGRONA_UNSAFE = "--sun-misc-unsafe-memory-access=allow";

    /** Data bytes of every byte ring (jringbuf and Agrona alike); a page multiple and a power of two. */
    static final int RING_BYTES = 256 * 1024;

    /** A full or empty ring spins this many times before it yields (2 cores, up to 3 threads). */
    private static final int SPINS_BEFORE_YIELD = 64;

    private Shared() {
    }

    /** Entries of an object queue holding as many records as a byte ring of {@link #RING_BYTES}. */
    static int queueEntries(int payload) {
        return Integer.highestOneBit(RING_BYTES / (payload + 8));
    }

    /** A payload of {@code length} bytes with a recognisable pattern. */
    static byte[] payload(int length) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (i * 31 + 7);
        }
        return p;
    }

    /** The same payload as longs, for the object queues. */
    static long[] payloadLongs(int length) {
        long[] p = new long[length / 8];
        for (int i = 0; i < p.length; i++) {
            p[i] = i * 0x9E3779B97F4A7C15L;
        }
        return p;
    }

    /** Checks a payload size: the readers sum 8-byte words. */
    static int checkPayload(int payload) {
        if (payload <= 0 || (payload & 7) != 0) {
            throw new IllegalArgumentException("payload must be a positive multiple of 8: " + payload);
        }
        return payload;
    }

    /**
     * Back-off after a failed attempt (full ring for a producer, empty ring for a consumer).
     *
     * @param failures failed attempts so far in this operation, starting at 1
     */
    static void backOff(int failures) {
        if (failures % SPINS_BEFORE_YIELD == 0) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }

    /** Whether a producer that keeps failing should give up: the iteration is over. */
    static boolean stopped(Control control) {
        return control.stopMeasurement;
    }
}
