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
import io.jringbuf.internal.format.RingFileDescriptor;
import io.jringbuf.internal.sys.Sys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Never a sparse ring: a ring file's blocks are allocated when it is created, so a file system
 * that cannot hold it fails {@code create} with ENOSPC naming the path and the size (not a SIGBUS
 * in the middle of a record later); a sparse ring file is allocated when it is opened; a file
 * system that cannot allocate ahead (ramfs) gets zeros written instead, and says so. Each on a
 * file system mounted by the test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FullFileSystemTest {
    private static final long RING = 4L << 20;
    @TempDir
    Path dir;
    private Path mnt;

    @BeforeEach
    void mountPoint() throws Exception {
        mnt = Files.createDirectory(dir.resolve("mnt"));
    }

    @AfterEach
    void unmount() {
        FaultSetup.unmount(mnt);
    }

    private static long fileLength(long size) {
        return RingFileDescriptor.fileLength(size, Sys.pageSize());
    }

    @Test
    void createOnATmpfsTooSmallForTheRingFailsWithEnospcNamingThePathAndTheSize() {
        FaultSetup.mount("tmpfs", "size=1m", mnt);
        Path file = mnt.resolve("r");
        ErrnoException e = assertThrows(ErrnoException.class, () -> JvmRing.create(file, RingType.RINGBUF, RING));
        assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains("create ring file " + file), e.getMessage());
        assertTrue(e.getMessage().contains("allocate " + fileLength(RING) + " bytes (a ring of " + RING
                + " data bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("the file system is full"), e.getMessage());
        // Nothing half-made: no ring file, no hidden temporary, no descriptor, no mapping.
        assertEquals(List.of(), FaultSetup.runOk("ls", "-A", mnt.toString()).lines().toList());
        assertEquals(0, FaultSetup.openFds(mnt));
        assertEquals(0, FaultSetup.mappings(mnt));
    }

    @Test
    void aRingThatFitsIsFullyAllocatedAndEveryRecordSurvivesAFullFileSystem() throws Exception {
        FaultSetup.mount("tmpfs", "size=1m", mnt);
        long size = 256 << 10;
        Path file = mnt.resolve("r");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, size)) {
            assertTrue(FaultSetup.allocatedBytes(file) >= fileLength(size),
                    "allocated " + FaultSetup.allocatedBytes(file) + " of " + fileLength(size));
            // Fill the rest of the file system: the ring, allocated ahead, needs nothing more.
            FaultSetup.run("dd", "if=/dev/zero", "of=" + mnt.resolve("filler"), "bs=64k");
            assertFalse(FaultSetup.run("dd", "if=/dev/zero", "of=" + mnt.resolve("more"), "bs=4k", "count=1")
                    .exit() == 0 && Files.size(mnt.resolve("more")) > 0, "the file system is full");
            RingWriter producer = ring.writer();
            RingReader consumer = ring.reader();
            long next = 0;
            long expected = 0;
            // Three times round the ring: every data page is written (and read) at least once.
            while (next < 3 * size / 64) {
                while (producer.output(ByteBuffer.allocate(48).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, next).array(), 0)) {
                    next++;
                }
                long[] want = {expected};
                consumer.consume((b, o, l) -> {
                    assertEquals(want[0]++, b.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, o));
                    return true;
                });
                expected = want[0];
            }
            assertEquals(next, expected, "every record once, in order");
        }
        assertEquals(0, FaultSetup.openFds(mnt));
        assertEquals(0, FaultSetup.mappings(mnt));
    }

    @Test
    void openOfASparseRingAllocatesItAndFailsWithEnospcWhereItCannot() throws Exception {
        FaultSetup.mount("tmpfs", "size=2m", mnt);
        Path original = dir.resolve("original");
        try (JvmRing ring = JvmRing.create(original, RingType.RINGBUF, RING)) {
            ring.writer().output(new byte[] {1, 2, 3}, 0);
        }
        // A sparse copy (as an older version made, or cp of a ring): 4 MiB of ring on 2 MiB.
        Path copy = mnt.resolve("copy");
        FaultSetup.runOk("cp", "--sparse=always", original.toString(), copy.toString());
        assertTrue(FaultSetup.allocatedBytes(copy) < fileLength(RING), "the copy is sparse");
        ErrnoException e = assertThrows(ErrnoException.class, () -> JvmRing.open(copy));
        assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains("open ring file " + copy + ": allocate " + fileLength(RING) + " bytes"),
                e.getMessage());
        assertEquals(0, FaultSetup.openFds(mnt));
        assertEquals(0, FaultSetup.mappings(mnt));

        // Where it fits, open allocates the missing blocks and the record is still there.
        Path small = dir.resolve("small");
        try (JvmRing ring = JvmRing.create(small, RingType.RINGBUF, 64 << 10)) {
            ring.writer().output(new byte[] {4, 5, 6}, 0);
        }
        Path smallCopy = mnt.resolve("small");
        FaultSetup.runOk("cp", "--sparse=always", small.toString(), smallCopy.toString());
        assertTrue(FaultSetup.allocatedBytes(smallCopy) < fileLength(64 << 10), "the copy is sparse");
        try (JvmRing ring = JvmRing.open(smallCopy)) {
            assertTrue(FaultSetup.allocatedBytes(smallCopy) >= fileLength(64 << 10), "allocated at open");
            List<Byte> got = new ArrayList<>();
            assertEquals(1, ring.reader().consume((b, o, l) -> {
                for (int i = 0; i < l; i++) {
                    got.add(b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, o + i));
                }
                return true;
            }));
            assertEquals(List.of((byte) 4, (byte) 5, (byte) 6), got);
        }
    }

    @Test
    void onAFileSystemThatCannotAllocateAheadCreateWritesZerosAndSaysSo() throws Exception {
        FaultSetup.mount("ramfs", null, mnt);
        Path file = mnt.resolve("r");
        long size = 64 << 10;
        // In a child JVM: what it says goes to its stderr through the JDK's default logger.
        try (ChildJvm child = ChildJvm.start("create", file.toString(), Long.toString(size))) {
            child.expectLine("created", 30_000);
            child.awaitSuccess(30_000);
            assertTrue(child.stderr().contains("INFO: create ring file " + file + ": the file system cannot allocate"
                    + " ahead (fallocate: EOPNOTSUPP); writing " + fileLength(size) + " bytes of zeros instead"),
                    child.stderr());
        }
        assertEquals(fileLength(size), Files.size(file));
        try (JvmRing ring = JvmRing.open(file)) {
            assertTrue(ring.writer().output(new byte[] {7}, 0));
            assertEquals(1, ring.reader().consume((b, o, l) -> true));
        }
        assertEquals(0, FaultSetup.openFds(mnt));
        assertEquals(0, FaultSetup.mappings(mnt));
    }
}
