/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.faults;

import io.jringbuf.RingWriter;
import io.jringbuf.RingReader;
import io.jringbuf.JvmRing;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer process stopped with SIGSTOP while it holds part of a ring: the others wait within their
 * timeouts, never longer, and name the holder: its pid, that it is alive and that it is stopped
 * (a stopped process is alive: nothing is taken over from it). Once it dies, what it held is
 * taken over and no committed record is lost or delivered twice.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StoppedPeerTest {
    private static final long SIZE = 64 << 10;
    @TempDir
    Path dir;

    private static void stop(ChildJvm child) {
        child.signal("STOP");
        FaultSetup.await(() -> Sys.processState((int) child.pid()) == 'T', 10_000, "process " + child.pid()
                + " is stopped");
    }

    private static String stopped(ChildJvm child) {
        return "process " + child.pid() + " (alive, stopped by a signal: SIGCONT resumes it)";
    }

    @Test
    void aReservationWaitingForALockAStoppedProcessHoldsFailsWithinItsTimeoutNamingIt() throws Exception {
        Path file = dir.resolve("ring");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, SIZE);
             ChildJvm child = ChildJvm.start("hold-lock", file.toString())) {
            child.expectLine("locked", 30_000);
            stop(child);
            RingWriter producer = ring.writer();
            long drops = ring.drops();
            long start = System.nanoTime();
            ErrnoException e = assertThrows(ErrnoException.class, () -> producer.reserve(8, Duration.ofSeconds(1)));
            long waited = System.nanoTime() - start;
            assertEquals(Errno.ETIMEDOUT, e.errno(), e.getMessage());
            assertEquals("reserve: the reservation lock of the ring was held by " + stopped(child)
                    + " for the whole timeout of 1000 ms; the producers of a ring share one lock", e.operation());
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(1000), "waited its timeout: " + waited);
            // One more 0.25 s lock attempt at most; the rest is slack for a loaded machine.
            assertTrue(waited < TimeUnit.MILLISECONDS.toNanos(1000 + 5000), "and not much more: " + waited);
            assertEquals(drops + 1, ring.drops(), "a failed reservation counts as a drop");
            // Without a timeout: the kernel's answer, no space now (-1, a drop).
            assertEquals(-1, producer.reserve(8));

            child.signal("CONT");
            FaultSetup.await(() -> Sys.processState((int) child.pid()) != 'T', 10_000, "resumed");
            ErrnoException resumed = assertThrows(ErrnoException.class,
                    () -> producer.reserve(8, Duration.ofMillis(300)));
            assertTrue(resumed.getMessage().contains("process " + child.pid() + " (alive, sleeping)"),
                    resumed.getMessage());

            // Dead, the lock is taken over: records go through again, each once.
            child.process().destroyForcibly();
            assertTrue(child.process().waitFor(10, TimeUnit.SECONDS));
            assertTrue(producer.output(new byte[] {42}, 0));
            List<Byte> got = new ArrayList<>();
            ring.reader().consume((b, o, l) -> got.add(b.get(ValueLayout.JAVA_BYTE, o)) || true);
            assertEquals(List.of((byte) 42), got);
        }
    }

    @Test
    void aConsumerClaimAStoppedProcessHoldsIsBusyNamingIt() throws Exception {
        Path file = dir.resolve("ring");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, SIZE);
             ChildJvm child = ChildJvm.start("claim-consumer", file.toString())) {
            child.expectLine("claimed", 30_000);
            stop(child);
            ErrnoException e = assertThrows(ErrnoException.class, ring::reader);
            assertEquals(Errno.EBUSY, e.errno(), e.getMessage());
            assertEquals("claim the consumer side of the ring: " + stopped(child)
                    + " holds it; a ring has exactly one consumer", e.operation());
            child.process().destroyForcibly();
            assertTrue(child.process().waitFor(10, TimeUnit.SECONDS));
            ring.reader(); // a dead holder's claim is taken over
        }
    }

    @Test
    void aRecordAStoppedProducerReservedHoldsTheConsumerOnlyUntilItsTimeout() throws Exception {
        Path file = dir.resolve("ring");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, SIZE);
             ChildJvm child = ChildJvm.start("reserve-hang", file.toString())) {
            child.expectLine("reserved", 30_000);
            stop(child);
            RingWriter producer = ring.writer();
            RingReader consumer = ring.reader();
            for (byte i = 1; i <= 3; i++) {
                assertTrue(producer.output(new byte[] {i}, 0)); // behind the BUSY record
            }
            List<Byte> got = new ArrayList<>();
            long start = System.nanoTime();
            assertEquals(0, consumer.poll((b, o, l) -> got.add(b.get(ValueLayout.JAVA_BYTE, o)),
                    Duration.ofMillis(500)), "parked at the stopped producer's record");
            long waited = System.nanoTime() - start;
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(500) && waited < TimeUnit.SECONDS.toNanos(5),
                    "within its timeout: " + waited);
            // Its owner is alive (stopped): the record is not taken from it.
            assertEquals(0, consumer.consume((b, o, l) -> got.add(b.get(ValueLayout.JAVA_BYTE, o))));
            child.process().destroyForcibly();
            assertTrue(child.process().waitFor(10, TimeUnit.SECONDS));
            // Dead: its record is reclaimed as discarded; the committed ones arrive once, in order.
            assertEquals(3, consumer.poll((b, o, l) -> got.add(b.get(ValueLayout.JAVA_BYTE, o)),
                    Duration.ofSeconds(10)));
            assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), got);
        }
    }
}
