/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.JvmRingInternals;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Boundary sizes for every role that takes one: 0, 1, 7, 8, size-16, size-8, size, size+1, the
 * header's flag bits (bit 30, bit 31), their neighbours, negatives, and random ints. On an empty
 * ring a RINGBUF reservation fits iff {@code 0 <= length <= size - 16} (the kernel's {@code __bpf_ringbuf_reserve}: never fills
 * completely), a USER_RINGBUF one iff {@code 0 <= length <= size - 8} (libbpf's {@code user_ring_buffer__reserve}); any other length is
 * ErrnoException E2BIG (not a drop). A length that fits in principle but not now returns -1 (a
 * RINGBUF counts a drop). Commit offsets that are not reserved records are EINVAL.
 */
class BoundarySizeProperties {
    static final int SIZE = 4096;

    @Provide
    Arbitrary<Integer> lengths() {
        return Arbitraries.oneOf(
                Arbitraries.of(0, 1, 7, 8, 9, 15, 16, SIZE - 17, SIZE - 16, SIZE - 15, SIZE - 9, SIZE - 8, SIZE - 7,
                        SIZE, SIZE + 1, RingLayout.DYNPTR_MAX_SIZE, (1 << 30) - 1, 1 << 30, (1 << 30) + 1,
                        RingLayout.LENGTH_MASK, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE | 8,
                        (1 << 30) | 8, -1, -8, -SIZE),
                Arbitraries.integers().between(0, SIZE + 8),
                Arbitraries.integers());
    }

    @Property(tries = 150)
    void ringbufReserveAndOutput(@ForAll("lengths") int length, @ForAll boolean viaOutput) {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, SIZE); Arena arena = Arena.ofConfined()) {
            Producer producer = JvmRingInternals.producer(ring);
            boolean fits = length >= 0 && length <= SIZE - 16;
            MemorySegment source = arena.allocate(SIZE);
            if (!fits) {
                ErrnoException e = assertThrows(ErrnoException.class, () -> {
                    if (viaOutput) {
                        producer.output(source, 0, length, 0);
                    } else {
                        producer.reserve(length);
                    }
                }, "length " + length);
                assertEquals(Errno.E2BIG, e.errno(), e.getMessage());
                assertEquals(0, producer.drops(), "E2BIG is not a drop");
                assertEquals(0, producer.query(RingLayout.QUERY_PROD_POS), "nothing reserved");
                return;
            }
            if (viaOutput) {
                assertTrue(producer.output(source, 0, length, 0), "length " + length);
            } else {
                long offset = producer.reserve(length);
                assertEquals(8, offset, "length " + length);
                producer.submit(offset, 0);
            }
            assertEquals(RingLayout.recordSize(length), producer.query(RingLayout.QUERY_PROD_POS));
            int[] seen = {-1};
            assertEquals(1, JvmRingInternals.consumer(ring).consume((b, o, l) -> {
                seen[0] = l;
                return true;
            }));
            assertEquals(length, seen[0]);
            // Not now: with one 8-byte record outstanding, the same length fits only if both do.
            long held = producer.reserve(0);
            boolean fitsNow = RingLayout.recordSize(length) + 8 <= SIZE - 1;
            long again = producer.reserve(length);
            assertEquals(fitsNow, again >= 0, "length " + length + " next to a held record");
            assertEquals(fitsNow ? 0 : 1, producer.drops(), "a temporary lack of space is a drop");
            producer.discard(held, 0);
        }
    }

    @Property(tries = 150)
    void userRingbufReserve(@ForAll("lengths") int length) {
        try (JvmRing ring = JvmRing.anonymous(RingType.USER_RINGBUF, SIZE)) {
            UserProducer producer = JvmRingInternals.userProducer(ring);
            boolean fits = length >= 0 && length <= SIZE - 8;
            if (!fits) {
                ErrnoException e = assertThrows(ErrnoException.class, () -> producer.reserve(length), "length " + length);
                assertEquals(Errno.E2BIG, e.errno(), e.getMessage());
                assertEquals(0, producer.producerPosition(), "nothing reserved");
                return;
            }
            long offset = producer.reserve(length);
            assertEquals(8, offset, "length " + length);
            producer.submit(offset);
            int[] seen = {-1};
            assertEquals(1, JvmRingInternals.drainer(ring).drain((b, o, l) -> {
                seen[0] = l;
                return true;
            }, 0));
            assertEquals(length, seen[0]);
            long held = producer.reserve(0);
            boolean fitsNow = RingLayout.recordSize(length) + 8 <= SIZE;
            assertEquals(fitsNow, producer.reserve(length) >= 0, "length " + length + " next to a held record");
            assertFalse(held < 0);
        }
    }

    @Provide
    Arbitrary<Long> offsets() {
        return Arbitraries.oneOf(
                Arbitraries.of(-1L, 0L, 1L, 7L, 8L, 9L, 16L, 24L, SIZE - 8L, (long) SIZE, SIZE + 8L, 2L * SIZE,
                        Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 8),
                Arbitraries.longs());
    }

    @Property(tries = 150)
    void commitOfAnythingButAReservedRecordIsEinval(@ForAll("offsets") long offset, @ForAll boolean user,
            @ForAll boolean discard) {
        try (JvmRing ring = JvmRing.anonymous(user ? RingType.USER_RINGBUF : RingType.RINGBUF, SIZE)) {
            long reserved = user ? JvmRingInternals.userProducer(ring).reserve(16) : JvmRingInternals.producer(ring).reserve(16);
            assertEquals(8, reserved);
            Runnable commit = () -> {
                if (user) {
                    if (discard) {
                        JvmRingInternals.userProducer(ring).discard(offset);
                    } else {
                        JvmRingInternals.userProducer(ring).submit(offset);
                    }
                } else if (discard) {
                    JvmRingInternals.producer(ring).discard(offset, 0);
                } else {
                    JvmRingInternals.producer(ring).submit(offset, 0);
                }
            };
            if (offset == reserved) {
                commit.run();
                // Twice is not a reserved record any more.
                assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, commit::run).errno());
            } else {
                assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, commit::run).errno(), "offset " + offset);
            }
        }
    }
}
