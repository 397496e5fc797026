/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.RingReader;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.RingBuffer;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.internal.format.RingLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.jringbuf.kernel.Programs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ports of the kernel selftests {@code prog_tests/ringbuf.c} (ringbuf, ringbuf_n) and
 * {@code ringbuf_multi.c}, with programs built by {@link io.jringbuf.bpf.Asm} and run with
 * {@code BPF_PROG_TEST_RUN}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelRingbufTest {
    private static final int PAGE = Sys.pageSize();
    private static final int RECORD = 8 + SELFTEST_SAMPLE;

    @BeforeAll
    static void kernel() {
        KernelSupport.requireBpf();
    }

    /** The samples the handler saw: {seq, value}. */
    private static final class Samples implements RecordHandler {
        final List<long[]> seen = new ArrayList<>();
        long stopAtSeq = -1;

        @Override
        public boolean onRecord(MemorySegment buffer, long offset, int length) {
            assertEquals(SELFTEST_SAMPLE, length);
            long pid = buffer.get(ValueLayout.JAVA_LONG, offset);
            assertEquals(Sys.getpid(), pid, "the program ran in this process");
            long seq = buffer.get(ValueLayout.JAVA_LONG, offset + 8);
            seen.add(new long[] {seq, buffer.get(ValueLayout.JAVA_LONG, offset + 16)});
            return seq != stopAtSeq; // the selftest's callback returns an error for seq 1
        }
    }

    private static void trigger(BpfProgram p, BpfMap state, long value, int flags) {
        setField(state, ST_VALUE, value);
        setField(state, ST_FLAGS, flags);
        p.testRun(1);
    }

    @Test
    void ringbufSelftest_queryEarlyStopAndSecondRound() {
        try (BpfMap ring = BpfMap.createRingbuf("rb_st", PAGE);
             BpfMap state = BpfMap.createArray("st", SELFTEST_STATE_SIZE, 1);
             BpfProgram p = selftestProducer(ring, state)) {
            Samples samples = new Samples();
            samples.stopAtSeq = 1;
            try (RingBuffer rb = RingBuffer.create(ring.fd(), samples)) {
                trigger(p, state, 333, 0);
                trigger(p, state, 777, 0);
                // Two triggers: one submitted, one output copy + one discarded reservation.
                assertEquals(3 * RECORD, field(state, ST_AVAIL));
                assertEquals(PAGE, field(state, ST_RING_SIZE));
                assertEquals(0, field(state, ST_CONS));
                assertEquals(3 * RECORD, field(state, ST_PROD));
                RingReader r = rb.ring(0);
                assertNotNull(r);
                assertEquals(3 * RECORD, r.availableBytes());
                assertEquals(PAGE, r.size());
                assertEquals(0, r.consumerPosition());
                assertEquals(3 * RECORD, r.producerPosition());
                ErrnoException outOfRange = assertThrows(ErrnoException.class, () -> rb.ring(1));
                assertEquals(Errno.ERANGE, outOfRange.errno());

                // The handler stops at seq 1 after exactly two callbacks (libbpf returns its error).
                assertEquals(2, rb.poll());
                assertEquals(2, samples.seen.size());
                assertEquals(333, samples.seen.get(0)[1]);
                assertEquals(777, samples.seen.get(1)[1]);
                assertEquals(0, rb.poll(Duration.ZERO), "nothing left; the discarded record is skipped");
                assertEquals(2, samples.seen.size());
                assertEquals(0, field(state, ST_DROPPED));
                assertEquals(2, field(state, ST_TOTAL));
                assertEquals(1, field(state, ST_DISCARDED));

                // Second round: the program sees the consumer position the first round published.
                samples.stopAtSeq = -1;
                trigger(p, state, 333, 0);
                assertEquals(3 * RECORD, field(state, ST_CONS));
                trigger(p, state, 777, 0);
                assertTrue(rb.poll(Duration.ofSeconds(5)) > 0);
                assertEquals(4, samples.seen.size());
            }
        }
    }

    @Test
    void ringbufSelftest_notificationSemantics() throws Exception {
        try (BpfMap ring = BpfMap.createRingbuf("rb_notif", PAGE);
             BpfMap state = BpfMap.createArray("st", SELFTEST_STATE_SIZE, 1);
             BpfProgram p = selftestProducer(ring, state)) {
            Samples samples = new Samples();
            try (RingBuffer rb = RingBuffer.create(ring.fd(), samples)) {
                CountDownLatch started = new CountDownLatch(1);
                CompletableFuture<Integer> background = CompletableFuture.supplyAsync(() -> {
                    started.countDown();
                    return rb.poll(Duration.ofSeconds(20));
                });
                assertTrue(started.await(10, TimeUnit.SECONDS));
                // NO_WAKEUP: the record arrives but nobody is told.
                trigger(p, state, 1, RingLayout.NO_WAKEUP);
                assertStillBlocked(background);
                // Adaptive again: the consumer is behind (its position is not at this record): still no wakeup.
                trigger(p, state, 2, 0);
                assertStillBlocked(background);
                // FORCE_WAKEUP wakes it.
                trigger(p, state, 3, RingLayout.FORCE_WAKEUP);
                int got = background.get(10, TimeUnit.SECONDS);
                assertTrue(got > 0, "the woken poll consumed records: " + got);
                // Leftovers with consume() and ring.consume(); 3 triggers = 3 samples delivered in all
                // (seq 1 goes through output; its discarded reservation is skipped).
                rb.consume();
                rb.ring(0).consume(samples);
                assertEquals(3, samples.seen.size());
                assertEquals(0, rb.ring(0).availableBytes());
            }
        }
    }

    @Test
    void adaptiveWakeupWakesAPollerThatIsCaughtUp() throws Exception {
        try (BpfMap ring = BpfMap.createRingbuf("rb_adapt", PAGE);
             BpfMap state = BpfMap.createArray("st", SELFTEST_STATE_SIZE, 1);
             BpfProgram p = selftestProducer(ring, state)) {
            Samples samples = new Samples();
            try (RingBuffer rb = RingBuffer.create(ring.fd(), samples)) {
                CompletableFuture<Integer> background = CompletableFuture.supplyAsync(() -> rb.poll(Duration.ofSeconds(20)));
                // seq 0: submitted with default flags while the consumer is exactly at it → wakeup.
                trigger(p, state, 5, 0);
                assertEquals(1, background.get(10, TimeUnit.SECONDS));
            }
        }
    }

    private static void assertStillBlocked(CompletableFuture<Integer> poll) throws Exception {
        try {
            Integer early = poll.get(300, TimeUnit.MILLISECONDS);
            throw new AssertionError("poll returned " + early + " without a wakeup");
        } catch (TimeoutException expected) {
            // still blocked, as the selftest asserts
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    @Test
    void ringbufN_consumeFourReturnsExactlyFourEightTimes() {
        try (BpfMap ring = BpfMap.createRingbuf("rb_n", PAGE);
             BpfMap state = BpfMap.createArray("st", SEQ_STATE_SIZE, 1);
             BpfProgram p = sequenceProducer(ring, state, 8)) {
            List<Long> seqs = new ArrayList<>();
            try (RingBuffer rb = RingBuffer.create(ring.fd(), (b, o, l) -> seqs.add(b.get(ValueLayout.JAVA_LONG, o)))) {
                p.testRun(32);
                for (int i = 0; i < 8; i++) {
                    assertEquals(4, rb.consume(4), "round " + i);
                }
                assertEquals(0, rb.consume(4));
                assertEquals(0, rb.consume(0), "consume(0) delivers nothing");
                for (int i = 0; i < 32; i++) {
                    assertEquals(i, seqs.get(i));
                }
            }
        }
    }

    @Test
    void ringbufMulti_eachRecordReachesTheHandlerOfItsOwnMap() {
        try (BpfMap ring1 = BpfMap.createRingbuf("rb_m1", PAGE);
             BpfMap ring2 = BpfMap.createRingbuf("rb_m2", 2 * PAGE);
             BpfMap state1 = BpfMap.createArray("st1", SEQ_STATE_SIZE, 1);
             BpfMap state2 = BpfMap.createArray("st2", SEQ_STATE_SIZE, 1);
             BpfProgram p1 = sequenceProducer(ring1, state1, 8);
             BpfProgram p2 = sequenceProducer(ring2, state2, 16)) {
            List<String> seen = new ArrayList<>();
            try (RingBuffer rb = RingBuffer.create(ring1.fd(), (b, o, l) -> seen.add("ring1:" + l))) {
                assertThrows(ErrnoException.class, () -> rb.ring(1));
                RingReader first = rb.ring(0);
                rb.add(ring2.fd(), (b, o, l) -> seen.add("ring2:" + l));
                assertEquals(2, rb.ringCount());
                assertTrue(first == rb.ring(0), "ring 0 is unchanged by add");
                assertEquals(2 * PAGE, rb.ring(1).size());
                p1.testRun(1);
                p2.testRun(1);
                assertEquals(2, rb.poll() + rb.poll(Duration.ZERO));
                assertEquals(List.of("ring1:8", "ring2:16"), seen.stream().sorted().toList());
                assertTrue(rb.poll(Duration.ZERO) >= 0);
                assertEquals(0, field(state1, SQ_DROPPED) + field(state2, SQ_DROPPED));
            }
        }
    }

    @Test
    void mmapPermissionRulesOfARingbuf() {
        int page = PAGE;
        try (BpfMap ring = BpfMap.createRingbuf("rb_mmap", page)) {
            int fd = ring.fd();
            // consumer page read-write: allowed, but it cannot grow or become executable
            MemorySegment cons = Sys.mmap(MemorySegment.NULL, page, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd, 0, "cons");
            assertTrue(Sys.rawMremap(cons, page, 2L * page, Sys.MREMAP_MAYMOVE) < 0, "growing the consumer page fails");
            assertTrue(Sys.rawMprotect(cons, page, Sys.PROT_READ | Sys.PROT_WRITE | Sys.PROT_EXEC) < 0, "no exec");
            Sys.rawMunmap(cons, page);
            // a writable mapping must be exactly one page at offset 0
            assertErrno(Errno.EPERM, () -> Sys.mmap(MemorySegment.NULL, 2L * page, Sys.PROT_READ | Sys.PROT_WRITE,
                    Sys.MAP_SHARED, fd, 0, "two pages rw"));
            // producer page and data pages may not be mapped writable
            assertErrno(Errno.EPERM, () -> Sys.mmap(MemorySegment.NULL, page, Sys.PROT_READ | Sys.PROT_WRITE,
                    Sys.MAP_SHARED, fd, page, "producer page rw"));
            assertErrno(Errno.EPERM, () -> Sys.mmap(MemorySegment.NULL, page, Sys.PROT_READ | Sys.PROT_WRITE,
                    Sys.MAP_SHARED, fd, 2L * page, "first data page rw"));
            assertErrno(Errno.EPERM, () -> Sys.mmap(MemorySegment.NULL, 2L * page, Sys.PROT_READ | Sys.PROT_WRITE,
                    Sys.MAP_SHARED, fd, 2L * page, "both data pages rw"));
            // everything read-only from offset 0 (4 pages): allowed, but not made writable or executable
            MemorySegment all = Sys.mmap(MemorySegment.NULL, 4L * page, Sys.PROT_READ, Sys.MAP_SHARED, fd, 0, "all ro");
            assertTrue(Sys.rawMprotect(all, 4L * page, Sys.PROT_READ | Sys.PROT_WRITE) < 0, "cannot become writable");
            assertTrue(Sys.rawMprotect(all, 4L * page, Sys.PROT_READ | Sys.PROT_EXEC) < 0, "cannot become executable");
            Sys.rawMunmap(all, 4L * page);
            // one page read-only at the producer page: allowed, not writable
            MemorySegment prod = Sys.mmap(MemorySegment.NULL, page, Sys.PROT_READ, Sys.MAP_SHARED, fd, page, "prod ro");
            assertTrue(Sys.rawMprotect(prod, page, Sys.PROT_READ | Sys.PROT_WRITE) < 0);
            Sys.rawMunmap(prod, page);
            // one page too long
            assertErrno(Errno.EINVAL, () -> Sys.mmap(MemorySegment.NULL, 4L * page, Sys.PROT_READ, Sys.MAP_SHARED, fd, page,
                    "one page too long"));
        }
    }

    static void assertErrno(int errno, Runnable r) {
        ErrnoException e = assertThrows(ErrnoException.class, r::run);
        assertEquals(Errno.name(errno), e.errnoName(), e.getMessage());
    }

    @Test
    void aConsumerThatIsBehindIsNotWokenButReadsEverythingInOrder() {
        // Many records between two polls: no drops while there is room, delivered in order.
        try (BpfMap ring = BpfMap.createRingbuf("rb_order", 16 * PAGE);
             BpfMap state = BpfMap.createArray("st", SEQ_STATE_SIZE, 1);
             BpfProgram p = sequenceProducer(ring, state, 24)) {
            long[] expected = {0};
            try (RingBuffer rb = RingBuffer.create(ring.fd(), (b, o, l) -> {
                assertEquals(expected[0]++, b.get(ValueLayout.JAVA_LONG, o));
                return true;
            })) {
                p.testRun(2000); // 2000 × 32 bytes = 64000 < 65536
                assertEquals(2000, rb.poll(Duration.ofSeconds(5)));
                assertFalse(rb.ring(0).availableBytes() > 0);
                p.testRun(2100); // does not fit: the program counts the refused reservations
                // A kernel ring never fills completely (new_prod - cons <= mask): 65535 / 32 = 2047 fit.
                assertEquals(2047, rb.consume());
                assertEquals(53, field(state, SQ_DROPPED));
            }
        }
    }
}
