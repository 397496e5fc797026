/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.stress;

import io.jringbuf.RingWriter;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.protocol.RingControl;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;
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
 * threads share a 4 KiB ring; before every reservation each plays a faulty consumer and moves
 * {@code consumer_pos} up to {@code producer_pos}, passing BUSY records, so the
 * {@code consumer_pos} check never refuses and only {@code pending_pos} (walked lazily by the
 * producers, see {@link Producer}) stands between a reservation and a record still being
 * written. The holder thread keeps every 16th record BUSY until the racer thread has either been
 * refused (what the rule demands) or reserved two rings' worth of bytes past it (an overrun);
 * both threads check, before committing, that header and payload are still exactly theirs.
 *
 * <p>Negative control: the same threads with a producer that applies only the
 * {@code consumer_pos} check (the rule before 2024) lap the held records, and the checks see it.
 */
class OverrunStressTest {
    private static final long SIZE = 4096;
    /** Reservations the holder thread makes; every {@link #LONG_HOLD_EVERY}th is held long. */
    private static final int HOLDER_RESERVATIONS = 4_000;
    private static final int LONG_HOLD_EVERY = 16;
    /** A bound on one long hold, should the racer not get a CPU. */
    private static final long HOLD_BOUND_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A bound on each thread's attempts, refusals included. */
    private static final long MAX_ATTEMPTS = 50_000_000;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** What a producer thread uses: the library's Producer, or the pre-2024 rule below. */
    interface Reserving {
        long reserve(int length);

        void commit(long offset, boolean discard);
    }

    /** Counts of one run. */
    record Outcome(long reserved, long racerRefusals, long longHolds, long endedByRefusal, long endedByLap,
                   long timedOut, long overlaps, String firstProblem) {
    }

