/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.process;

import io.jringbuf.RingWriter;
import io.jringbuf.RingReader;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.internal.protocol.RingControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * RINGBUF JVM rings between processes: producer JVMs ({@link ProducerProcess}) write into a ring
 * file while this JVM consumes; producers killed with SIGKILL mid-stream, while holding a
 * reservation, and while holding the reservation lock.
 */
class ProcessRingTest {
    private static final Duration POLL = Duration.ofMillis(100);

    @TempDir
    Path dir;

    private final List<Spawned> spawned = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Spawned s : spawned) {
            s.close();
        }
    }

    private Spawned spawn(String... args) throws IOException {
        Spawned s = Spawned.start(args);
        spawned.add(s);
        return s;
    }

    /** Polls until {@code total} records arrived; fails on a violation, a failed producer or the deadline. */
    private static void consumeUntil(RingReader consumer, SequenceChecker checker, long total, long timeoutMillis,
                                     List<Spawned> producers) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (checker.received() < total) {
            consumer.poll(checker, POLL);
            checker.assertClean();
            for (Spawned p : producers) {
                if (!p.process().isAlive() && p.process().exitValue() != 0) {
                    fail("producer " + p.pid() + " failed with status " + p.process().exitValue() + " after "
                            + checker.received() + " records");
                }
            }
            if (System.nanoTime() > deadline) {
                fail("only " + checker.received() + " of " + total + " records within " + timeoutMillis + " ms");
            }
        }
    }

    @Test
    @Timeout(60)
    void aProducerProcessDeliversTwoMillionRecordsExactlyOnceInOrder() throws Exception {
        Path file = dir.resolve("ring");
        long total = 2_000_000;
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 1 << 20)) {
            RingReader consumer = ring.reader();
            SequenceChecker checker = new SequenceChecker(1);
            Spawned producer = spawn("produce", file.toString(), "0", Long.toString(total));
            consumeUntil(consumer, checker, total, 45_000, List.of(producer));
            producer.expectLine("producing", 1_000);
            producer.expectLine("done", 10_000);
            producer.awaitSuccess(10_000);
            assertEquals(0, consumer.consume(checker), "nothing beyond the last record");
            checker.assertClean();
            assertEquals(total, checker.receivedFrom(0));
            assertEquals(consumer.producerPosition(), consumer.consumerPosition(), "the ring ends empty");
            assertEquals(0, ring.drops(), "the producer waited for space instead of dropping");
        }
    }

    @Test
    @Timeout(60)
    void twoProducerProcessesAtOnceDeliverEveryRecordOnceInOrderPerProducer() throws Exception {
        Path file = dir.resolve("ring");
        long each = 1_000_000;
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 1 << 20)) {
            RingReader consumer = ring.reader();
            SequenceChecker checker = new SequenceChecker(2);
            Path gate = dir.resolve("go");
            Spawned a = spawn("produce", file.toString(), "0", Long.toString(each), "-", "0", gate.toString());
            Spawned b = spawn("produce", file.toString(), "1", Long.toString(each), "-", "0", gate.toString());
            // Both JVMs started and mapped the ring before either produces: on a loaded machine
            // one could otherwise finish before the other starts.
            a.expectLine("ready", 30_000);
            b.expectLine("ready", 30_000);
            Files.createFile(gate);
            consumeUntil(consumer, checker, 2 * each, 45_000, List.of(a, b));
            a.awaitSuccess(10_000);
            b.awaitSuccess(10_000);
            assertEquals(0, consumer.consume(checker));
            checker.assertClean();
            assertEquals(each, checker.receivedFrom(0));
            assertEquals(each, checker.receivedFrom(1));
            assertTrue(checker.switches() > 2, "the two producers' records interleaved (" + checker.switches()
                    + " switches), so they really produced at once");
            assertEquals(consumer.producerPosition(), consumer.consumerPosition());
        }
    }

    /**
     * Kills a producer process with SIGKILL while it produces: several rounds, with the producer
     * paced so that the consumer keeps up and the kill lands inside the produce loop (reserve,
     * payload, submit, progress) rather than in a wait for space.
     */
    @Test
    @Timeout(60)
    void aProducerKilledMidStreamLeavesEverythingItCommittedAndNothingElse() throws Exception {
        StringBuilder rounds = new StringBuilder();
        for (int round = 0; round < 3; round++) {
            long[] r = killRound(round, 30_000 + 23_000L * round);
            rounds.append(String.format(" [progress %d, last received %d, recoveries %d, backlog at kill %d B]",
                    r[0], r[1], r[2], r[3]));
        }
        System.out.println("kill -9 mid-stream:" + rounds);
    }

    /** @return {progress, last sequence received, recoveries, unconsumed bytes when killed} */
    private long[] killRound(int round, long killAfter) throws Exception {
        Path file = dir.resolve("ring" + round);
        Path progressFile = dir.resolve("progress" + round);
        writeLong(progressFile, -1);
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 64 << 10)) {
            RingReader consumer = ring.reader();
            SequenceChecker checker = new SequenceChecker(1, killAfter);
            Spawned producer = spawn("produce", file.toString(), "0", "-1", progressFile.toString(), "2000");
            AtomicReference<Throwable> failure = new AtomicReference<>();
            var killed = new CountDownLatch(1);
            Thread consuming = new Thread(() -> {
                try {
                    // Consume while the producer runs, then drain after its death until the ring
                    // is empty and stays quiet.
                    while (killed.getCount() > 0) {
                        consumer.poll(checker, POLL);
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    int quiet = 0;
                    while (quiet < 3) {
                        int n = consumer.poll(checker, Duration.ofMillis(50));
                        boolean empty = consumer.consumerPosition() == consumer.producerPosition();
                        quiet = n == 0 && empty ? quiet + 1 : 0;
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("the ring did not drain after the kill: consumer_pos "
                                    + consumer.consumerPosition() + ", producer_pos " + consumer.producerPosition());
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "consumer");
            consuming.start();
            long backlog;
            try {
                assertTrue(checker.reached().await(30, TimeUnit.SECONDS),
                        killAfter + " records within 30 s (got " + checker.received() + ")");
                assertTrue(producer.process().isAlive(), "the producer is still producing when killed");
                producer.kill();
                backlog = consumer.availableBytes();
            } finally {
                killed.countDown();
                consuming.join(20_000);
            }
            assertFalse(consuming.isAlive(), "the consumer thread finished");
            assertNull(failure.get(), () -> "consumer failed: " + failure.get());
            checker.assertClean();

            long progress = readLong(progressFile);
            long k = checker.receivedFrom(0) - 1; // the last sequence received; no gaps by the checker
            // Seq killAfter-1 was received before the kill, so it was committed; its progress
            // store may not have happened yet.
            assertTrue(progress >= killAfter - 2, "progress " + progress + " after " + killAfter + " received");
            assertTrue(k == progress || k == progress + 1,
                    "last received " + k + ", last committed reported " + progress);
            assertEquals(consumer.producerPosition(), consumer.consumerPosition(), "the ring ends empty");

            // The ring is still usable: a new producer (taking over the lock if the dead one held
            // it) gets its record through to the same consumer.
            RingWriter fresh = ring.writer();
            assertTrue(fresh.output(new byte[] {1, 2, 3}, 0));
            var got = new ArrayList<byte[]>();
            assertEquals(1, consumer.poll(RecordHandler.copying(got::add), Duration.ofSeconds(5)));
            assertArrayEquals(new byte[] {1, 2, 3}, got.get(0));
            return new long[] {progress, k, ring.recoveries(), backlog};
        }
    }

    @Test
    @Timeout(30)
    void aRecordLeftBusyByAKilledProducerIsSkippedOnlyAfterItsOwnerDied() throws Exception {
        Path file = dir.resolve("ring");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 64 << 10)) {
            RingReader consumer = ring.reader();
            Spawned holder = spawn("reserve-hang", file.toString());
            holder.expectLine("reserved", 10_000);

            // Another producer commits three records behind the held one.
            RingWriter p = ring.writer();
            for (long seq = 0; seq < 3; seq++) {
                long off = p.reserve(ProducerProcess.PAYLOAD);
                assertTrue(off >= 0);
                p.buffer().set(ValueLayout.JAVA_INT, off, 0);
                p.buffer().set(ValueLayout.JAVA_LONG, off + 8, seq);
                p.buffer().set(ValueLayout.JAVA_LONG, off + 16, ProducerProcess.check(0, seq));
                p.submit(off, 0);
            }
            SequenceChecker checker = new SequenceChecker(1);

            // A live owner's BUSY record is never reclaimed: polls spanning many probe intervals
            // (AbandonedRecords probes after 10 ms parked) deliver nothing.
            for (int i = 0; i < 3; i++) {
                assertEquals(0, consumer.poll(checker, Duration.ofMillis(100)), "the held record blocks the ring");
            }
            assertEquals(0, consumer.consumerPosition(), "the consumer stays parked at the BUSY record");
            assertEquals(0, ring.recoveries(), "nothing reclaimed while its owner lives");
            assertTrue(JvmRingInternals.view(ring).data().get(ValueLayout.JAVA_INT, 0) < 0, "the held record is still BUSY");
            assertTrue(holder.process().isAlive());

            holder.kill();
            // Nobody commits or wakes now: the sleeping consumer notices the dead owner by itself.
            long start = System.nanoTime();
            int got = consumer.poll(checker, Duration.ofSeconds(5));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(3, got, "the records committed behind the abandoned one");
            checker.assertClean();
            assertEquals(3, checker.receivedFrom(0));
            assertEquals(1, ring.recoveries(), "one abandoned record reclaimed");
            assertEquals(consumer.producerPosition(), consumer.consumerPosition(), "the ring ends empty");
            assertTrue(tookMillis < 2_000, "reclaimed within a few wait slices, took " + tookMillis + " ms");
        }
    }

    @Test
    @Timeout(30)
    void theReservationLockOfAKilledProcessIsTakenOverButALiveHolderKeepsIt() throws Exception {
        Path file = dir.resolve("ring");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 64 << 10)) {
            Spawned holder = spawn("lock-hang", file.toString());
            holder.expectLine("locked", 10_000);
            RingWriter p = ring.writer();

            long start = System.nanoTime();
            assertEquals(-1, p.reserve(8), "a live holder keeps the lock; the reservation fails");
            long waited = System.nanoTime() - start;
            assertTrue(waited >= RingControl.LOCK_TIMEOUT_NANOS,
                    "failed only after the lock timeout, waited " + waited + " ns");
            assertEquals(1, ring.drops());
            assertEquals(0, ring.recoveries());

            holder.kill();
            long off = p.reserve(8);
            assertTrue(off >= 0, "the dead holder's lock is taken over");
            assertEquals(1, ring.recoveries());
            p.submit(off, 0);
            assertEquals(1, ring.reader().consume((b, o, l) -> true));
            assertTrue(p.reserve(8) >= 0, "and released again after the reservation");
        }
    }

    private static void writeLong(Path file, long value) throws IOException {
        Files.write(file, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, value).array());
    }

    private static long readLong(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            ch.read(b, 0);
            return b.getLong(0);
        }
    }
}
