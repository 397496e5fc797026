/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.format;

/**
 * The binary layout of a JVM ring file, and nothing else: offsets, sizes and pure functions of
 * them. The BPF part (positions, headers, the data area) is {@link RingLayout}'s; this class adds
 * what the kernel keeps in its private header page: a metadata page with a control block.
 *
 * <h2>File (offsets in pages)</h2>
 * <pre>
 *  page 0   metadata page
 *  page 1   consumer page: consumer_pos at 0               (as a kernel ring's first page)
 *  page 2   producer page: producer_pos at 0, pending_pos at 8
 *  page 3   data, size bytes (mapped twice back to back in memory, never in the file)
 * </pre>
 *
 * <h2>Metadata page (bytes)</h2>
 * <pre>
 *     0  u64 magic "JRINGBUF" (big-endian ASCII), stored last with a release store
 *     8  u32 layout version            12  u32 ring type (the kernel's map type number)
 *    16  u64 data size                 24  u32 page size
 *    28  u32 header pages (3)          32  u32 control block offset (1024)
 *  1024  control block, {@link #CONTROL_SIZE} bytes, each hot word on its own cache line:
 *        +0    u64 reservation lock: 0 free, else the holder's process id
 *        +64   u64 drain busy flag: 0 idle, else the draining process id
 *        +128  u32 data wakeup sequence, u32 data waiters  (producers wake the consumer)
 *        +192  u32 space wakeup sequence, u32 space waiters (the consumer wakes producers)
 *        +256  u64 drops: reservations refused for lack of space (or a stuck lock)
 *        +264  u64 recoveries: locks, flags and BUSY records taken over from dead processes
 *        +272  u64 wakeups that reached a waiting thread
 *        +320  u64 consumer owner: process id of the one consumer or drainer
 *        +328  u64 producer owner: process id of the one user producer (USER_RINGBUF)
 * </pre>
 */
public final class RingFileDescriptor {
    private RingFileDescriptor() {
    }

    /** "JRINGBUF" in ASCII, as a big-endian number: the first 8 bytes of every ring file. */
    public static final long MAGIC = 0x4A52_494E_4742_5546L;
    /** The layout version this code writes and reads. */
    public static final int VERSION = 1;
    /** Pages in front of the data: metadata, consumer, producer. */
    public static final int HEADER_PAGES = 3;

    /** Metadata page: offset of the magic. */
    public static final long MAGIC_OFFSET = 0;
    /** Metadata page: offset of the layout version. */
    public static final long VERSION_OFFSET = 8;
    /** Metadata page: offset of the ring type. */
    public static final long TYPE_OFFSET = 12;
    /** Metadata page: offset of the data size. */
    public static final long SIZE_OFFSET = 16;
    /** Metadata page: offset of the page size the file was made with. */
    public static final long PAGE_SIZE_OFFSET = 24;
    /** Metadata page: offset of the number of header pages. */
    public static final long HEADER_PAGES_OFFSET = 28;
    /** Metadata page: offset of the word holding the control block's offset. */
    public static final long CONTROL_OFFSET_OFFSET = 32;
    /** Metadata page: where the control block starts. */
    public static final int CONTROL_OFFSET = 1024;

    /** Bytes of the control block. */
    public static final int CONTROL_SIZE = 384;
    /** Control block: the producers' reservation lock. */
    public static final long LOCK = 0;
    /** Control block: the drainer's busy flag. */
    public static final long DRAIN_BUSY = 64;
    /** Control block: the data wakeup word pair (sequence, waiters). */
    public static final long DATA_WAKEUP = 128;
    /** Control block: the space wakeup word pair (sequence, waiters). */
    public static final long SPACE_WAKEUP = 192;
    /** Control block: the drop counter. */
    public static final long DROPS = 256;
    /** Control block: the recovery counter. */
    public static final long RECOVERIES = 264;
    /** Control block: the wakeup counter. */
    public static final long WAKEUPS = 272;
    /** Control block: the consumer (or drainer) owner's process id. */
    public static final long CONSUMER_OWNER = 320;
    /** Control block: the user producer owner's process id. */
    public static final long PRODUCER_OWNER = 328;

    /** {@return the file offset of the consumer page} */
    public static long consumerPageOffset(int pageSize) {
        return pageSize;
    }

    /** {@return the file offset of the producer page} */
    public static long producerPageOffset(int pageSize) {
        return 2L * pageSize;
    }

    /** {@return the file offset of the data area} */
    public static long dataOffset(int pageSize) {
        return (long) HEADER_PAGES * pageSize;
    }

    /** {@return the exact length of a ring file with {@code size} data bytes} */
    public static long fileLength(long size, int pageSize) {
        return dataOffset(pageSize) + size;
    }
}