    @Test
    @Timeout(120)
    void noReservationOverlapsABusyRecordWhileAFaultyConsumerPassesThem() throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, SIZE)) {
            RingWriter producer = ring.writer();
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
            Outcome o = run(JvmRingInternals.view(ring), real);
            System.out.println("overrun stress, library producer: " + o);
            assertEquals(0, o.overlaps(), () -> "a reservation overlapped a BUSY record: " + o.firstProblem());
            assertEquals(0, o.endedByLap(), "the racer reserved two rings past a BUSY record: " + o);
            // consumer_pos is at producer_pos before every reservation: these refusals are pending_pos's.
            assertTrue(o.endedByRefusal() > 0 && o.racerRefusals() > 0, "pending_pos refused the racer: " + o);
            assertTrue(JvmRingInternals.view(ring).producerPage().get(ValueLayout.JAVA_LONG, RingLayout.PENDING_POS_OFFSET) > 0,
                    "pending_pos was walked");
        }
    }

    @Test
    @Timeout(120)
    void negativeControlWithoutThePendingCheckTheOverlapsAreSeen() throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, SIZE)) {
            Outcome o = run(JvmRingInternals.view(ring), new ConsumerCheckOnly(JvmRingInternals.view(ring), JvmRingInternals.control(ring)));
            System.out.println("overrun stress, consumer_pos check only: " + o);
            assertTrue(o.endedByLap() > 0 && o.overlaps() > 0,
                    "the pre-2024 rule laps held BUSY records, and the checks see it: " + o);
        }
    }

    /** The holder and the racer; returns when the holder is done. */
    private static Outcome run(RingView view, Reserving reserving) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reserved = new AtomicLong();
        AtomicLong racerRefusals = new AtomicLong();
        AtomicLong racerBytes = new AtomicLong();
        AtomicLong overlaps = new AtomicLong();
        AtomicReference<String> first = new AtomicReference<>();
        long[] holds = new long[4]; // long holds, ended by refusal, by lap, timed out (holder thread only)
        CountDownLatch start = new CountDownLatch(1);

        Thread holder = thread("holder", stop, first, () -> {
            awaitQuietly(start);
            MemorySegment d = view.data();
            long seed = 0x9E3779B97F4A7C15L;
            int done = 0;
            for (long attempt = 0; done < HOLDER_RESERVATIONS && attempt < MAX_ATTEMPTS && !stop.get(); attempt++) {
                seed = next(seed);
                int length = lengthOf(seed);
                passEverything(view);
                long offset = reserving.reserve(length);
                if (offset < 0) {
                    Thread.yield();
                    continue;
                }
                reserved.incrementAndGet();
                done++;
                long header = d.get(ValueLayout.JAVA_LONG, offset - RingLayout.HEADER_SIZE);
                long tag = fill(d, offset, length, 1, done);
                if (done % LONG_HOLD_EVERY == 0) {
                    holds[0]++;
                    long refusedBefore = racerRefusals.get();
                    long bytesBefore = racerBytes.get();
                    long deadline = System.nanoTime() + HOLD_BOUND_NANOS;
                    for (;;) {
                        if (racerRefusals.get() != refusedBefore) {
                            holds[1]++;
                            break;
                        }
                        if (racerBytes.get() - bytesBefore >= 2 * SIZE) {
                            holds[2]++;
                            break;
                        }
                        if (System.nanoTime() - deadline > 0 || stop.get()) {
                            holds[3]++;
                            break;
                        }
                        Thread.onSpinWait();
                    }
                }
                check(reserving, d, offset, length, header, tag, done, "holder", overlaps, first);
            }
        });
        Thread racer = thread("racer", stop, first, () -> {
            awaitQuietly(start);
            MemorySegment d = view.data();
            long seed = 0xD1B54A32D192ED03L;
            int done = 0;
            for (long attempt = 0; attempt < MAX_ATTEMPTS && !stop.get(); attempt++) {
                seed = next(seed);
                int length = lengthOf(seed);
                passEverything(view);
                long offset = reserving.reserve(length);
                if (offset < 0) {
                    racerRefusals.incrementAndGet();
                    Thread.onSpinWait();
                    continue;
                }
                reserved.incrementAndGet();
                racerBytes.addAndGet(RingLayout.recordSize(length));
                done++;
                long header = d.get(ValueLayout.JAVA_LONG, offset - RingLayout.HEADER_SIZE);
                long tag = fill(d, offset, length, 2, done);
                for (int s = (int) (seed >>> 58); s > 0; s--) { // a short hold: 0 to 63 spins
                    Thread.onSpinWait();
                }
                check(reserving, d, offset, length, header, tag, done, "racer", overlaps, first);
            }
        });
        holder.start();
        racer.start();
        start.countDown();
        try {
            holder.join(TimeUnit.SECONDS.toMillis(90));
            assertFalse(holder.isAlive(), "the holder did not finish within 90 s");
        } finally {
            stop.set(true);
            racer.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertFalse(racer.isAlive(), "the racer did not stop within 10 s");
        return new Outcome(reserved.get(), racerRefusals.get(), holds[0], holds[1], holds[2], holds[3],
                overlaps.get(), first.get());
    }

    /** A daemon thread whose failure (any Throwable) stops the run and is reported first. */
    private static Thread thread(String name, AtomicBoolean stop, AtomicReference<String> first, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                first.compareAndSet(null, name + " failed: " + e);
                stop.set(true);
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    private static long next(long seed) {
        return seed * 6364136223846793005L + 1442695040888963407L;
    }

    /** 8 to 200 bytes. */
    private static int lengthOf(long seed) {
        return 8 * (1 + (int) ((seed >>> 33) % 25));
    }

    /** The faulty consumer: moves consumer_pos up to producer_pos, past any BUSY record. */
    private static void passEverything(RingView view) {
        long prod = (long) LONG.getAcquire(view.producerPage(), 0L);
        for (;;) {
            long cons = (long) LONG.getAcquire(view.consumerPage(), 0L);
            if (cons - prod >= 0 || LONG.compareAndSet(view.consumerPage(), 0L, cons, prod)) {
                return;
            }
        }
    }

    /** Writes a pattern that names the thread and the record; returns its tag. */
    private static long fill(MemorySegment d, long offset, int length, int thread, int record) {
        long tag = ((long) thread << 56) ^ ((long) record << 16);
        for (int w = 0; w < length; w += 8) {
            d.set(ValueLayout.JAVA_LONG, offset + w, tag + w);
        }
        return tag;
    }

    /** Checks header and payload are still this record's, then commits (every 4th as a discard). */
    private static void check(Reserving reserving, MemorySegment d, long offset, int length, long header, long tag,
                              int record, String who, AtomicLong overlaps, AtomicReference<String> first) {
        String problem = null;
        if (d.get(ValueLayout.JAVA_LONG, offset - RingLayout.HEADER_SIZE) != header) {
            problem = who + " record " + record + ": header at offset " + offset + " changed";
        } else {
            for (int w = 0; w < length; w += 8) {
                if (d.get(ValueLayout.JAVA_LONG, offset + w) != tag + w) {
                    problem = who + " record " + record + ": payload word " + w + " of " + length + " at offset "
                            + offset + " changed";
                    break;
                }
            }
        }
        if (problem != null) {
            overlaps.incrementAndGet();
            first.compareAndSet(null, problem);
        }
        try {
            reserving.commit(offset, (record & 3) == 0);
        } catch (RuntimeException e) {
            // The library's commit refuses a header that is no longer BUSY: an overlap too.
            overlaps.incrementAndGet();
            first.compareAndSet(null, who + " record " + record + ": commit: " + e);
        }
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
