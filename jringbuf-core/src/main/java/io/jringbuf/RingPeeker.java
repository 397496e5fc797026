/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.MapInfo;
import io.jringbuf.bpf.MapType;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.memory.KernelRingMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Looks at a ring without taking anything: the unconsumed records for an operator
 * ({@code jringbuf cat --peek}), positions and record counts for a monitor
 * ({@code jringbuf stat --watch}, {@code jringbuf top}). A peeker never writes the ring, never
 * moves {@code consumer_pos}, and claims no side, so it works while other threads or processes
 * consume (or drain) the ring and produce into it. A kernel map is mapped read-only for it.
 *
 * <pre>{@code
 * try (BpfMap events = BpfMap.openById(42);
 *      RingPeeker peeker = RingPeeker.open(events)) {
 *     peeker.peek((copy, offset, length) -> {
 *         System.out.println(length + " bytes");
 *         return RecordHandler.CONTINUE;
 *     }, position -> System.err.println("record at " + position + " consumed while being read"));
 * }
 * }</pre>
 *
 * <h2>Why every record is re-validated</h2>
 * The records between {@code consumer_pos} and {@code producer_pos} belong to the ring's reader:
 * it may consume one while the peeker copies it, and producers may then write new records into the
 * same bytes. The rule that makes a copy checkable: a byte at position {@code p} can be rewritten
 * only after {@code consumer_pos > p}, because a producer may reserve up to position {@code e}
 * only while {@code e - consumer_pos <= size}, and the next write into {@code p}'s slot is at
 * position {@code p + size}. So the peeker copies the record starting at {@code p} out, then
 * (after a load-load fence that keeps the copy's reads before it) reads {@code consumer_pos}
 * again: if it is still {@code <= p}, no byte of the record was rewritten during the copy and the
 * copy is the record; otherwise the copy may be torn, and it is reported to the
 * {@code consumedWhileRead} callback with its position instead of being delivered. This is the
 * validation of a sequence lock, with {@code consumer_pos} as the sequence. (A consumer moves
 * {@code consumer_pos} over whole records, so "past the record's start" and "past any of its
 * bytes" are the same test.)
 *
 * <p>Records are delivered as copies, in one buffer of the peeker reused for every record (it
 * grows to the largest record seen); the handler must not keep it. One thread at a time.
 */
public final class RingPeeker implements AutoCloseable {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final RingView view;
    private final RingType type;
    private final String name;
    private final KernelRingMemory owned;
    private final JvmRing ring;
    /** False only in this package's negative-control test: deliver without re-validating. */
    private final boolean revalidate;
    private final Arena arena = Arena.ofShared();
    private MemorySegment copy;

    private RingPeeker(RingView view, RingType type, String name, KernelRingMemory owned, JvmRing ring,
                       boolean revalidate) {
        this.view = view;
        this.type = type;
        this.name = name;
        this.owned = owned;
        this.ring = ring;
        this.revalidate = revalidate;
        this.copy = arena.allocate(256, 8);
    }

    /**
     * Maps a kernel ring map read-only (both of its parts: the kernel allows that for either type)
     * and peeks at it. The map fd is not owned: close it yourself after the peeker.
     *
     * @param map a RINGBUF or USER_RINGBUF map
     * @return the peeker, which unmaps the ring when closed
     * @throws ErrnoException EINVAL naming the map if it is another type of map; the errno of a
     *                        refused mmap
     */
    public static RingPeeker open(BpfMap map) {
        Objects.requireNonNull(map, "map");
        MapInfo info = map.info();
        RingType type;
        if (info.type() == MapType.RINGBUF.number()) {
            type = RingType.RINGBUF;
        } else if (info.type() == MapType.USER_RINGBUF.number()) {
            type = RingType.USER_RINGBUF;
        } else {
            throw new ErrnoException(Errno.EINVAL, "peek at map '" + info.name() + "' (id " + info.id() + "): a "
                    + info.typeName() + " map is not a RINGBUF or USER_RINGBUF map");
        }
        KernelRingMemory memory = KernelRingMemory.forObserver(map.fd(), info.maxEntries());
        return new RingPeeker(memory.view(), type, "map " + info.name() + " (id " + info.id() + ")", memory, null,
                true);
    }

    /** A peeker over a JVM ring's memory; the ring stays the caller's. See {@link JvmRing#peeker()}. */
    static RingPeeker of(JvmRing ring, RingView view, boolean revalidate) {
        return new RingPeeker(view, ring.type(), ring.name(), null, ring, revalidate);
    }

    /** {@return the ring's format} */
    public RingType type() {
        return type;
    }

    /** {@return the data area in bytes} */
    public long size() {
        return view.size();
    }

    /** {@return a name for messages: the ring file, or "map NAME (id N)"} */
    public String name() {
        return name;
    }

    /** {@return {@code consumer_pos}, acquire-loaded} */
    public long consumerPosition() {
        checkOpen();
        // Acquire: pairs with the reader's release store of consumer_pos (kernel drain, a
        // consumer in any process); orders the loads after it.
        return (long) LONG.getAcquire(view.consumerPage(), RingLayout.CONSUMER_POS_OFFSET);
    }

    /** {@return {@code producer_pos}, acquire-loaded} */
    public long producerPosition() {
        checkOpen();
        // Acquire: pairs with the producers' release store of producer_pos at reservation.
        return (long) LONG.getAcquire(view.producerPage(), RingLayout.PRODUCER_POS_OFFSET);
    }

    /** {@return unconsumed bytes: a snapshot, never negative (the consumer position is loaded first)} */
    public long availableBytes() {
        long cons = consumerPosition();
        return producerPosition() - cons;
    }

    /**
     * Delivers copies of the committed records between {@code consumer_pos} and
     * {@code producer_pos} as they are now, in ring order, without consuming them. A record still
     * being written (BUSY) ends the walk (the records after it are not yet readable in order);
     * discarded records are skipped; a record consumed before the peeker reached it is skipped
     * silently; a record consumed while it was being copied is reported to
     * {@code consumedWhileRead}, never delivered (see the class comment).
     *
     * @param handler receives each record's copy: {@code (buffer, 0, length)}; returning
     *                {@link RecordHandler#STOP} ends the walk
     * @param consumedWhileRead receives the position of each record that the ring's reader consumed
     *                          while it was being copied
     * @return records delivered
     * @throws ErrnoException EINVAL if a header at a position the reader has not passed is corrupt
     *                        (a length that does not fit between the positions); EBADF if the
     *                        peeker or its ring is closed
     */
    public int peek(RecordHandler handler, LongConsumer consumedWhileRead) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(consumedWhileRead, "consumedWhileRead");
        checkOpen();
        MemorySegment data = view.data();
        long mask = view.mask();
        long pos = consumerPosition();
        long prod = producerPosition();
        int delivered = 0;
        while (pos < prod) {
            if (revalidate) {
                long cons = consumerPosition();
                if (cons > pos) {
                    pos = cons; // consumed before we looked: the next unconsumed record starts there
                    continue;
                }
            }
            long at = pos & mask;
            // Acquire: pairs with the producer's release of the header at submit/discard (kernel:
            // xchg or smp_store_release; JVM producers: getAndSet/setRelease), so the payload
            // written before it is visible to the copy below.
            int header = (int) INT.getAcquire(data, at);
            int length = RingLayout.payloadLength(header);
            long recordSize = RingLayout.recordSizeOfHeader(header);
            boolean busy = RingLayout.isBusy(header);
            boolean discarded = RingLayout.isDiscarded(header);
            boolean fits = recordSize <= prod - pos && recordSize <= view.size();
            if (!busy && !discarded && fits) {
                if (copy.byteSize() < length) {
                    copy = arena.allocate(Math.max(length, copy.byteSize() * 2), 8);
                }
                MemorySegment.copy(data, at + RingLayout.HEADER_SIZE, copy, 0, length);
            }
            if (revalidate) {
                // Keep the header and copy loads above before the re-read of consumer_pos: a copy
                // is intact only if consumer_pos had not passed pos after it was taken.
                VarHandle.loadLoadFence();
                long cons = consumerPosition();
                if (cons > pos) {
                    if (!discarded && !busy) {
                        consumedWhileRead.accept(pos);
                    }
                    pos = cons;
                    continue;
                }
            }
            if (busy) {
                break; // the records after it are not yet readable in order
            }
            if (!fits) {
                if (!revalidate) {
                    break; // the negative control: a garbage header ends its walk
                }
                throw new ErrnoException(Errno.EINVAL, "peek at " + name + ": record header 0x"
                        + Integer.toHexString(header) + " at position " + pos + " claims " + recordSize
                        + " bytes, but only " + (prod - pos) + " are between it and producer_pos " + prod);
            }
            if (!discarded) {
                delivered++;
                if (!handler.onRecord(copy, 0, length)) {
                    break;
                }
            }
            pos += recordSize;
        }
        return delivered;
    }

    /**
     * Counts the records reserved between two producer positions (for rates: records per second
     * between two samples of {@link #producerPosition()}), by walking their headers. Each header
     * carries its length from the moment the record is reserved, so the walk counts records still
     * being written and discarded ones too. The headers are still in the ring until a producer
     * reaches {@code from + size}: the count is returned only if {@code producer_pos} re-read after
     * the walk has not passed that point.
     *
     * @param from a producer position seen earlier (a record boundary)
     * @param to a later producer position
     * @return the number of records in {@code [from, to)}, or -1 if the producers lapped the ring
     *         since {@code from} (the headers are gone)
     * @throws IllegalArgumentException if {@code to < from}
     */
    public long recordsBetween(long from, long to) {
        if (to < from) {
            throw new IllegalArgumentException("recordsBetween: to " + to + " is before from " + from);
        }
        if (to - from > view.size()) {
            return -1;
        }
        MemorySegment data = view.data();
        long mask = view.mask();
        long records = 0;
        for (long pos = from; pos < to; records++) {
            // Acquire: pairs with the release of producer_pos that published this header's length.
            int header = (int) INT.getAcquire(data, pos & mask);
            long recordSize = RingLayout.recordSizeOfHeader(header);
            if (recordSize > to - pos) {
                return -1; // overwritten by a later lap: not a header any more
            }
            pos += recordSize;
        }
        // The header loads above before the re-read (see the class comment's rule, here for
        // producer_pos: a header at position p is rewritten only once producer_pos > p + size).
        VarHandle.loadLoadFence();
        return producerPosition() - from <= view.size() ? records : -1;
    }

    private void checkOpen() {
        if (owned != null ? !owned.isOpen() : !ring.isOpen()) {
            throw new ErrnoException(Errno.EBADF, "peek at " + name + ": closed");
        }
    }

    /** Unmaps a kernel ring mapped by {@link #open(BpfMap)}; a JVM ring's peeker leaves the ring open. */
    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "RingPeeker[" + name + ", " + type + ", " + view.size() + " bytes]";
    }
}
