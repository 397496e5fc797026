/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.faults;

import io.jringbuf.RingWriter;
import io.jringbuf.RingReader;
import io.jringbuf.JvmRing;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.memory.RingFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ring file removed (unlinked, by another process) while in use: the processes that have it
 * mapped go on, every record once and in order; a new open by its name fails with ENOENT naming
 * the path; the ring says its file has no name any more; it stays reachable as
 * {@code /proc/PID/fd/N} while a process has it open; closing it leaves nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnlinkedRingTest {
    private static final long SIZE = 16 << 10;
    private static final int RECORDS = 20_000;
    @TempDir
    Path dir;

    @Test
    void usersGoOnNewOpensFailWithEnoentAndTheRingSaysItsFileIsGone() throws Exception {
        Path file = dir.resolve("ring");
        JvmRing ring = JvmRing.create(file, RingType.RINGBUF, SIZE);
        JvmRing second = JvmRing.open(file); // another user of the same file, its own mapping
        RingWriter producer = second.writer();
        RingReader consumer = ring.reader();
        long[] next = {0};
        CompletableFuture<Void> consuming = CompletableFuture.runAsync(() -> {
            while (next[0] < RECORDS) {
                consumer.poll((b, o, l) -> {
                    assertEquals(next[0]++, b.get(ValueLayout.JAVA_LONG_UNALIGNED, o), "in order, once");
                    return true;
                }, Duration.ofSeconds(10));
            }
        });
        byte[] payload = new byte[8];
        for (long seq = 0; seq < RECORDS; seq++) {
            if (seq == RECORDS / 2) {
                FaultSetup.runOk("rm", file.toString()); // removed mid-stream by another process
                assertFalse(Files.exists(file));
            }
            java.nio.ByteBuffer.wrap(payload).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, seq);
            long off = producer.reserve(8, Duration.ofSeconds(10));
            assertTrue(off >= 0, "space within 10 s");
            java.lang.foreign.MemorySegment.copy(payload, 0, producer.buffer(), ValueLayout.JAVA_BYTE, off, 8);
            producer.submit(off, 0);
        }
        consuming.get(30, TimeUnit.SECONDS);
        assertEquals(RECORDS, next[0], "every record, once, in order, across the removal");

        ErrnoException e = assertThrows(ErrnoException.class, () -> JvmRing.open(file));
        assertEquals(Errno.ENOENT, e.errno(), e.getMessage());
        assertEquals("open ring file " + file, e.operation());
        assertFalse(RingFaults.ringOf(JvmRingInternals.view(ring).data()).fileLinked(), "the ring knows its file has no name");

        // Still reachable while this process has it open: /proc/self/fd/N opens the same ring.
        Path viaProc = null;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(file + " (deleted)")) {
                        viaProc = fd;
                    }
                } catch (java.io.IOException gone) {
                    // the listing's own descriptor
                }
            }
        }
        assertTrue(viaProc != null, "the ring keeps its file open while mapped");
        Path procPath = Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + viaProc.getFileName());
        try (JvmRing third = JvmRing.open(procPath)) {
            assertEquals(SIZE, third.size());
            assertTrue(third.writer().output(new byte[8], 0));
        }
        assertEquals(1, consumer.consume((b, o, l) -> true));
        second.close();
        ring.close();
        assertEquals(0, FaultSetup.openFds(dir), "descriptors of the removed file");
        assertEquals(0, FaultSetup.mappings(dir), "mappings of the removed file");
    }
}
