/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.stress;

import io.jringbuf.JvmRing;
import io.jringbuf.RingType;
import io.jringbuf.protocol.Producer;
import io.jringbuf.protocol.RingControl;
import io.jringbuf.protocol.RingLayout;
import io.jringbuf.protocol.RingView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The 2024 overrun rule under concurrency (kernel cfa1a2329a69, {@code pending_pos}): a reservation
 * never overlaps a record that is still BUSY, whatever {@code consumer_pos} says. Two producer
 * threads reserve records of varying sizes in a 4 KiB ring, fill them, keep them BUSY for a
 * varying while, check that header and payload are still exactly theirs, and commit (or discard);
 * a faulty consumer thread keeps storing {@code producer_pos} into {@code consumer_pos}, passing
 * BUSY records, so that only {@code pending_pos} (walked lazily by the producers, see
 * {@link Producer}) stands between a reservation and a record still being written.
 *
 * <p>Negative control: the same threads with a producer that applies only the
 * {@code consumer_pos} check (the rule before 2024) overwrite each other's BUSY records, and the
 * checks see it.
 */
class OverrunStressTest {
    private static final long SIZE = 4096;
    /** Reservations each producer thread makes (refusals do not count). */
    private static final int RESERVATIONS_PER_THREAD = 20_000;
    /** A bound on each producer thread's attempts, refusals included. */
    private static final long MAX_ATTEMPTS_PER_THREAD = 20_000_000;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** What a producer thread uses: the library's Producer, or the pre-2024 rule below. */
    interface Reserving {
        long reserve(int length);

        void commit(long offset, boolean discard);
    }

    /** Counts of one run. */
    record Outcome(long reserved, long refused, long overlaps, String firstOverlap) {
    }

