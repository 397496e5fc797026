/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.format.RingFileDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Overwrite rings ({@code BPF_F_RB_OVERWRITE}) between JVM threads, through the public API. */
class OverwriteRingTest {
    private static final int P = 4096;

    /** Writes a record whose 8-byte payload is {@code value}. */
    private static void write(RingWriter w, long value) {
        long off = w.reserve(8);
        assertTrue(off >= 0, "an overwrite ring never refuses for lack of space");
        w.buffer().set(ValueLayout.JAVA_LONG, off, value);
        w.submit(off, RingWriter.NO_WAKEUP);
    }

    private static List<Long> readAll(RingReader r) {
        List<Long> got = new ArrayList<>();
        r.consume((b, o, l) -> got.add(b.get(ValueLayout.JAVA_LONG, o)));
        return got;
    }

    @Test
    void theKernelSelftestsWorkedExampleGivesTheSamePositions() {
        // tools/testing/selftests/bpf: reserve P/2 and P/4, a third record that would make the
        // total exactly P fails (BUSY records block), 8 bytes less succeeds; after the three
        // are submitted the failed size succeeds by overwriting the first.
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, P, JvmRing.OVERWRITE)) {
            RingWriter w = ring.writer();
            long a = w.reserve(P / 2);
            long b = w.reserve(P / 4);
            assertTrue(a >= 0 && b >= 0);
            int third = P - (P / 2 + 8) - (P / 4 + 8) - 8; // its record would end exactly at P
            assertEquals(RingWriter.NO_SPACE, w.reserve(third), "would reach the BUSY first record");
            long c = w.reserve(third - 8);
            assertTrue(c >= 0);
            w.submit(a, 0);
            w.submit(b, 0);
            w.submit(c, 0);
            long d = w.reserve(third);
            assertTrue(d >= 0, "overwrites the first record");
            w.submit(d, 0);
            long expectedProd = (P / 2 + 8) + (P / 4 + 8) + (third - 8 + 8) + (third + 8);
            assertEquals(P / 2 + 8, ring.overwritePosition());
            assertEquals(expectedProd, ring.producerPosition());
            assertEquals(0, ring.consumerPosition());
            assertEquals(expectedProd - (P / 2 + 8), ring.availableBytes());
            assertEquals(1, ring.drops(), "the refused reservation");
            // The reader starts at overwrite_pos and counts the first record lost.
            List<Integer> lengths = new ArrayList<>();
            RingReader r = ring.reader();
            assertEquals(3, r.consume((buf, o, l) -> lengths.add(l)));
            assertEquals(List.of(P / 4, third - 8, third), lengths);
            assertEquals(1, ring.lostRecords());
            assertEquals(expectedProd, ring.consumerPosition());
        }
    }

    @Test
    void aLappedReaderGetsTheNewestRecordsInOrderAndCountsTheRestLost() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, P, JvmRing.OVERWRITE)) {
            RingWriter w = ring.writer();
            RingReader r = ring.reader();
            write(w, 0);
            assertEquals(List.of(0L), readAll(r));
            int n = 1000; // 16 bytes each: the ring holds 255
            for (long i = 1; i <= n; i++) {
                write(w, i);
            }
            assertEquals(0, ring.drops(), "nothing refused");
            List<Long> got = readAll(r);
            assertEquals(255, got.size());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(n - got.size() + 1 + i, got.get(i), "the newest records, in order");
            }
            assertEquals(n - 255, ring.lostRecords());
            assertEquals(n - 255, r.statistics().lost());
            assertEquals(n + 1, got.size() + ring.lostRecords() + 1, "delivered + lost = produced");
            assertEquals(0, r.availableBytes());
            assertEquals(0, r.statistics().backlogBytes());
        }
    }

    @Test
    void discardedRecordsAreNeitherDeliveredNorCountedLost() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, P, JvmRing.OVERWRITE)) {
            RingWriter w = ring.writer();
            RingReader r = ring.reader();
            int produced = 0;
            for (long i = 0; i < 600; i++) {
                long off = w.reserve(8);
                w.buffer().set(ValueLayout.JAVA_LONG, off, i);
                if (i % 3 == 0) {
                    w.discard(off, RingWriter.NO_WAKEUP);
                } else {
                    w.submit(off, RingWriter.NO_WAKEUP);
                    produced++;
                }
            }
            List<Long> got = readAll(r);
            assertTrue(got.stream().noneMatch(v -> v % 3 == 0));
            assertEquals(produced, got.size() + ring.lostRecords());
        }
    }

    @Test
    void aBusyRecordIsNeverOverwrittenTheReservationFailsInstead() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, P, JvmRing.OVERWRITE)) {
            RingWriter w = ring.writer();
            long busy = w.reserve(8);
            w.buffer().set(ValueLayout.JAVA_LONG, busy, 42L);
            int accepted = 0;
            for (long off = w.reserve(8); off >= 0; off = w.reserve(8)) {
                w.submit(off, RingWriter.NO_WAKEUP);
                accepted++;
            }
            assertEquals(254, accepted, "up to the BUSY record, one slot of slack");
            assertEquals(1, ring.drops());
            assertEquals(0, ring.overwritePosition());
            assertEquals(RingWriter.NO_SPACE, w.reserve(8, Duration.ofMillis(30)), "waits, then gives up");
            w.submit(busy, 0);
            assertTrue(w.reserve(8) >= 0, "overwrites once the record is committed");
            assertEquals(16, ring.overwritePosition());
        }
    }

    @Test
    void theHandlerGetsACopyNotTheRing() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, P, JvmRing.OVERWRITE)) {
            write(ring.writer(), 7);
            MemorySegment ringData = ring.writer().buffer();
            MemorySegment[] seen = new MemorySegment[1];
            ring.reader().consume((b, o, l) -> {
                seen[0] = b;
                return RecordHandler.CONTINUE;
            });
            long a = seen[0].address();
            assertFalse(a >= ringData.address() && a < ringData.address() + ringData.byteSize(),
                    "delivered from the reader's copy");
        }
    }

    @Test
    void explicitCommitIsRefused() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, P, JvmRing.OVERWRITE)) {
            assertThrows(IllegalArgumentException.class, () -> ring.reader(CommitMode.EXPLICIT));
            ring.reader(CommitMode.BATCH); // the side was released: another mode works
        }
    }

    @Test
    void batchCommitDeliversTheSame() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, P, JvmRing.OVERWRITE)) {
            RingWriter w = ring.writer();
            RingReader r = ring.reader(CommitMode.BATCH);
            for (long i = 0; i < 300; i++) {
                write(w, i);
            }
            List<Long> got = readAll(r);
            assertEquals(255, got.size());
            assertEquals(299L, got.getLast());
            assertEquals(45, ring.lostRecords());
            assertEquals(ring.producerPosition(), ring.consumerPosition());
        }
    }

    @Test
    void aStopAndABoundEndTheCallAndTheNextResumes() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, P, JvmRing.OVERWRITE)) {
            RingWriter w = ring.writer();
            RingReader r = ring.reader();
            for (long i = 0; i < 10; i++) {
                write(w, i);
            }
            List<Long> got = new ArrayList<>();
            assertEquals(3, r.consume((b, o, l) -> got.add(b.get(ValueLayout.JAVA_LONG, o)), 3));
            assertEquals(1, r.consume((b, o, l) -> !got.add(b.get(ValueLayout.JAVA_LONG, o))));
            got.addAll(readAll(r));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), got);
            assertEquals(0, ring.lostRecords());
        }
    }

    @Test
    void aThrowingHandlerLeavesItsRecordConsumed() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, P, JvmRing.OVERWRITE)) {
            RingWriter w = ring.writer();
            write(w, 1);
            write(w, 2);
            RingReader r = ring.reader();
            assertThrows(IllegalStateException.class, () -> r.consume((b, o, l) -> {
                throw new IllegalStateException("handler");
            }));
            assertEquals(List.of(2L), readAll(r));
        }
    }

    @Test
    void aReopenedReaderContinuesTheLostCount(@TempDir Path dir) {
        Path file = dir.resolve("ring");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, P, JvmRing.OVERWRITE)) {
            RingWriter w = ring.writer();
            for (long i = 0; i < 100; i++) {
                write(w, i);
            }
            assertEquals(100, readAll(ring.reader()).size());
            for (long i = 100; i < 400; i++) {
                write(w, i);
            }
        }
        try (JvmRing ring = JvmRing.open(file, RingType.RINGBUF)) {
            assertTrue(ring.isOverwrite());
            List<Long> got = readAll(ring.reader());
            assertEquals(255, got.size());
            assertEquals(399L, got.getLast());
            assertEquals(300 - 255, ring.lostRecords(), "counted from where the first reader stopped");
        }
    }

    /**
     * A sleeping poller of an overwrite ring is woken by a commit. The poller registers before
     * its last look at the ring, so a commit that lands between the two is found by that look
     * without a wakeup (correct, but not the path under test): the scenario is repeated until a
     * poll was ended by a wakeup, at most 20 times. Each poll may sleep 60 s and must return its
     * record within 10 s: only a wakeup (or that last look) ends it so early.
     */
    @Test
    void pollIsWokenByACommitAsOnAnOrdinaryRing() throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, P, JvmRing.OVERWRITE)) {
            RingReader r = ring.reader();
            MemorySegment word = JvmRingInternals.dataWakeupWord(ring);
            for (int attempt = 0; attempt < 20 && r.statistics().wakeups() == 0; attempt++) {
                CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(
                        () -> r.poll((b, o, l) -> RecordHandler.CONTINUE, Duration.ofSeconds(60)));
                // Wait until the poller is registered, so that the commit's adaptive rule decides.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (word.get(ValueLayout.JAVA_INT, 4) == 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                ring.writer().output(new byte[8], 0);
                assertEquals(1, polled.get(10, TimeUnit.SECONDS), "woken, not timed out");
            }
            assertTrue(r.statistics().wakeups() >= 1, "in 20 attempts, at least one poll was ended by a wakeup");
        }
    }

    @Test
    void aRingBufferOfOverwriteRingsReadsThemWithTheOverwriteReader() {
        try (JvmRing a = JvmRing.anonymous(RingType.RINGBUF, P, JvmRing.OVERWRITE);
             JvmRing b = JvmRing.anonymous(RingType.RINGBUF, P)) {
            List<Long> fromA = new ArrayList<>();
            List<Long> fromB = new ArrayList<>();
            for (long i = 0; i < 300; i++) {
                write(a.writer(), i);
            }
            write(b.writer(), 7);
            try (RingBuffer rb = RingBuffer.create(a, (buf, o, l) -> fromA.add(buf.get(ValueLayout.JAVA_LONG, o)),
                    RingBuffer.Options.DEFAULT.withBusyPoll(Duration.ofMillis(1)))) {
                rb.add(b, (buf, o, l) -> fromB.add(buf.get(ValueLayout.JAVA_LONG, o)));
                assertEquals(256, rb.poll(Duration.ofSeconds(5)));
            }
            assertEquals(255, fromA.size());
            assertEquals(299L, fromA.getLast());
            assertEquals(List.of(7L), fromB);
            assertEquals(45, a.lostRecords());
        }
    }

    @Test
    void anOverwriteFileHasLayoutVersion2AndTheKernelsFlagSoThatOlderLibrariesRefuseIt(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("ring");
        JvmRing.create(file, RingType.RINGBUF, P, JvmRing.OVERWRITE).close();
        ByteBuffer meta = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.read(meta, 0);
        }
        assertEquals(RingFileDescriptor.VERSION_OVERWRITE, meta.getInt((int) RingFileDescriptor.VERSION_OFFSET));
        assertEquals(1 << 19, meta.getInt((int) RingFileDescriptor.FLAGS_OFFSET));
        Path plain = dir.resolve("plain");
        JvmRing.create(plain, RingType.RINGBUF, P).close();
        try (JvmRing ring = JvmRing.open(plain)) {
            assertFalse(ring.isOverwrite());
            assertEquals(0, ring.overwritePosition());
        }
        try (FileChannel ch = FileChannel.open(plain, StandardOpenOption.READ)) {
            meta.clear();
            ch.read(meta, 0);
        }
        assertEquals(RingFileDescriptor.VERSION, meta.getInt((int) RingFileDescriptor.VERSION_OFFSET),
                "ordinary rings keep version 1");
    }

    @Test
    void aFlagWordThatDoesNotMatchTheVersionIsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ring");
        JvmRing.create(file, RingType.RINGBUF, P).close();
        ByteBuffer flag = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 1 << 19);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(flag, RingFileDescriptor.FLAGS_OFFSET);
        }
        ErrnoException e = assertThrows(ErrnoException.class, () -> JvmRing.open(file));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("do not match layout version 1"), e.getMessage());
    }

    @Test
    void theFlagIsRefusedOnAUserRingbufAndUnknownFlagsEverywhere(@TempDir Path dir) {
        ErrnoException user = assertThrows(ErrnoException.class,
                () -> JvmRing.anonymous(RingType.USER_RINGBUF, P, JvmRing.OVERWRITE));
        assertEquals(Errno.EINVAL, user.errno());
        assertTrue(user.getMessage().contains("BPF_F_RB_OVERWRITE is for RINGBUF"), user.getMessage());
        ErrnoException unknown = assertThrows(ErrnoException.class,
                () -> JvmRing.create(dir.resolve("x"), RingType.RINGBUF, P, 1));
        assertEquals(Errno.EINVAL, unknown.errno());
        assertFalse(dir.resolve("x").toFile().exists(), "nothing left behind");
    }
}
