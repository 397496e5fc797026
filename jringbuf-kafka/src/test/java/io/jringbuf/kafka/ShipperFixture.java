/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.JvmRing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Test records and bounded loops shared by the shipper tests. */
final class ShipperFixture {
    private ShipperFixture() {
    }

    /** A record of {@code size} bytes (at least 8): the sequence number (little-endian), then a pattern from it. */
    static byte[] record(long sequence, int size) {
        byte[] bytes = new byte[size];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, sequence);
        for (int i = 8; i < size; i++) {
            bytes[i] = (byte) (sequence * 31 + i);
        }
        return bytes;
    }

    /** Writes a record into the ring, failing the test if the ring is full. */
    static void write(JvmRing ring, byte[] payload) {
        assertTrue(ring.producer().output(payload, 0), "the ring has room for the record");
    }

    /** Writes a record that the consumer must skip (reserved, then discarded). */
    static void writeDiscarded(JvmRing ring, int size) {
        long offset = ring.producer().reserve(size);
        assertTrue(offset >= 0, "the ring has room for the record");
        ring.producer().discard(offset, 0);
    }

    /** @return the ring's producer position */
    static long producerPosition(JvmRing ring) {
        return RingCommitReader.producerPosition(ring);
    }

    /** @return the ring's consumer position */
    static long consumerPosition(JvmRing ring) {
        return RingCommitReader.consumerPosition(ring);
    }

    /** Polls the shipper until the condition holds, failing after {@code timeout}. */
    static void shipUntil(KafkaShipper shipper, BooleanSupplier done, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + timeout + ": " + what + " (" + shipper + ")");
            }
            shipper.poll(Duration.ofMillis(50));
        }
    }

    /** Polls the shipper until it throws, failing after {@code timeout}; returns what it threw. */
    static ShipException shipUntilFailure(KafkaShipper shipper, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() - deadline < 0) {
                shipper.poll(Duration.ofMillis(50));
            }
        } catch (ShipException e) {
            return e;
        }
        return fail("the shipper did not fail within " + timeout + " (" + shipper + ")");
    }
}
