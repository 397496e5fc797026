/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.RingReader;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.RingBuffer;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.internal.wait.Epoll;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.base.RecordHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;

import static io.jringbuf.kernel.Programs.SEQ_STATE_SIZE;
import static io.jringbuf.kernel.Programs.sequenceProducer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RingBuffer.Options#busyPoll} against the kernel: while a busy poll holds
 * {@code consumer_pos} one record back, the kernel's adaptive rule sends no wakeups; before it
 * sleeps, the poll settles and looks once more, so no record committed while it held back waits
 * for the next one. Records come from a BPF program run with {@code BPF_PROG_TEST_RUN} (adaptive
 * wakeups, flags 0), one sequence number each.
 *
 * <p>What the stress test can and cannot show: a record is left behind only if the BPF program
 * reserves it after the poll's last holding pass and commits it (loading {@code consumer_pos})
 * before the poll's settle is visible, a window of tens of nanoseconds. With the look after the
 * settle removed from {@code RingBuffer.poll}, three runs of 3,000 bursts per shape stalled never
 * (2026-11-26): a kernel producer, a system call per burst, does not hit it, as in
 * {@code MissedWakeupFenceKernelTest}. Counted in one run, the look found records 26 to 34 times per 3,000
 * bursts (it is exercised), most of them committed after the settle (which had woken the poll
 * anyway). The negative control widens that window to the spin time in a poll built from the
 * public parts and shows that the harness then sees the stalls.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BusyPollKernelTest {
    private static final int PAGE = Sys.pageSize();
    private static final int RECORD = 16; // 8-byte payloads

    @BeforeAll
    static void kernel() {
        KernelSupport.requireBpf();
    }

    /** Checks that sequence numbers arrive in order, each once, and counts them. */
    private static final class InOrder implements RecordHandler {
        final AtomicLong next = new AtomicLong();

        @Override
        public boolean onRecord(java.lang.foreign.MemorySegment buffer, long offset, int length) {
            long seq = buffer.get(ValueLayout.JAVA_LONG, offset);
            assertEquals(next.get(), seq, "in order, exactly once");
            next.lazySet(seq + 1); // read by the producer thread of the stress test (get pairs)
            return true;
        }
    }

    /** Takes every edge reported so far. */
    private static void drainEdges(Epoll side) {
        while (side.await(0) > 0) {
            // edge-triggered: each edge is reported once
        }
    }

    @Test
    void whileABusyPollHoldsBackCommitsSendNoWakeupAndOnceSettledTheyDo() {
        try (BpfMap ring = BpfMap.createRingbuf("rb_busy", 16 * PAGE);
             BpfMap state = BpfMap.createArray("st", SEQ_STATE_SIZE, 1);
             BpfProgram producer = sequenceProducer(ring, state, 8);
             Epoll side = new Epoll()) {
            // A second, edge-triggered epoll set on the same map sees each kernel wakeup as an edge.
            side.add(ring.fd(), Sys.EPOLLIN | Sys.EPOLLET, 7, "RINGBUF fd, edge-triggered");
            InOrder handler = new InOrder();
            try (RingBuffer rb = RingBuffer.create(ring.fd(), handler,
                    RingBuffer.Options.DEFAULT.withBusyPoll(Duration.ofSeconds(1)))) {
                RingReader r = rb.ring(0);
                producer.testRun(3);
                assertEquals(3, rb.poll(Duration.ofSeconds(5)));
                assertEquals(r.producerPosition() - RECORD, r.consumerPosition(), "held one record back");
                assertTrue(JvmRingInternals.consumer(r).isHolding());
                drainEdges(side);

                producer.testRun(1);
                assertEquals(0, side.await(200), "no wakeup for a record committed while the poll holds back");
                // Settling alone brings no edge either: a poll that slept right after settling
                // would leave this record for the next one. Hence the look after the settle.
                JvmRingInternals.consumer(r).settle();
                assertEquals(0, side.await(200), "settling sends no wakeup");
                assertEquals(1, rb.poll(Duration.ofSeconds(5)));

                // The control: settled and caught up, the same commit wakes the consumer.
                assertEquals(0, rb.consume());
                assertEquals(r.producerPosition(), r.consumerPosition(), "an ordinary consume settles");
                drainEdges(side);
                producer.testRun(1);
                assertTrue(side.await(5000) > 0, "a caught-up consumer is woken");
                assertEquals(1, rb.consume());
                assertEquals(5, handler.next.get());
            }
        }
    }

    @Test
    void closeStoresTheHeldPositionSoTheNextConsumerStartsAfterTheLastRecord() {
        try (BpfMap ring = BpfMap.createRingbuf("rb_busy_close", 16 * PAGE);
             BpfMap state = BpfMap.createArray("st", SEQ_STATE_SIZE, 1);
             BpfProgram producer = sequenceProducer(ring, state, 8)) {
            InOrder handler = new InOrder();
            RingBuffer.Options busy = RingBuffer.Options.DEFAULT.withBusyPoll(Duration.ofMillis(1));
            try (RingBuffer rb = RingBuffer.create(ring.fd(), handler, busy)) {
                producer.testRun(5);
                assertEquals(5, rb.poll(Duration.ZERO), "a zero timeout makes one pass");
                assertTrue(JvmRingInternals.consumer(rb.ring(0)).isHolding(), "and leaves the position held back");
                assertEquals(0, rb.poll(Duration.ZERO));
            }
            try (RingBuffer next = RingBuffer.create(ring.fd(), handler)) {
                assertEquals(next.ring(0).producerPosition(), next.ring(0).consumerPosition());
                producer.testRun(1);
                assertEquals(1, next.consume(), "the next consumer goes on at record 5, not 4");
                assertEquals(6, handler.next.get());
            }
        }
    }

    @Test
    void consumeOnTheManagerPublishesEveryHeldRingEvenThoseItsLimitDoesNotReach() {
        try (BpfMap ring0 = BpfMap.createRingbuf("rb_busy_a", 16 * PAGE);
             BpfMap ring1 = BpfMap.createRingbuf("rb_busy_b", 16 * PAGE);
             BpfMap state0 = BpfMap.createArray("st", SEQ_STATE_SIZE, 1);
             BpfMap state1 = BpfMap.createArray("st", SEQ_STATE_SIZE, 1);
             BpfProgram producer0 = sequenceProducer(ring0, state0, 8);
             BpfProgram producer1 = sequenceProducer(ring1, state1, 8)) {
            InOrder h0 = new InOrder();
            InOrder h1 = new InOrder();
            try (RingBuffer rb = RingBuffer.create(ring0.fd(), h0,
                    RingBuffer.Options.DEFAULT.withBusyPoll(Duration.ofMillis(1))).add(ring1.fd(), h1)) {
                producer0.testRun(2);
                producer1.testRun(2);
                assertEquals(4, rb.poll(Duration.ZERO));
                for (int i = 0; i < 2; i++) {
                    assertTrue(JvmRingInternals.consumer(rb.ring(i)).isHolding(), "ring " + i + " held back");
                }
                producer0.testRun(1);
                assertEquals(1, rb.consume(1), "the limit is reached in ring 0");
                for (int i = 0; i < 2; i++) {
                    RingReader r = rb.ring(i);
                    assertEquals(r.producerPosition(), r.consumerPosition(), "ring " + i + " published in full");
                }
                assertEquals(3, h0.next.get());
                assertEquals(2, h1.next.get());
            }
        }
    }

    @Test
    void wakeUpAndCloseReachASpinningPollWhenItsSpinEnds() throws Exception {
        try (BpfMap ring = BpfMap.createRingbuf("rb_busy_wake", 16 * PAGE)) {
            RingBuffer rb = RingBuffer.create(ring.fd(), (b, o, l) -> true,
                    RingBuffer.Options.DEFAULT.withBusyPoll(Duration.ofMillis(200)));
            try {
                CompletableFuture<Integer> poll = CompletableFuture.supplyAsync(() -> rb.poll(Duration.ofSeconds(30)));
                rb.wakeUp();
                assertEquals(0, poll.get(10, TimeUnit.SECONDS), "woken after the spin, not after 30 s");
                CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> rb.poll(Duration.ofSeconds(30)));
                while (!JvmRingInternals.consumer(rb.ring(0)).isHolding() && !second.isDone()) {
                    Thread.onSpinWait(); // until the poll is spinning (its first look sets the hold)
                }
                rb.close();
                assertEquals(0, second.get(10, TimeUnit.SECONDS), "closed while spinning: returns");
                io.jringbuf.base.ErrnoException e = assertThrows(io.jringbuf.base.ErrnoException.class,
                        () -> rb.poll(Duration.ZERO));
                assertEquals("EBADF", e.errnoName());
            } finally {
                rb.close();
            }
        }
    }

    @Test
    void aNegativeBusyPollIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> RingBuffer.Options.DEFAULT.withBusyPoll(Duration.ofNanos(-1)));
    }

    /** What one stress run saw. */
    record Outcome(long bursts, long records, long stalls) {
    }

    private static final int SPIN_MICROS = 20;
    private static final int STALL_MS = 100;

    /**
     * How the producer paces itself: bursts of 1 to {@code maxBurst} records, each followed
     * (once delivered) by a pause drawn from [{@code minPauseNanos}, {@code maxPauseNanos}).
     */
    enum Shape {
        /** 1-4 records, 0-40 µs: about half the bursts come after the consumer's spin ended. */
        WIDE(4, 0, 40_000),
        /**
         * One record, 16-24 µs: the commit lands around the end of the 20 µs spin, where the poll
         * stops holding back and goes to sleep (the moment a poll that does not look again after
         * settling gets wrong), and no burst leaves a second wakeup pending for the next sleep.
         */
        AIMED(1, 16_000, 24_000);

        final int maxBurst;
        final long minPauseNanos;
        final long maxPauseNanos;

        Shape(int maxBurst, long minPauseNanos, long maxPauseNanos) {
            this.maxBurst = maxBurst;
            this.minPauseNanos = minPauseNanos;
            this.maxPauseNanos = maxPauseNanos;
        }
    }

    /**
     * The producer commits bursts of records (see {@link Shape}); after each it waits (bounded)
     * until they were delivered, then pauses. {@code poll} waits up to its argument in
     * milliseconds and returns what it delivered. A stall is a poll that waited the whole
     * {@link #STALL_MS} for nothing while a committed burst was waiting: a record left behind. The
     * run ends after {@code bursts}, or after {@code stopAfterStalls} stalls.
     */
    private static Outcome stress(BpfProgram producer, InOrder handler, Shape shape, int bursts, int stopAfterStalls,
                                  IntUnaryOperator poll) throws Exception {
        AtomicLong produced = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Long> producing = CompletableFuture.supplyAsync(() -> {
            SplittableRandom random = new SplittableRandom(42);
            long b = 0;
            for (; b < bursts && !stop.get(); b++) {
                int n = 1 + random.nextInt(shape.maxBurst);
                producer.testRun(n);
                long total = produced.addAndGet(n);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (handler.next.get() < total && !stop.get()) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("burst " + b + " not delivered within 10 s");
                    }
                    Thread.onSpinWait();
                }
                long pauseEnd = System.nanoTime() + random.nextLong(shape.minPauseNanos, shape.maxPauseNanos);
                while (System.nanoTime() < pauseEnd) {
                    Thread.onSpinWait();
                }
            }
            return b;
        });
        long stalls = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (System.nanoTime() < deadline) {
                if (producing.isDone() && (producing.isCompletedExceptionally() || handler.next.get() == produced.get())) {
                    break;
                }
                long t0 = System.nanoTime();
                int got = poll.applyAsInt(STALL_MS);
                if (got == 0 && System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(STALL_MS)
                        && produced.get() > handler.next.get()) {
                    if (++stalls >= stopAfterStalls) {
                        break;
                    }
                }
            }
        } finally {
            stop.set(true);
        }
        long done = producing.get(30, TimeUnit.SECONDS);
        return new Outcome(done, handler.next.get(), stalls);
    }

    @ParameterizedTest(name = "edgeTriggered={0}, {1}")
    @CsvSource({"false, WIDE", "true, WIDE", "true, AIMED"})
    void aBusyPollThatGoesToSleepNeverLeavesARecordBehind(boolean edgeTriggered, Shape shape) throws Exception {
        try (BpfMap ring = BpfMap.createRingbuf("rb_busy_stress", 16 * PAGE);
             BpfMap state = BpfMap.createArray("st", SEQ_STATE_SIZE, 1);
             BpfProgram producer = sequenceProducer(ring, state, 8)) {
            InOrder handler = new InOrder();
            RingBuffer.Options options = RingBuffer.Options.DEFAULT.withEdgeTriggered(edgeTriggered)
                    .withBusyPoll(Duration.ofNanos(SPIN_MICROS * 1000L));
            try (RingBuffer rb = RingBuffer.create(ring.fd(), handler, options)) {
                Outcome o = stress(producer, handler, shape, 3000, 1, ms -> rb.poll(Duration.ofMillis(ms)));
                System.out.printf("busy poll stress (edgeTriggered=%s, %s): %s%n", edgeTriggered, shape, o);
                assertEquals(0, o.stalls(), "no record left behind: " + o);
                assertEquals(3000, o.bursts(), o.toString());
                assertEquals(Programs.field(state, Programs.SQ_SEQ), o.records(), "every record delivered once");
            }
        }
    }

    /**
     * Negative control: the same stress against a busy poll built from the public parts that
     * settles and then sleeps without looking again (edge-triggered), with the moment between its
     * last pass and its settle widened to the spin time. Records committed in that moment sent no
     * wakeup, so the harness must see stalls. (It takes the edges of earlier wakeups before it
     * sleeps, which would otherwise end the sleep at once by chance.)
     */
    @Test
    void negativeControl_aBusyPollThatSleepsRightAfterSettlingLeavesRecordsBehind() throws Exception {
        try (BpfMap ring = BpfMap.createRingbuf("rb_busy_ctl", 16 * PAGE);
             BpfMap state = BpfMap.createArray("st", SEQ_STATE_SIZE, 1);
             BpfProgram producer = sequenceProducer(ring, state, 8);
             Epoll epoll = new Epoll()) {
            InOrder handler = new InOrder();
            epoll.add(ring.fd(), Sys.EPOLLIN | Sys.EPOLLET, 0, "RINGBUF fd, edge-triggered");
            try (RingBuffer rb = RingBuffer.create(ring.fd(), handler)) {
                Consumer c = JvmRingInternals.consumer(rb.ring(0));
                long spin = SPIN_MICROS * 1000L;
                IntUnaryOperator broken = ms -> {
                    long start = System.nanoTime();
                    do {
                        int n = c.consumeHolding(handler, Integer.MAX_VALUE);
                        if (n > 0) {
                            return n;
                        }
                        Thread.onSpinWait();
                    } while (System.nanoTime() - start < spin);
                    while (System.nanoTime() - start < 2 * spin) {
                        Thread.onSpinWait(); // the widened moment before the settle
                    }
                    // Edges of earlier wakeups would end the sleep at once and hide the bug:
                    // take them, so that only a wakeup sent from here on ends it.
                    drainEdges(epoll);
                    c.settle();
                    // The bug: no look at the ring between the settle and the sleep.
                    return epoll.await(ms) > 0 ? c.consume(handler) : 0; // as RingBuffer#poll on a timeout
                };
                Outcome o = stress(producer, handler, Shape.WIDE, 3000, 3, broken);
                System.out.printf("busy poll stress, negative control: %s%n", o);
                assertTrue(o.stalls() > 0, "the harness sees the records left behind: " + o);
            }
        }
    }
}
