/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.JvmRingInternals;
import io.jringbuf.base.RingType;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.Errno;
import io.jringbuf.internal.format.RingFileDescriptor;
import io.jringbuf.internal.sys.Sys;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterProperty;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random corruption of ring files: the metadata page's magic, version, type, size, page size,
 * header page count and control offset, and the file length (truncated or extended).
 * {@link JvmRing#open} succeeds exactly when every checked field still holds a valid value
 * (the type may become the other valid type) and the length matches; otherwise it fails with
 * ErrnoException EINVAL. It never throws anything else and never maps past the end of the file.
 */
class RingFileCorruptionProperties {
    private static final int SIZE = 4096;
    private final Path dir;

    RingFileCorruptionProperties() throws IOException {
        dir = Files.createTempDirectory("jringbuf-file-corruption");
    }

    @AfterProperty
    void removeDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Field offset and width in the metadata page (see RingFileDescriptor). */
    record Field(String name, int offset, int width) {
    }

    static final Field[] FIELDS = {
        new Field("magic", 0, 8), new Field("version", 8, 4), new Field("type", 12, 4), new Field("size", 16, 8),
        new Field("page size", 24, 4), new Field("header pages", 28, 4), new Field("control offset", 32, 4),
    };

    @Provide
    Arbitrary<Long> values() {
        return Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, -1L, 2L, (long) RingType.RINGBUF.mapType(), (long) RingType.USER_RINGBUF.mapType(),
                        27L + 1, (long) SIZE, 2L * SIZE, SIZE / 2L, SIZE + 8L, 1L << 31, 1L << 32, 3L, 1024L, 4096L,
                        65536L, Long.MAX_VALUE, Long.MIN_VALUE, RingFileDescriptor.MAGIC, RingFileDescriptor.MAGIC ^ 1),
                Arbitraries.longs());
    }

    @Provide
    Arbitrary<Long> lengthDeltas() {
        return Arbitraries.oneOf(
                Arbitraries.of(0L, -1L, -8L, (long) -SIZE, (long) -Sys.pageSize(), 1L, 8L, (long) SIZE),
                Arbitraries.longs().between(-(3L * Sys.pageSize() + SIZE), 2L * SIZE));
    }

    @Property(tries = 120, shrinking = ShrinkingMode.BOUNDED)
    void openAcceptsExactlyValidMetadata(@ForAll boolean userRingbuf,
            @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 6) int fieldIndex,
            @ForAll("values") long value) throws IOException {
        Field field = FIELDS[fieldIndex];
        Path file = createRing(userRingbuf);
        long original;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            original = read(raf, field);
            write(raf, field, value);
        }
        long stored = field.width() == 4 ? (int) value : value;
        boolean valid = switch (field.name()) {
            case "type" -> stored == RingType.RINGBUF.mapType() || stored == RingType.USER_RINGBUF.mapType();
            default -> stored == original;
        };
        RingType expectedType = !field.name().equals("type") ? (userRingbuf ? RingType.USER_RINGBUF : RingType.RINGBUF)
                : stored == RingType.RINGBUF.mapType() ? RingType.RINGBUF : RingType.USER_RINGBUF;
        assertOpens(file, valid, expectedType, field.name() + " = " + value);
    }

    @Property(tries = 60, shrinking = ShrinkingMode.BOUNDED)
    void openRefusesATruncatedOrExtendedFile(@ForAll boolean userRingbuf, @ForAll("lengthDeltas") long delta)
            throws IOException {
        Path file = createRing(userRingbuf);
        long length = Files.size(file);
        long newLength = Math.max(0, length + delta);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(newLength);
        }
        assertOpens(file, newLength == length, userRingbuf ? RingType.USER_RINGBUF : RingType.RINGBUF,
                "length " + length + " -> " + newLength);
    }

    private void assertOpens(Path file, boolean valid, RingType type, String what) {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try (JvmRing ring = JvmRing.open(file)) {
                assertTrue(valid, what + ": opened a corrupt ring file");
                assertEquals(type, ring.type(), what);
                assertEquals(SIZE, ring.size(), what);
                // The mapping is usable end to end: both roles of the type can be created and used.
                if (type == RingType.RINGBUF) {
                    assertTrue(ring.writer().output(new byte[8], 0), what);
                    assertEquals(1, ring.reader().consume((b, o, l) -> true), what);
                } else {
                    long offset = JvmRingInternals.userProducer(ring).reserve(8);
                    JvmRingInternals.userProducer(ring).submit(offset);
                    assertEquals(1, ring.reader().consume((b, o, l) -> true), what);
                }
            } catch (ErrnoException e) {
                if (valid) {
                    fail(what + ": a valid ring file was refused: " + e.getMessage(), e);
                }
                assertEquals(Errno.EINVAL, e.errno(), what + ": " + e.getMessage());
                assertTrue(e.getMessage().contains("open ring file"), "the message names the operation: " + e.getMessage());
            } catch (AssertionError e) {
                throw e;
            } catch (Throwable t) {
                fail(what + ": not an ErrnoException: " + t, t);
            }
            // A refused type mismatch is EINVAL too.
            if (valid) {
                RingType other = type == RingType.RINGBUF ? RingType.USER_RINGBUF : RingType.RINGBUF;
                ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class,
                        () -> JvmRing.open(file, other).close());
                assertEquals(Errno.EINVAL, e.errno());
            }
        });
    }

    private Path createRing(boolean userRingbuf) {
        Path file = dir.resolve("ring-" + System.nanoTime());
        JvmRing.create(file, userRingbuf ? RingType.USER_RINGBUF : RingType.RINGBUF, SIZE).close();
        return file;
    }

    private static long read(RandomAccessFile raf, Field field) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        raf.getChannel().read(b.limit(field.width()), field.offset());
        return field.width() == 4 ? b.getInt(0) : b.getLong(0);
    }

    private static void write(RandomAccessFile raf, Field field, long value) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        if (field.width() == 4) {
            b.putInt(0, (int) value);
        } else {
            b.putLong(0, value);
        }
        raf.getChannel().write(b.limit(field.width()), field.offset());
    }
}
