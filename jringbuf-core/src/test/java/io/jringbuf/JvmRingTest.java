/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.RingType;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.Errno;
import io.jringbuf.internal.format.RingFileDescriptor;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.internal.protocol.Sleepers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class JvmRingTest {
    @TempDir
    Path dir;

    private static ErrnoException errno(int expected, org.junit.jupiter.api.function.Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
        return e;
    }

    @Test
    void aRingFileCreatedByOneHandleIsSeenByAnother() {
        Path file = dir.resolve("ring");
        try (JvmRing writer = JvmRing.create(file, RingType.RINGBUF, 8192);
             JvmRing reader = JvmRing.open(file)) {
            assertEquals(RingType.RINGBUF, reader.type());
            assertEquals(8192, reader.size());
            assertEquals(file, reader.path());
            assertEquals(Files.size(file), 3L * 4096 + 8192);
            RingWriter p = writer.writer();
            for (int i = 0; i < 100; i++) {
                assertTrue(p.output(new byte[] {(byte) i, 1, 2}, 0));
            }
            List<byte[]> got = new ArrayList<>();
            assertEquals(100, reader.reader().consume(RecordHandler.copying(got::add)));
            for (int i = 0; i < 100; i++) {
                assertArrayEquals(new byte[] {(byte) i, 1, 2}, got.get(i));
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    @Test
    void theDataAreaIsMappedTwiceBackToBack() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            var data = JvmRingInternals.view(ring).data();
            assertEquals(8192, data.byteSize());
            data.set(ValueLayout.JAVA_LONG, 4088, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, data.get(ValueLayout.JAVA_LONG, 8192 - 8));
            data.set(ValueLayout.JAVA_LONG, 4096, 42);
            assertEquals(42, data.get(ValueLayout.JAVA_LONG, 0), "the second copy is the same memory");
        }
    }

    @Test
    void creatingOverAnExistingFileIsEexistAndLeavesItAlone() throws IOException {
        Path file = dir.resolve("ring");
        Files.writeString(file, "precious");
        errno(Errno.EEXIST, () -> JvmRing.create(file, RingType.RINGBUF, 4096));
        assertEquals("precious", Files.readString(file));
        try (var names = Files.list(dir)) {
            assertEquals(List.of(file), names.toList(), "no temporary file left behind");
        }
    }

    @Test
    void invalidSizesAreEinval() {
        for (long size : new long[] {0, 1000, 4095, 12288, 1L << 32, -4096}) {
            ErrnoException e = errno(Errno.EINVAL, () -> JvmRing.anonymous(RingType.RINGBUF, size));
            assertTrue(e.getMessage().contains("power of two"), e.getMessage());
            errno(Errno.EINVAL, () -> JvmRing.create(dir.resolve("r" + size), RingType.USER_RINGBUF, size));
        }
    }

    @Test
    void openingAMissingFileIsEnoent() {
        ErrnoException e = errno(Errno.ENOENT, () -> JvmRing.open(dir.resolve("nothing")));
        assertTrue(e.getMessage().contains("nothing"), e.getMessage());
    }

    @Test
    void openingAForeignFileIsEinvalNamingTheMagic() throws IOException {
        Path file = dir.resolve("foreign");
        Files.write(file, new byte[3 * 4096 + 4096]);
        ErrnoException e = errno(Errno.EINVAL, () -> JvmRing.open(file));
        assertTrue(e.getMessage().contains("not a jringbuf ring file"), e.getMessage());
    }

    @Test
    void openingATooShortFileIsEinval() throws IOException {
        Path file = dir.resolve("short");
        Files.write(file, new byte[100]);
        ErrnoException e = errno(Errno.EINVAL, () -> JvmRing.open(file));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    @Test
    void openingATruncatedRingIsEinval() throws IOException {
        Path file = dir.resolve("ring");
        JvmRing.create(file, RingType.RINGBUF, 8192).close();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(3L * 4096 + 4096);
        }
        ErrnoException e = errno(Errno.EINVAL, () -> JvmRing.open(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void openingAnExtendedRingIsEinval() throws IOException {
        Path file = dir.resolve("ring");
        JvmRing.create(file, RingType.RINGBUF, 4096).close();
        Files.write(file, new byte[1], StandardOpenOption.APPEND);
        errno(Errno.EINVAL, () -> JvmRing.open(file));
    }

    @Test
    void corruptMetadataIsEinvalNamingTheField() throws IOException {
        Path file = dir.resolve("ring");
        JvmRing.create(file, RingType.RINGBUF, 4096).close();
        corrupt(file, 8, 2);                         // version
        assertTrue(errno(Errno.EINVAL, () -> JvmRing.open(file)).getMessage().contains("version 2"));
        corrupt(file, 8, 1);
        corrupt(file, 12, 99);                       // type
        assertTrue(errno(Errno.EINVAL, () -> JvmRing.open(file)).getMessage().contains("unknown ring type 99"));
        corrupt(file, 12, 27);
        corruptLong(file, 16, 3000);                 // size
        assertTrue(errno(Errno.EINVAL, () -> JvmRing.open(file)).getMessage().contains("corrupt data size"));
        corruptLong(file, 16, 4096);
        corrupt(file, 24, 65536);                    // page size
        assertTrue(errno(Errno.EINVAL, () -> JvmRing.open(file)).getMessage().contains("page size 65536"));
        corrupt(file, 24, 4096);
        JvmRing.open(file).close(); // repaired: opens again
    }

    private static void corrupt(Path file, long offset, int value) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.getChannel().write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value), offset);
        }
    }

    private static void corruptLong(Path file, long offset, long value) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.getChannel().write(ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, value), offset);
        }
    }

    @Test
    void openingWithTheWrongExpectedTypeIsEinval() {
        Path file = dir.resolve("ring");
        JvmRing.create(file, RingType.USER_RINGBUF, 4096).close();
        ErrnoException e = errno(Errno.EINVAL, () -> JvmRing.open(file, RingType.RINGBUF));
        assertTrue(e.getMessage().contains("USER_RINGBUF ring, expected RINGBUF"), e.getMessage());
        JvmRing.open(file, RingType.USER_RINGBUF).close();
    }

    @Test
    void eachTypeHasItsReaderAndWriter() {
        try (JvmRing rb = JvmRing.anonymous(RingType.RINGBUF, 4096);
             JvmRing user = JvmRing.anonymous(RingType.USER_RINGBUF, 4096)) {
            assertEquals(RingType.RINGBUF, rb.reader().type(), "a RINGBUF's reader is its consumer");
            assertEquals(RingType.RINGBUF, rb.writer().type());
            assertEquals(RingType.USER_RINGBUF, user.reader().type(), "a USER_RINGBUF's reader is its drainer");
            assertEquals(RingType.USER_RINGBUF, user.writer().type());
        }
        try (JvmRing user = JvmRing.anonymous(RingType.USER_RINGBUF, 4096)) {
            assertThrows(IllegalArgumentException.class, () -> user.reader(CommitMode.BATCH),
                    "a drainer commits per record, as the kernel's drain");
            assertThrows(IllegalArgumentException.class, () -> user.reader(CommitMode.EXPLICIT));
        }
    }

    @Test
    void theConsumerSideIsClaimedOncePerRingUntilClosed() {
        Path file = dir.resolve("ring");
        try (JvmRing first = JvmRing.create(file, RingType.RINGBUF, 4096)) {
            RingReader c = first.reader();
            assertSame(c, first.reader(), "the same instance for the same handle");
            assertThrows(IllegalStateException.class, () -> first.reader(CommitMode.BATCH),
                    "the commit mode is chosen once");
            try (JvmRing second = JvmRing.open(file)) {
                ErrnoException e = errno(Errno.EBUSY, second::reader);
                assertTrue(e.getMessage().contains("exactly one consumer"), e.getMessage());
                first.close();
                assertNotNull(second.reader(), "released by close");
            }
        }
    }

    @Test
    void theUserProducerAndDrainerSidesAreClaimedToo() {
        Path file = dir.resolve("ring");
        try (JvmRing first = JvmRing.create(file, RingType.USER_RINGBUF, 4096);
             JvmRing second = JvmRing.open(file)) {
            first.writer();
            first.reader();
            errno(Errno.EBUSY, second::writer);
            errno(Errno.EBUSY, second::reader);
        }
    }

    @Test
    void aClaimHeldByADeadProcessIsTakenOver() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertEquals(0, p.waitFor());
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            // The consumer-owner word of the control block (see RingControl's layout).
            var owner = JvmRingInternals.control(ring);
            var word = java.lang.foreign.MemorySegment.ofAddress(JvmRingInternals.view(ring).consumerPage().address()
                    - 4096 + RingFileDescriptor.CONTROL_OFFSET + RingFileDescriptor.CONSUMER_OWNER).reinterpret(8);
            word.set(ValueLayout.JAVA_LONG, 0, p.pid());
            assertNotNull(ring.reader());
            assertEquals(1, owner.recoveries());
        }
    }

    @Test
    void everyOperationAfterCloseIsEbadf() {
        JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096);
        RingWriter p = ring.writer();
        RingReader c = ring.reader();
        long off = p.reserve(8);
        ring.close();
        ring.close(); // idempotent
        assertFalse(ring.isOpen());
        errno(Errno.EBADF, () -> p.reserve(8));
        errno(Errno.EBADF, () -> p.submit(off, 0));
        errno(Errno.EBADF, () -> c.consume((b, o, l) -> true));
        errno(Errno.EBADF, () -> c.poll((b, o, l) -> true, Duration.ofSeconds(1)));
        errno(Errno.EBADF, ring::reader);
        errno(Errno.EBADF, ring::writer);
    }

    @Test
    void closeWakesABlockedPoll() throws Exception {
        JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096);
        RingReader c = ring.reader();
        AtomicInteger result = new AtomicInteger(-1);
        Thread t = new Thread(() -> {
            try {
                result.set(c.poll((b, o, l) -> true));
            } catch (ErrnoException e) {
                result.set(100 + e.errno());
            }
        });
        t.start();
        Sleepers.awaitRegistered(JvmRingInternals.dataWakeupWord(ring), 1);
        ring.close();
        t.join(30_000);
        assertFalse(t.isAlive(), "an infinite poll returned after close");
        assertTrue(result.get() == 0 || result.get() == 100 + Errno.EBADF, "result " + result.get());
    }

    @Test
    void commitsSkipTheWakeupDecisionOnlyWhileNobodyWaitsAndWakeAParkedPoller() throws Exception {
        // Producers (RINGBUF) and the user producer (USER_RINGBUF) look at consumer_pos for the
        // adaptive wakeup only if a waiter is registered; a registered one must still be woken
        // by the futex (counted in wakeups()), not found by a later timeout slice. The poller
        // registers before its last look, so a commit between the two is found by that look
        // without a wakeup (correct, but not the path under test): repeated until a poll was
        // woken, at most 20 times.
        for (RingType type : RingType.values()) {
            try (JvmRing ring = JvmRing.anonymous(type, 4096)) {
                io.jringbuf.internal.wait.FutexEventCount data =
                        new io.jringbuf.internal.wait.FutexEventCount(JvmRingInternals.dataWakeupWord(ring), false, null);
                RecordHandler h = (b, o, l) -> true;
                RingReader c = ring.reader();
                for (int attempt = 0; attempt < 20 && ring.wakeups() == 0; attempt++) {
                    assertFalse(data.mayHaveWaiters(), type + ": nobody waits yet");
                    AtomicInteger got = new AtomicInteger(-1);
                    Thread t = new Thread(() -> got.set(c.poll(h, Duration.ofSeconds(30))));
                    t.start();
                    Sleepers.awaitRegistered(JvmRingInternals.dataWakeupWord(ring), 1);
                    assertTrue(data.mayHaveWaiters(), type + ": a poller is registered");
                    RingWriter p = ring.writer();
                    p.submit(p.reserve(8));
                    t.join(30_000);
                    assertFalse(t.isAlive(), type + ": the poller returned");
                    assertEquals(1, got.get(), type + ": the record was delivered");
                }
                assertEquals(1, ring.wakeups(), type + ": woken by the commit, not by a timeout slice");
            }
        }
    }

    @Test
    void aNoWakeupCommitWakesNoDrainerParkedAtIt() throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.USER_RINGBUF, 4096)) {
            RingWriter p = ring.writer();
            assertSame(p, ring.writer(), "one producer per ring");
            RingReader d = ring.reader();
            AtomicInteger got = new AtomicInteger(-1);
            RecordHandler h = (b, o, l) -> true;
            Thread t = new Thread(() -> got.set(d.poll(h, Duration.ofSeconds(30))));
            t.start();
            Sleepers.awaitRegistered(JvmRingInternals.dataWakeupWord(ring), 1);
            p.submit(p.reserve(8), RingWriter.NO_WAKEUP);
            assertEquals(0, ring.wakeups(), "the commit woke nobody although a drainer was parked at it");
            d.wakeUp();
            t.join(30_000);
            assertFalse(t.isAlive(), "the drainer returned after wakeUp()");
            int late = d.consume(h);
            assertEquals(1, Math.max(got.get(), 0) + late, "the sample was delivered exactly once");
        }
    }

    @Test
    void wakeUpReturnsABlockedPollWithNothing() throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            RingReader c = ring.reader();
            AtomicInteger result = new AtomicInteger(-1);
            Thread t = new Thread(() -> result.set(c.poll((b, o, l) -> true)));
            t.start();
            Sleepers.awaitRegistered(JvmRingInternals.dataWakeupWord(ring), 1);
            c.wakeUp();
            t.join(30_000);
            assertFalse(t.isAlive());
            assertEquals(0, result.get());
        }
    }

    @Test
    void anInterruptedPollerReturnsAndKeepsItsInterruptStatus() throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            RingReader c = ring.reader();
            AtomicInteger result = new AtomicInteger(-1);
            AtomicInteger stillInterrupted = new AtomicInteger();
            Thread t = new Thread(() -> {
                result.set(c.poll((b, o, l) -> true));
                stillInterrupted.set(Thread.currentThread().isInterrupted() ? 1 : 0);
            });
            t.start();
            Sleepers.awaitRegistered(JvmRingInternals.dataWakeupWord(ring), 1);
            t.interrupt();
            t.join(30_000);
            assertFalse(t.isAlive(), "noticed within a slice");
            assertEquals(0, result.get());
            assertEquals(1, stillInterrupted.get());
        }
    }

    @Test
    void toStringNamesTypeSizeAndPlace() {
        try (JvmRing ring = JvmRing.anonymous(RingType.USER_RINGBUF, 8192)) {
            assertEquals("JvmRing[USER_RINGBUF, 8192 bytes, anonymous]", ring.toString());
        }
    }
}
