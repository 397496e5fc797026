/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import java.time.temporal.ChronoUnit;
import io.jringbuf.CommitMode;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.RingBuffer;
import io.jringbuf.UserRingBuffer;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.internal.wait.Epoll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.jringbuf.kernel.Programs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel ring managers' edges: waking and closing a blocked poll or reservation, the
 * edge-triggered mode's leftovers, batch commit, a throwing handler, the epoll fd in another loop.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelRingLifecycleTest {
    private static final int SIZE = 1 << 14;

    @BeforeAll
    static void kernel() {
        KernelSupport.requireBpf();
    }

    private interface Body {
        void run(BpfMap ring, BpfMap state, BpfProgram producer) throws Exception;
    }

    private static void withProducer(Body body) throws Exception {
        try (BpfMap ring = BpfMap.createRingbuf("life", SIZE);
             BpfMap state = BpfMap.createArray("life_st", SEQ_STATE_SIZE, 1);
             BpfProgram producer = sequenceProducer(ring, state, 8)) {
            body.run(ring, state, producer);
        }
    }

    @Test
    void wakeUpEndsABlockedPollAndCloseEndsItToo() throws Exception {
        withProducer((ring, state, producer) -> {
            RingBuffer rb = RingBuffer.create(ring.fd(), (b, o, l) -> true);
            CountDownLatch entered = new CountDownLatch(1);
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
                entered.countDown();
                return rb.poll(); // forever
            });
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            rb.wakeUp();
            assertEquals(0, first.get(10, TimeUnit.SECONDS), "woken with no records");
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> rb.poll(Duration.ofSeconds(30)));
            rb.close();
            assertEndedByClose(second);
            ErrnoException closed = assertThrows(ErrnoException.class, () -> rb.poll(Duration.ZERO));
            assertEquals(Errno.EBADF, closed.errno());
            rb.close(); // idempotent
        });
    }

    /**
     * A wait that close() ended: it returned "nothing" (-1 or 0) if it was already blocked, or
     * failed with EBADF if close() came first — either way within the bound, never a hang.
     */
    private static void assertEndedByClose(CompletableFuture<? extends Number> wait) throws Exception {
        try {
            long r = wait.get(10, TimeUnit.SECONDS).longValue();
            assertTrue(r == 0 || r == -1, "nothing delivered or reserved: " + r);
        } catch (java.util.concurrent.ExecutionException e) {
            ErrnoException closed = assertInstanceOf(ErrnoException.class, e.getCause());
            assertEquals(Errno.EBADF, closed.errno());
        }
    }

    @Test
    void edgeTriggeredPollDrainsLeftoversOfAnEarlyStopWithoutANewEdge() throws Exception {
        withProducer((ring, state, producer) -> {
            List<Long> seen = new ArrayList<>();
            try (RingBuffer rb = RingBuffer.create(ring.fd(), (b, o, l) -> {
                seen.add(b.get(ValueLayout.JAVA_LONG, o));
                return seen.size() != 2; // stop after the second record of the first batch
            }, RingBuffer.Options.DEFAULT.withEdgeTriggered(true))) {
                producer.testRun(5);
                assertEquals(2, rb.poll(Duration.ofSeconds(5)));
                // No new record, so no new edge: the next poll must still deliver the other three.
                assertEquals(3, rb.poll(Duration.ofSeconds(5)));
                assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seen);
                assertEquals(0, rb.poll(Duration.ofMillis(50)));
            }
        });
    }

    @Test
    void batchCommitDeliversTheSameRecords() throws Exception {
        withProducer((ring, state, producer) -> {
            long[] next = {0};
            try (RingBuffer rb = RingBuffer.create(ring.fd(), (b, o, l) -> {
                assertEquals(next[0]++, b.get(ValueLayout.JAVA_LONG, o));
                return true;
            }, RingBuffer.Options.LIBBPF.withCommitMode(CommitMode.BATCH))) {
                // libbpf's wait: a poll that spun (the default's adaptive spin) may return
                // holding its last record back, and this test checks each poll's positions.
                for (int round = 0; round < 5; round++) {
                    producer.testRun(500);
                    assertEquals(500, rb.poll(Duration.ofSeconds(5)));
                    assertEquals(rb.ring(0).producerPosition(), rb.ring(0).consumerPosition());
                }
            }
        });
    }

    @Test
    void aThrowingHandlerStopsAfterItsRecordAndTheExceptionPropagates() throws Exception {
        withProducer((ring, state, producer) -> {
            List<Long> seen = new ArrayList<>();
            try (RingBuffer rb = RingBuffer.create(ring.fd(), (b, o, l) -> {
                long seq = b.get(ValueLayout.JAVA_LONG, o);
                seen.add(seq);
                if (seq == 1) {
                    throw new IllegalStateException("boom at 1");
                }
                return true;
            })) {
                producer.testRun(3);
                IllegalStateException e = assertThrows(IllegalStateException.class, rb::consume);
                assertEquals("boom at 1", e.getMessage());
                assertEquals(16 * 2, rb.ring(0).consumerPosition(), "the position moved past the record that threw");
                assertEquals(1, rb.consume());
                assertEquals(List.of(0L, 1L, 2L), seen);
            }
        });
    }

    @Test
    void theEpollFdWorksInsideAnotherEventLoop() throws Exception {
        withProducer((ring, state, producer) -> {
            try (RingBuffer rb = RingBuffer.create(ring.fd(), (b, o, l) -> true); Epoll outer = new Epoll()) {
                outer.add(rb.epollFd(), Sys.EPOLLIN, 7, "ring buffer epoll fd");
                assertEquals(0, outer.await(0), "nothing ready yet");
                producer.testRun(1);
                assertEquals(1, outer.await(5000));
                assertEquals(7, outer.data(0));
                assertEquals(1, rb.consume());
            }
        });
    }

    @Test
    void closeEndsABlockedReserveAndWakeUpReturnsMinusOne() throws Exception {
        try (BpfMap urbMap = BpfMap.createUserRingbuf("life_urb", 4096)) {
            UserRingBuffer urb = UserRingBuffer.create(urbMap.fd());
            while (urb.reserve(8) >= 0) {
                // fill it; reservations are left BUSY, which also keeps it full
            }
            CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> urb.reserve(8, ChronoUnit.FOREVER.getDuration()));
            urb.wakeUp();
            long woken = blocked.get(10, TimeUnit.SECONDS);
            assertEquals(-1, woken);
            CompletableFuture<Long> again = CompletableFuture.supplyAsync(() -> urb.reserve(8, Duration.ofSeconds(30)));
            urb.close();
            assertEndedByClose(again);
            assertThrows(ErrnoException.class, () -> urb.reserve(8));
        }
    }
}