    @Test
    @Timeout(120)
    void noReservationOverlapsABusyRecordWhileAFaultyConsumerPassesThem() throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, SIZE)) {
            Producer producer = ring.producer();
            Reserving real = new Reserving() {
                @Override
                public long reserve(int length) {
                    return producer.reserve(length);
                }

                @Override
                public void commit(long offset, boolean discard) {
                    if (discard) {
                        producer.discard(offset, RingLayout.NO_WAKEUP);
                    } else {
                        producer.submit(offset, RingLayout.NO_WAKEUP);
                    }
                }
            };
            Outcome o = run(ring.view(), real, RESERVATIONS_PER_THREAD);
            System.out.println("overrun stress, library producer: " + o);
            assertEquals(0, o.overlaps(), () -> "a reservation overlapped a BUSY record: " + o.firstOverlap());
            assertEquals(2L * RESERVATIONS_PER_THREAD, o.reserved(), "every producer made its reservations: " + o);
            // With consumer_pos always at producer_pos, only pending_pos can refuse: refusals show
            // that the walk ran, met BUSY records, and stopped there.
            assertTrue(o.refused() > 0, "pending_pos refused reservations: " + o);
            assertTrue(ring.view().producerPage().get(ValueLayout.JAVA_LONG, RingLayout.PENDING_POS_OFFSET) > 0,
                    "pending_pos was walked");
        }
    }

    @Test
    @Timeout(120)
    void negativeControlWithoutThePendingCheckTheOverlapsAreSeen() throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, SIZE)) {
            Outcome o = run(ring.view(), new ConsumerCheckOnly(ring.view(), ring.control()), RESERVATIONS_PER_THREAD);
            System.out.println("overrun stress, consumer_pos check only: " + o);
            assertTrue(o.overlaps() > 0, "the pre-2024 rule overwrites BUSY records here, and the checks see it: " + o);
        }
    }

    /** Two producer threads and the faulty consumer; returns when both producers are done. */
    private static Outcome run(RingView view, Reserving reserving, int perThread) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reserved = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong overlaps = new AtomicLong();
        AtomicReference<String> first = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            awaitQuietly(start);
            while (!stop.get()) {
                // Faulty: "consumes" everything published, BUSY records included, reading nothing.
                long prod = (long) LONG.getAcquire(view.producerPage(), 0L);
                LONG.setRelease(view.consumerPage(), 0L, prod);
                Thread.yield(); // three threads on as few as two CPUs: leave the producers room
            }
        }, "faulty-consumer");
        Thread[] producers = new Thread[2];
        for (int t = 0; t < producers.length; t++) {
            final int id = t + 1;
            producers[t] = new Thread(() -> {
                awaitQuietly(start);
                MemorySegment d = view.data();
                long seed = id * 0x9E3779B97F4A7C15L;
                long attempts = 0;
                for (int i = 0; i < perThread && attempts < MAX_ATTEMPTS_PER_THREAD; attempts++) {
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                    int length = 8 * (1 + (int) ((seed >>> 33) % 25)); // 8 .. 200 bytes
                    long offset = reserving.reserve(length);
                    if (offset < 0) {
                        // Refused: the other producer's BUSY record is a ring behind (its thread
                        // may have lost its CPU while holding it); let it run.
                        refused.incrementAndGet();
                        Thread.yield();
                        continue;
                    }
                    reserved.incrementAndGet();
                    i++;
                    long header = d.get(ValueLayout.JAVA_LONG, offset - RingLayout.HEADER_SIZE);
                    long tag = ((long) id << 56) ^ ((long) i << 16);
                    for (int w = 0; w < length; w += 8) {
                        d.set(ValueLayout.JAVA_LONG, offset + w, tag + w);
                    }
                    // Stay BUSY for a while: 0 to about 500 spins, sometimes a yield.
                    int hold = (int) ((seed >>> 20) & 511);
                    for (int s = 0; s < hold; s++) {
                        Thread.onSpinWait();
                    }
                    if ((seed & 0xF0000) == 0) {
                        Thread.yield();
                    }
                    String overlap = null;
                    if (d.get(ValueLayout.JAVA_LONG, offset - RingLayout.HEADER_SIZE) != header) {
                        overlap = "thread " + id + " reservation " + i + ": header at offset " + offset + " changed";
                    } else {
                        for (int w = 0; w < length; w += 8) {
                            if (d.get(ValueLayout.JAVA_LONG, offset + w) != tag + w) {
                                overlap = "thread " + id + " reservation " + i + ": payload word " + w + " of "
                                        + length + " at offset " + offset + " changed";
                                break;
                            }
                        }
                    }
                    if (overlap != null) {
                        overlaps.incrementAndGet();
                        first.compareAndSet(null, overlap);
                    }
                    try {
                        reserving.commit(offset, (i & 3) == 0);
                    } catch (RuntimeException e) {
                        // The library's commit refuses a header that is no longer BUSY: also an overlap.
                        overlaps.incrementAndGet();
                        first.compareAndSet(null, "thread " + id + " reservation " + i + ": commit: " + e);
                    }
                }
            }, "producer-" + id);
        }
        consumer.start();
        for (Thread p : producers) {
            p.start();
        }
        start.countDown();
        try {
            for (Thread p : producers) {
                p.join(TimeUnit.SECONDS.toMillis(90));
                assertFalse(p.isAlive(), p.getName() + " did not finish within 90 s");
            }
        } finally {
            stop.set(true);
            consumer.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertFalse(consumer.isAlive(), "the faulty consumer did not stop within 10 s");
        return new Outcome(reserved.get(), refused.get(), overlaps.get(), first.get());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("start latch not released within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The negative control's producer: the ring's reservation lock and record format, but only the
     * {@code consumer_pos} check (no {@code pending_pos}), as reservations worked before 2024.
     */
    private static final class ConsumerCheckOnly implements Reserving {
        private final RingView view;
        private final RingControl control;
        private final long mask;

        ConsumerCheckOnly(RingView view, RingControl control) {
            this.view = view;
            this.control = control;
            this.mask = view.mask();
        }

        @Override
        public long reserve(int length) {
            if (!control.lockReservation()) {
                return -1;
            }
            try {
                long prod = (long) LONG.get(view.producerPage(), 0L);
                long cons = (long) LONG.getAcquire(view.consumerPage(), 0L);
                long newProd = prod + RingLayout.recordSize(length);
                if (newProd - cons > mask) {
                    return -1;
                }
                long headerOffset = prod & mask;
                view.data().set(ValueLayout.JAVA_INT, headerOffset + RingLayout.HEADER_OWNER_OFFSET, control.ownerToken());
                view.data().set(ValueLayout.JAVA_INT, headerOffset, length | RingLayout.BUSY_BIT);
                LONG.setRelease(view.producerPage(), 0L, newProd);
                return headerOffset + RingLayout.HEADER_SIZE;
            } finally {
                control.unlockReservation();
            }
        }

        @Override
        public void commit(long offset, boolean discard) {
            long headerOffset = offset - RingLayout.HEADER_SIZE;
            int header = view.data().get(ValueLayout.JAVA_INT, headerOffset);
            int committed = (header & ~RingLayout.BUSY_BIT) | (discard ? RingLayout.DISCARD_BIT : 0);
            VarHandle.releaseFence();
            view.data().set(ValueLayout.JAVA_INT, headerOffset, committed);
        }
    }
}
