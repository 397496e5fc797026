/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.format;

/**
 * The binary layout of a BPF ring buffer, defined once: record headers, rounding, positions,
 * flags and the page layout. Every other class asks this one; there are no magic numbers
 * elsewhere.
 *
 * <h2>Pages</h2>
 * <pre>
 *  offset 0            consumer page: consumer_pos (u64) at byte 0
 *  offset page         producer page: producer_pos (u64) at 0, pending_pos (u64) at 8
 *  offset 2 x page     data, size bytes, then the same data mapped again (another size bytes)
 * </pre>
 * These are the kernel's mmap offsets relative to a ring map fd. The data area is mapped twice
 * back to back, so a record that starts near the end of the ring and wraps is still contiguous.
 *
 * <h2>Records</h2>
 * <pre>
 *  +0  u32 len   bits 0-29 payload length, bit 30 DISCARD, bit 31 BUSY
 *  +4  u32       RINGBUF from the kernel: page offset (opaque); USER_RINGBUF: padding.
 *                JVM rings store the owning process id here while the record is BUSY.
 *  +8  payload, len bytes, then padding to a multiple of 8
 * </pre>
 * A record occupies {@code roundUp(len + 8, 8)} bytes, so positions are always multiples of 8.
 * Positions are unsigned 64-bit byte counters that only grow; the offset of a position in the
 * data area is {@code position & mask} with {@code mask = size - 1}. All words are in native byte
 * order.
 */
public final class RingLayout {
    private RingLayout() {
    }

    /** Header bit set while a record is reserved and not yet committed. */
    public static final int BUSY_BIT = 1 << 31;
    /** Header bit set when a record is committed as discarded. */
    public static final int DISCARD_BIT = 1 << 30;
    /** The header bits that hold the payload length. */
    public static final int LENGTH_MASK = 0x3FFF_FFFF;
    /** Bytes of header in front of every record. */
    public static final int HEADER_SIZE = 8;
    /** Offset of the 32-bit owner/page-offset word inside a header. */
    public static final int HEADER_OWNER_OFFSET = 4;
    /** The largest payload length the header format can express ({@code UINT_MAX / 4}). */
    public static final int MAX_RECORD_SIZE = LENGTH_MASK;
    /** The most samples one {@code bpf_user_ringbuf_drain} call processes. */
    public static final int MAX_USER_RINGBUF_SAMPLES = 128 * 1024;
    /** The largest sample a drain accepts (the dynptr size field has 24 bits). */
    public static final int DYNPTR_MAX_SIZE = (1 << 24) - 1;

    /** Commit flag: send no wakeup. */
    public static final int NO_WAKEUP = 1;
    /** Commit flag: always send a wakeup (wins over {@link #NO_WAKEUP}). */
    public static final int FORCE_WAKEUP = 2;
    /** The commit flags that exist. */
    public static final int WAKEUP_FLAGS = NO_WAKEUP | FORCE_WAKEUP;

    /** {@code query} selector: unconsumed bytes ({@code producer_pos - consumer_pos}). */
    public static final int QUERY_AVAIL_DATA = 0;
    /** {@code query} selector: the data area size. */
    public static final int QUERY_RING_SIZE = 1;
    /** {@code query} selector: the consumer position. */
    public static final int QUERY_CONS_POS = 2;
    /** {@code query} selector: the producer position. */
    public static final int QUERY_PROD_POS = 3;


    /** Offset of {@code consumer_pos} within the consumer page. */
    public static final long CONSUMER_POS_OFFSET = 0;
    /** Offset of {@code producer_pos} within the producer page. */
    public static final long PRODUCER_POS_OFFSET = 0;
    /** Offset of {@code pending_pos} within the producer page (kernel 2024+, JVM producers). */
    public static final long PENDING_POS_OFFSET = 8;
    /** The largest ring a map can have: {@code max_entries} is a u32 power of two. */
    public static final long MAX_RING_SIZE = 1L << 31;

