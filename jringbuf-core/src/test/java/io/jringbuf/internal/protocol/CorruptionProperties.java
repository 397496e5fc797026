/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.JvmRingInternals;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random corruption of ring memory: header words (flag bits, zero, lengths past the published
 * data or the ring, huge, negative) and positions (misaligned, behind, ahead, wrapped). A
 * Consumer (RINGBUF) or Drainer (USER_RINGBUF) over the corrupt ring either delivers records
 * inside the data area or fails with the ErrnoException the spec names (Consumer: EINVAL;
 * Drainer: EINVAL or E2BIG, as the kernel's {@code __bpf_user_ringbuf_peek} checks), within a bounded time, and never throws anything
 * else. Where the spec fixes the outcome of a position corruption, that outcome is asserted.
 */
class CorruptionProperties {
    static final int SIZE = 4096;
    private static final Duration BOUND = Duration.ofSeconds(5);

    @Provide
    Arbitrary<Integer> headerWords() {
        return Arbitraries.oneOf(
                Arbitraries.of(0, RingLayout.BUSY_BIT, RingLayout.DISCARD_BIT, RingLayout.BUSY_BIT | RingLayout.DISCARD_BIT,
                        RingLayout.LENGTH_MASK, SIZE, SIZE - 8, SIZE - 16, SIZE + 1, 2 * SIZE, RingLayout.DYNPTR_MAX_SIZE + 1,
                        Integer.MAX_VALUE, -1, 8 | RingLayout.DISCARD_BIT, SIZE | RingLayout.DISCARD_BIT, 1 << 29),
                Arbitraries.integers());
    }

    @Provide
    Arbitrary<Long> positionDeltas() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(1, 7),                          // misaligned
                Arbitraries.of(-8L, -16L, (long) -SIZE, -SIZE - 8L, -2L * SIZE),    // behind
                Arbitraries.of(8L, SIZE - 8L, (long) SIZE, SIZE + 8L, 2L * SIZE),   // ahead
                Arbitraries.of(Long.MAX_VALUE - 7, Long.MIN_VALUE, -1L << 32, 1L << 62), // wrapped / far
                Arbitraries.longs());
    }

    /** A ring with committed records, some consumed, positions possibly past a wrap. */
    private static long[] fill(Producer producer, Consumer consumer, int records, int consumed, int length) {
        for (int i = 0; i < records; i++) {
            long offset = producer.reserve(length);
            if (offset >= 0) {
                producer.submit(offset, RingLayout.NO_WAKEUP);
            }
        }
        consumer.consume((b, o, l) -> true, consumed);
        return new long[] {consumer.consumerPosition(), consumer.producerPosition()};
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void consumerSurvivesCorruptHeaders(@ForAll @IntRange(min = 1, max = 40) int records,
            @ForAll @IntRange(min = 0, max = 40) int consumed, @ForAll @IntRange(min = 0, max = 300) int length,
            @ForAll @IntRange(min = 0, max = 40) int victim, @ForAll("headerWords") int word,
            @ForAll boolean batchCommit) {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, SIZE)) {
            Producer producer = new Producer(JvmRingInternals.view(ring), JvmRingInternals.control(ring), Notifier.NONE, null);
            Consumer consumer = new Consumer(JvmRingInternals.view(ring), batchCommit, Notifier.NONE, JvmRingInternals.control(ring));
            long[] pos = fill(producer, consumer, records, consumed, length);
            long recordSize = RingLayout.recordSize(length);
            long at = pos[0] + (victim % Math.max(1, (pos[1] - pos[0]) / recordSize + 1)) * recordSize;
            RawRing.writeHeader(JvmRingInternals.view(ring), at, word, 0);
            runBounded("consume", () -> consumer.consume(inside(JvmRingInternals.view(ring)), Integer.MAX_VALUE), Set.of(Errno.EINVAL),
                    JvmRingInternals.view(ring), pos[1]);
        }
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void consumerSurvivesCorruptPositions(@ForAll @IntRange(min = 0, max = 40) int records,
            @ForAll @IntRange(min = 0, max = 40) int consumed, @ForAll @IntRange(min = 0, max = 300) int length,
            @ForAll("positionDeltas") long delta, @ForAll boolean corruptProducer, @ForAll boolean batchCommit) {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, SIZE)) {
            Producer producer = new Producer(JvmRingInternals.view(ring), JvmRingInternals.control(ring), Notifier.NONE, null);
            Consumer consumer = new Consumer(JvmRingInternals.view(ring), batchCommit, Notifier.NONE, JvmRingInternals.control(ring));
            long[] pos = fill(producer, consumer, records, consumed, length);
            long cons = corruptProducer ? pos[0] : pos[0] + delta;
            long prod = corruptProducer ? pos[1] + delta : pos[1];
            RawRing.setConsumerPos(JvmRingInternals.view(ring), cons);
            RawRing.setProducerPos(JvmRingInternals.view(ring), prod);
            long avail = prod - cons;
            boolean corrupt = avail > 0 && (((cons | prod) & 7) != 0 || avail > SIZE);
            Outcome outcome = runBounded("consume", () -> consumer.consume(inside(JvmRingInternals.view(ring)), Integer.MAX_VALUE),
                    Set.of(Errno.EINVAL), JvmRingInternals.view(ring), prod);
            if (avail <= 0) {
                assertEquals(0, outcome.result, "nothing published: nothing delivered");
                assertEquals(cons, RawRing.consumerPos(JvmRingInternals.view(ring)), "nothing published: nothing moved");
            } else if (corrupt) {
                assertEquals(Errno.EINVAL, outcome.errno, "corrupt positions: EINVAL");
                assertEquals(cons, RawRing.consumerPos(JvmRingInternals.view(ring)), "corrupt positions: nothing moved");
            }
        }
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void drainerSurvivesCorruptHeaders(@ForAll @IntRange(min = 1, max = 40) int records,
            @ForAll @IntRange(min = 0, max = 40) int consumed, @ForAll @IntRange(min = 0, max = 300) int length,
            @ForAll @IntRange(min = 0, max = 40) int victim, @ForAll("headerWords") int word) {
        try (JvmRing ring = JvmRing.anonymous(RingType.USER_RINGBUF, SIZE)) {
            Drainer drainer = new Drainer(JvmRingInternals.view(ring), JvmRingInternals.control(ring), Notifier.NONE, null);
            long[] pos = fillUser(ring, drainer, records, consumed, length);
            long recordSize = RingLayout.recordSize(length);
            long at = pos[0] + (victim % Math.max(1, (pos[1] - pos[0]) / recordSize + 1)) * recordSize;
            RawRing.writeHeader(JvmRingInternals.view(ring), at, word, 0);
            runBounded("drain", () -> drainer.drain(inside(JvmRingInternals.view(ring)), 0), Set.of(Errno.EINVAL, Errno.E2BIG), JvmRingInternals.view(ring),
                    pos[1]);
        }
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void drainerSurvivesCorruptPositions(@ForAll @IntRange(min = 0, max = 40) int records,
            @ForAll @IntRange(min = 0, max = 40) int consumed, @ForAll @IntRange(min = 0, max = 300) int length,
            @ForAll("positionDeltas") long delta, @ForAll boolean corruptProducer) {
        try (JvmRing ring = JvmRing.anonymous(RingType.USER_RINGBUF, SIZE)) {
            Drainer drainer = new Drainer(JvmRingInternals.view(ring), JvmRingInternals.control(ring), Notifier.NONE, null);
            long[] pos = fillUser(ring, drainer, records, consumed, length);
            long cons = corruptProducer ? pos[0] : pos[0] + delta;
            long prod = corruptProducer ? pos[1] + delta : pos[1];
            RawRing.setConsumerPos(JvmRingInternals.view(ring), cons);
            RawRing.setProducerPos(JvmRingInternals.view(ring), prod);
            Outcome outcome = runBounded("drain", () -> drainer.drain(inside(JvmRingInternals.view(ring)), 0),
                    Set.of(Errno.EINVAL, Errno.E2BIG), JvmRingInternals.view(ring), prod);
            if ((prod & 7) != 0) {
                assertEquals(Errno.EINVAL, outcome.errno, "misaligned producer_pos is EINVAL, as in __bpf_user_ringbuf_peek");
            } else if (prod - cons <= 0) {
                assertEquals(0, outcome.result, "nothing published: nothing delivered");
                assertEquals(cons, RawRing.consumerPos(JvmRingInternals.view(ring)), "nothing published: nothing moved");
            } else if ((cons & 7) != 0) {
                assertEquals(Errno.EINVAL, outcome.errno, "misaligned consumer_pos is EINVAL");
                assertEquals(cons, RawRing.consumerPos(JvmRingInternals.view(ring)), "misaligned consumer_pos: nothing moved");
            }
        }
    }

    /**
     * The producers read positions too: a corrupt consumer_pos, producer_pos or pending_pos makes
     * a reservation fail (-1, a drop) or fail with EINVAL; it never throws anything else, never
     * hangs, and never writes a header outside the data area.
     */
    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void producersSurviveCorruptPositions(@ForAll @IntRange(min = 0, max = 40) int records,
            @ForAll @IntRange(min = 0, max = 40) int consumed, @ForAll @IntRange(min = 0, max = 300) int length,
            @ForAll("positionDeltas") long delta, @ForAll @IntRange(min = 0, max = 2) int which,
            @ForAll boolean user) {
        try (JvmRing ring = JvmRing.anonymous(user ? RingType.USER_RINGBUF : RingType.RINGBUF, SIZE)) {
            RingView v = JvmRingInternals.view(ring);
            long[] pos;
            Call reserve;
            if (user) {
                Drainer drainer = new Drainer(v, JvmRingInternals.control(ring), Notifier.NONE, null);
                pos = fillUser(ring, drainer, records, consumed, length);
                reserve = () -> {
                    // A fresh producer: corrupting producer_pos behind one's back is EBUSY (tested
                    // elsewhere); here the question is what a producer opening the ring does.
                    UserProducer p = new UserProducer(v, Notifier.NONE, null, JvmRingInternals.control(ring));
                    long offset = p.reserve(length);
                    if (offset >= 0) {
                        p.submit(offset);
                    }
                    return offset >= 0 ? 1 : 0;
                };
            } else {
                Producer producer = new Producer(v, JvmRingInternals.control(ring), Notifier.NONE, null);
                Consumer consumer = new Consumer(v, false, Notifier.NONE, JvmRingInternals.control(ring));
                pos = fill(producer, consumer, records, consumed, length);
                reserve = () -> {
                    long offset = producer.reserve(length);
                    if (offset >= 0) {
                        producer.submit(offset, 0);
                    }
                    return offset >= 0 ? 1 : 0;
                };
            }
            switch (which) {
                case 0 -> RawRing.setConsumerPos(v, pos[0] + delta);
                case 1 -> RawRing.setProducerPos(v, pos[1] + delta);
                default -> RawRing.setPendingPos(v, pos[1] + delta);
            }
            assertTimeoutPreemptively(BOUND, () -> {
                for (int i = 0; i < 3; i++) {
                    try {
                        reserve.run();
                    } catch (ErrnoException e) {
                        assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
                        assertTrue(e.operation().startsWith("reserve:"), "names the operation: " + e.operation());
                        break;
                    } catch (Throwable t) {
                        throw new AssertionError("not an ErrnoException: " + t, t);
                    }
                }
            });
        }
    }

    private static long[] fillUser(JvmRing ring, Drainer drainer, int records, int consumed, int length) {
        UserProducer producer = new UserProducer(JvmRingInternals.view(ring), Notifier.NONE, null, JvmRingInternals.control(ring));
        for (int i = 0; i < records; i++) {
            long offset = producer.reserve(length);
            if (offset >= 0) {
                producer.submit(offset);
            }
        }
        int[] left = {consumed};
        if (consumed > 0) {
            drainer.drain((b, o, l) -> --left[0] > 0, 0);
        }
        return new long[] {drainer.consumerPosition(), drainer.producerPosition()};
    }

    /** A handler that fails the property (not with ErrnoException) if a record leaves the data area. */
    private static RecordHandler inside(RingView view) {
        return (MemorySegment buffer, long offset, int length) -> {
            if (offset < 0 || length < 0 || offset + length > 2 * view.size()) {
                throw new AssertionError("record outside the data area: offset " + offset + ", length " + length);
            }
            return true;
        };
    }

    record Outcome(int result, int errno) {
    }

    interface Call {
        int run();
    }

    /**
     * Three calls, each bounded in time; each returns a count or throws an ErrnoException with an
     * allowed errno (that errno ends the run). Anything else fails. The consumer position never
     * passes the producer position it was given.
     */
    private static Outcome runBounded(String operation, Call call, Set<Integer> allowed, RingView view, long prod) {
        return assertTimeoutPreemptively(BOUND, () -> {
            Outcome first = null;
            for (int i = 0; i < 3; i++) {
                long consBefore = RawRing.consumerPos(view);
                Outcome o;
                try {
                    o = new Outcome(call.run(), 0);
                    assertTrue(o.result >= 0, "a count is never negative");
                } catch (ErrnoException e) {
                    assertTrue(allowed.contains(e.errno()), "unexpected errno " + e.errnoName() + ": " + e.getMessage());
                    assertTrue(e.operation().startsWith(operation + ":"),
                            "the exception names the operation: " + e.operation());
                    o = new Outcome(-1, e.errno());
                } catch (AssertionError e) {
                    throw e;
                } catch (Throwable t) {
                    throw new AssertionError("not an ErrnoException: " + t, t);
                }
                long consAfter = RawRing.consumerPos(view);
                if (consAfter != consBefore && prod - consBefore > 0) {
                    assertTrue(prod - consAfter >= 0, "consumer_pos " + consAfter + " passed producer_pos " + prod);
                }
                if (first == null) {
                    first = o;
                }
                if (o.errno != 0) {
                    break;
                }
            }
            return first;
        });
    }
}
