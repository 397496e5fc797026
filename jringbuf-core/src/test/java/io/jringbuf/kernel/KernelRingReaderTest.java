/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.CommitMode;
import io.jringbuf.KernelRingReader;
import io.jringbuf.RingBuffer;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.UserRingBuffer;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kernel RINGBUF read on its own ({@link KernelRingReader}) in every commit mode, and the
 * kernel-backed writer's drop count: the same reader and writer shape as JVM rings, over a real
 * BPF producer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelRingReaderTest {
    private static final int PAGE = 4096;

    @BeforeAll
    static void kernel() {
        KernelSupport.requireBpf();
    }

    private interface Body {
        void run(BpfMap ring, BpfMap state, BpfProgram producer) throws Exception;
    }

    private static void withProducer(Body body) throws Exception {
        try (BpfMap ring = BpfMap.createRingbuf("krr", PAGE);
             BpfMap state = BpfMap.createArray("krr_st", SEQ_STATE_SIZE, 1);
             BpfProgram producer = sequenceProducer(ring, state, 8)) {
            body.run(ring, state, producer);
        }
    }

    private static RecordHandler collect(List<Long> into) {
        return (b, o, l) -> {
            into.add(b.get(ValueLayout.JAVA_LONG, o));
            return RecordHandler.CONTINUE;
        };
    }

    @Test
    void pollsTheKernelRingAndLeavesTheMapFdOpen() throws Exception {
        withProducer((ring, state, producer) -> {
            List<Long> got = new ArrayList<>();
            try (KernelRingReader reader = KernelRingReader.open(ring)) {
                assertEquals(RingType.RINGBUF, reader.type());
                assertEquals(PAGE, reader.size());
                assertEquals(ring.fd(), reader.mapFd());
                assertEquals(0, reader.poll(collect(got), Duration.ZERO));
                producer.testRun(3);
                assertEquals(3, reader.poll(collect(got), Duration.ofSeconds(5)));
                assertEquals(List.of(0L, 1L, 2L), got);
                assertEquals(reader.producerPosition(), reader.consumerPosition());
                var stats = reader.statistics();
                assertEquals("map krr (id " + ring.info().id() + ")", stats.ring());
                assertEquals(3, stats.records());
                assertEquals(2, stats.calls());
                assertEquals(48, stats.bytes());
                assertEquals(-1, stats.lost(), "the kernel keeps no count without a lost counter map");
            }
            assertEquals(ring.info().id(), BpfMap.info(ring.fd()).id(), "the map fd is still the caller's");
        });
    }

    @Test
    void aPollBlockedOnTheKernelRingIsWokenByARecordByWakeUpAndByClose() throws Exception {
        withProducer((ring, state, producer) -> {
            KernelRingReader reader = KernelRingReader.open(ring);
            List<Long> got = new ArrayList<>();
            CountDownLatch entered = new CountDownLatch(1);
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
                entered.countDown();
                return reader.poll(collect(got));
            });
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            producer.testRun(1); // adaptive wakeup: the reader is parked at the record
            assertEquals(1, first.get(10, TimeUnit.SECONDS));
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> reader.poll(collect(got)));
            reader.wakeUp();
            assertEquals(0, second.get(10, TimeUnit.SECONDS), "woken with no records");
            CompletableFuture<Integer> third = CompletableFuture.supplyAsync(
                    () -> reader.poll(collect(got), Duration.ofSeconds(30)));
            reader.close();
            try {
                assertEquals(0, third.get(15, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                assertEquals(Errno.EBADF, ((ErrnoException) e.getCause()).errno(), "ended by close");
            }
            ErrnoException closed = assertThrows(ErrnoException.class, () -> reader.poll(collect(got), Duration.ZERO));
            assertEquals(Errno.EBADF, closed.errno());
            reader.close(); // idempotent
        });
    }

    @Test
    void explicitCommitKeepsTheRecordsInTheKernelRingUntilCommitted() throws Exception {
        withProducer((ring, state, producer) -> {
            List<Long> got = new ArrayList<>();
            try (KernelRingReader reader = KernelRingReader.open(ring, CommitMode.EXPLICIT)) {
                // A 4 KiB ring holds 255 records of 16 bytes (never completely full).
                producer.testRun(255);
                assertEquals(0, field(state, SQ_DROPPED));
                assertEquals(255, reader.consume(collect(got)));
                assertEquals(0, reader.consumerPosition(), "read, not committed");
                producer.testRun(1);
                assertEquals(1, field(state, SQ_DROPPED), "the kernel producer still sees the ring full");
                reader.commit();
                producer.testRun(1);
                assertEquals(1, field(state, SQ_DROPPED), "committed: room again");
                // The new record came with no wakeup (the reader was behind), but a poll finds it.
                assertEquals(1, reader.poll(collect(got), Duration.ofSeconds(5)));
                assertEquals(255, got.getLast(), "sequence numbers count only reserved records");
            }
            try (KernelRingReader next = KernelRingReader.open(ring, CommitMode.EXPLICIT)) {
                List<Long> again = new ArrayList<>();
                assertEquals(1, next.consume(collect(again)), "the uncommitted record is read again");
                assertEquals(List.of(255L), again);
            }
        });
    }

    @Test
    void aRingBufferInExplicitModeLooksAgainWhileRecordsAreUncommitted() throws Exception {
        withProducer((ring, state, producer) -> {
            List<Long> got = new ArrayList<>();
            RingBuffer.Options explicit = RingBuffer.Options.DEFAULT.withCommitMode(CommitMode.EXPLICIT);
            try (RingBuffer rb = RingBuffer.create(ring, collect(got), explicit)) {
                producer.testRun(1);
                assertEquals(1, rb.poll(Duration.ofSeconds(5)));
                CompletableFuture<Integer> poll = CompletableFuture.supplyAsync(() -> rb.poll(Duration.ofSeconds(30)));
                producer.testRun(1); // no wakeup: the reader is behind (record 1 uncommitted)
                assertEquals(1, poll.get(10, TimeUnit.SECONDS));
                RingReader r = rb.ring(0);
                assertEquals(32, r.readPosition());
                r.commit(16);
                assertEquals(16, r.consumerPosition());
                r.commit();
                assertEquals(List.of(0L, 1L), got);
            }
        });
    }

    @Test
    void theKernelUserRingWriterCountsItsDrops() throws Exception {
        try (BpfMap map = BpfMap.createUserRingbuf("krr_u", PAGE);
             UserRingBuffer writer = UserRingBuffer.create(map)) {
            assertEquals(RingType.USER_RINGBUF, writer.type());
            long off;
            int n = 0;
            while ((off = writer.reserve(8)) != RingWriter.NO_SPACE) {
                writer.submit(off, RingWriter.FORCE_WAKEUP); // flags are checked, change nothing
                n++;
            }
            assertEquals(PAGE / 16, n, "a USER_RINGBUF fills completely");
            assertEquals(1, writer.drops());
            assertEquals(RingWriter.NO_SPACE, writer.reserve(8, Duration.ofMillis(20)));
            assertEquals(2, writer.drops());
            assertEquals(PAGE, writer.availableBytes());
            ErrnoException badFlags = assertThrows(ErrnoException.class, () -> writer.submit(0, 8));
            assertEquals(Errno.EINVAL, badFlags.errno());
        }
    }
}