    /** {@return the mmap offset of the consumer page: 0} */
    public static long consumerPageOffset() {
        return 0;
    }

    /** {@return the mmap offset of the producer page: one page} */
    public static long producerPageOffset(int pageSize) {
        return pageSize;
    }

    /** {@return the mmap offset of the data area: two pages} */
    public static long dataOffset(int pageSize) {
        return 2L * pageSize;
    }

    /**
     * The bytes a record with this payload length occupies: {@code roundUp(length + 8, 8)}.
     *
     * @param payloadLength a payload length without flag bits (0 .. {@link #MAX_RECORD_SIZE})
     */
    public static long recordSize(long payloadLength) {
        return (payloadLength + HEADER_SIZE + 7) & ~7L;
    }

    /**
     * The bytes a record occupies, from its header word (flag bits ignored).
     *
     * @param header the 32-bit header length word
     */
    public static long recordSizeOfHeader(int header) {
        return ((header & LENGTH_MASK) + HEADER_SIZE + 7) & ~7L;
    }

    /** {@return the payload length of a header word, without flag bits} */
    public static int payloadLength(int header) {
        return header & LENGTH_MASK;
    }

    /** {@return whether a header word has the BUSY bit} */
    public static boolean isBusy(int header) {
        return (header & BUSY_BIT) != 0;
    }

    /** {@return whether a header word has the DISCARD bit} */
    public static boolean isDiscarded(int header) {
        return (header & DISCARD_BIT) != 0;
    }

    /**
     * Whether a size can be a ring's data area: a power of two, a multiple of the page size,
     * and at most {@link #MAX_RING_SIZE} (the kernel's rules for {@code max_entries}).
     */
    public static boolean isValidRingSize(long size, int pageSize) {
        return size > 0 && size <= MAX_RING_SIZE && Long.bitCount(size) == 1 && size % pageSize == 0;
    }

    /**
     * libbpf's automatic ring size adjustment: 0 stays 0 (so the kernel reports it); a size that
     * is already {@code pageSize * 2^k} is kept; otherwise the smallest {@code pageSize * 2^k}
     * strictly greater than the request; if none fits in 32 bits the request is returned as is.
     *
     * @param size the requested {@code max_entries} (an unsigned 32-bit value)
     * @param pageSize the page size
     * @return the adjusted size
     */
    public static long roundUpRingSize(long size, int pageSize) {
        if (size == 0) {
            return 0;
        }
        for (long candidate = pageSize; candidate <= 0xFFFF_FFFFL; candidate <<= 1) {
            if (candidate == size) {
                return size;
            }
            if (candidate > size) {
                return candidate;
            }
        }
        return size;
    }

    /**
     * The largest payload a RINGBUF producer can reserve in a ring of this size. The kernel
     * refuses a reservation that would put the producer more than {@code size - 1} bytes ahead of
     * the consumer, and records are multiples of 8, so a RINGBUF never fills completely and the
     * largest payload is {@code size - 16}.
     */
    public static long maxRingbufPayload(long ringSize) {
        return ringSize - 2L * HEADER_SIZE;
    }

    /**
     * The largest payload a USER_RINGBUF producer can reserve: the ring may be filled completely,
     * so {@code size - 8}.
     */
    public static long maxUserRingbufPayload(long ringSize) {
        return ringSize - HEADER_SIZE;
    }

    /** {@return whether the two top bits (BUSY, DISCARD) of a requested size are clear} */
    public static boolean fitsHeader(long payloadLength) {
        return payloadLength >= 0 && payloadLength <= MAX_RECORD_SIZE;
    }

    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    /**
     * The 8 header bytes as one native-order long, for a producer's single store of a BUSY header:
     * the header word at offset 0, the owner word at offset {@link #HEADER_OWNER_OFFSET}.
     */
    public static long headerWords(int header, int owner) {
        long h = header & 0xFFFF_FFFFL;
        long o = owner & 0xFFFF_FFFFL;
        return LITTLE_ENDIAN ? (o << 32) | h : (h << 32) | o;
    }
}
