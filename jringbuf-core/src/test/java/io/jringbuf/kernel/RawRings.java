/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal ring access for loader tests, written from the kernel's layout alone so that the loader's
 * tests do not depend on the library's ring API: a RINGBUF reader of u64 records and a
 * USER_RINGBUF writer of u64 records.
 */
final class RawRings {
    private RawRings() {
    }

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;

    /** Reads u64 records from a RINGBUF map. */
    static final class Reader implements AutoCloseable {
        private final MemorySegment consumer;
        private final MemorySegment rest;
        private final long size;
        private final long page = Sys.pageSize();

        Reader(int fd, long size) {
            this.size = size;
            consumer = Sys.mmap(MemorySegment.NULL, page, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd, 0, "consumer page");
            rest = Sys.mmap(MemorySegment.NULL, page + 2 * size, Sys.PROT_READ, Sys.MAP_SHARED, fd, page, "producer page and data");
        }

        /** @return the first 8 bytes of every committed record, consuming them */
        long[] readLongs() {
            List<Long> out = new ArrayList<>();
            for (byte[] r : readRecords()) {
                out.add(java.nio.ByteBuffer.wrap(r).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
            }
            return out.stream().mapToLong(Long::longValue).toArray();
        }

        /** @return every committed record's bytes, consuming them */
        List<byte[]> readRecords() {
            List<byte[]> out = new ArrayList<>();
            long cons = (long) LONG.getAcquire(consumer, 0L);
            long prod = (long) LONG.getAcquire(rest, 0L); // pairs with the kernel's release of producer_pos
            while (cons < prod) {
                long at = page + (cons & (size - 1));
                int hdr = (int) INT.getAcquire(rest, at); // pairs with the kernel's commit (xchg of the header)
                if ((hdr & BUSY) != 0) {
                    break;
                }
                int len = hdr & ~(BUSY | DISCARD);
                if ((hdr & DISCARD) == 0) {
                    out.add(rest.asSlice(at + 8, len).toArray(ValueLayout.JAVA_BYTE));
                }
                cons += (len + 8 + 7) & ~7L;
                LONG.setRelease(consumer, 0L, cons); // the kernel's reserve acquires it
            }
            return out;
        }

        @Override
        public void close() {
            Sys.rawMunmap(consumer, page);
            Sys.rawMunmap(rest, page + 2 * size);
        }
    }

    /** Writes u64 records into a USER_RINGBUF map. */
    static final class UserWriter implements AutoCloseable {
        private final MemorySegment consumer;
        private final MemorySegment rest;
        private final long size;
        private final long page = Sys.pageSize();

        UserWriter(int fd, long size) {
            this.size = size;
            consumer = Sys.mmap(MemorySegment.NULL, page, Sys.PROT_READ, Sys.MAP_SHARED, fd, 0, "consumer page");
            rest = Sys.mmap(MemorySegment.NULL, page + 2 * size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd, page,
                    "producer page and data");
        }

        /** @return false if the ring is full */
        boolean write(long value) {
            long cons = (long) LONG.getAcquire(consumer, 0L); // the kernel's drain releases it
            long prod = (long) LONG.getAcquire(rest, 0L);
            long total = 16;
            if (prod - cons + total > size) {
                return false;
            }
            long at = page + (prod & (size - 1));
            rest.set(ValueLayout.JAVA_INT, at, 8 | BUSY);
            rest.set(ValueLayout.JAVA_INT, at + 4, 0);
            LONG.setRelease(rest, 0L, prod + total); // the drain acquires producer_pos, then sees BUSY
            rest.set(ValueLayout.JAVA_LONG, at + 8, value);
            INT.getAndSet(rest, at, 8); // publish: the drain acquires the header
            return true;
        }

        @Override
        public void close() {
            Sys.rawMunmap(consumer, page);
            Sys.rawMunmap(rest, page + 2 * size);
        }
    }
}
