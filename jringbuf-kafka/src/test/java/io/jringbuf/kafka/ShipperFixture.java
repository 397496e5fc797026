/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.JvmRing;
import io.jringbuf.RingWriter;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Test records, ring writes and bounded loops shared by the shipper tests. */
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
        assertTrue(ring.writer().output(payload, 0), "the ring has room for the record");
    }

    /**
     * Writes records 0 .. count-1 of {@code size} bytes, waiting for room in bounded steps (a
     * ring producer retries its reservation every 5 ms), at most {@code within} in all.
     */
    static void writeWaiting(JvmRing ring, int count, int size, Duration within) {
        RingWriter producer = ring.writer();
        MemorySegment buffer = producer.buffer();
        long deadline = System.nanoTime() + within.toNanos();
        for (int i = 0; i < count; i++) {
            long offset;
            while ((offset = producer.reserve(size, Duration.ofMillis(5))) == RingWriter.NO_SPACE) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("no room in the ring for record " + i + " within " + within);
                }
            }
            MemorySegment.copy(record(i, size), 0, buffer, ValueLayout.JAVA_BYTE, offset, size);
            producer.submit(offset, 0);
        }
    }

    /** Writes a record that the consumer must skip (reserved, then discarded). */
    static void writeDiscarded(JvmRing ring, int size) {
        long offset = ring.writer().reserve(size);
        assertTrue(offset != RingWriter.NO_SPACE, "the ring has room for the record");
        ring.writer().discard(offset, 0);
    }

    /** @return the ring's producer position */
    static long producerPosition(JvmRing ring) {
        return ring.producerPosition();
    }

    /** @return the ring's consumer position */
    static long consumerPosition(JvmRing ring) {
        return ring.consumerPosition();
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
