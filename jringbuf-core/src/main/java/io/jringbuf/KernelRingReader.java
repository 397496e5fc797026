/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.MapInfo;
import io.jringbuf.bpf.MapType;
import io.jringbuf.internal.memory.KernelRingMemory;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.internal.wait.EpollWaiter;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads one kernel {@code BPF_MAP_TYPE_RINGBUF} map on its own (cilium's {@code ringbuf.Reader}):
 * maps the ring, and waits in an epoll set of its own on the map fd. To wait on several rings at
 * once, use a {@link RingBuffer}.
 *
 * <pre>{@code
 * try (KernelRingReader reader = KernelRingReader.open(events)) {   // a BpfMap
 *     reader.poll((buffer, offset, length) -> {
 *         long pid = buffer.get(ValueLayout.JAVA_LONG, offset);
 *         return RecordHandler.CONTINUE;
 *     }, Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * A map created with {@code BPF_F_RB_OVERWRITE} ({@link BpfMap#F_RB_OVERWRITE}, Linux 6.19) is read
 * with the overwrite reader: from {@code max(consumer_pos, overwrite_pos)}, each record delivered
 * from a copy after a re-check that the producer did not overwrite it meanwhile (see
 * {@link RingReader}); the kernel keeps no lost count, so {@link RingStatistics#lost()} is -1.
 *
 * <p>The map fd is not owned: close it (or its {@link BpfMap}) yourself after this reader. Waiting
 * is edge-triggered, which is safe because the reader issues the missed-wakeup fence (see
 * {@link RingReader}). {@link #close()} wakes a blocked poll; a thread still inside this reader
 * afterwards gets {@link ErrnoException} EBADF, never a crash.
 */
public final class KernelRingReader implements RingReader, AutoCloseable {
    private final KernelRingMemory memory;
    private final ConsumerReader reader;
    /** Polls in progress: {@link #close()} waits for them to leave before closing the epoll set. */
    private final AtomicInteger activePolls = new AtomicInteger();
    private volatile boolean closed;

    private KernelRingReader(KernelRingMemory memory, ConsumerReader reader) {
        this.memory = memory;
        this.reader = reader;
    }

    /**
     * Opens a reader that commits after every record, as libbpf does.
     *
     * @param map a RINGBUF map
     * @return the reader
     * @throws ErrnoException EINVAL if the map is not a RINGBUF; the errno of a refused mmap
     */
    public static KernelRingReader open(BpfMap map) {
        return open(map.fd(), CommitMode.PER_RECORD);
    }

    /**
     * Opens a reader.
     *
     * @param map a RINGBUF map
     * @param mode when the reader stores {@code consumer_pos}
     * @return the reader
     * @throws ErrnoException EINVAL if the map is not a RINGBUF; the errno of a refused mmap
     */
    public static KernelRingReader open(BpfMap map, CommitMode mode) {
        return open(map.fd(), mode);
    }

    /**
     * Opens a reader on a map fd.
     *
     * @param mapFd a RINGBUF map fd
     * @param mode when the reader stores {@code consumer_pos}
     * @return the reader
     * @throws ErrnoException EINVAL if the fd is not a RINGBUF map; the errno of a refused mmap
     */
    public static KernelRingReader open(int mapFd, CommitMode mode) {
        return open(mapFd, mode, null);
    }

    /**
     * Opens a reader whose lost count is a lost-counter map's (see
     * {@link BpfMap#createLostCounter} and {@code include/jringbuf_lost.h}).
     *
     * @param map a RINGBUF map
     * @param mode when the reader stores {@code consumer_pos}
     * @param lostCounter the ring's per-CPU lost counter, added up over the CPUs; null for none
     * @return the reader
     * @throws ErrnoException EINVAL if the map is not a RINGBUF; the errno of a refused mmap
     */
    public static KernelRingReader open(BpfMap map, CommitMode mode, BpfMap lostCounter) {
        return open(map.fd(), mode, lostCounter);
    }

    /**
     * Opens a reader of a ring of a loaded object, by name; the object's {@code RING_lost}
     * counter, if it declares one, is the reader's lost count.
     *
     * @param object a loaded object
     * @param ringName its RINGBUF map's name
     * @param mode when the reader stores {@code consumer_pos}
     * @return the reader
     * @throws ErrnoException ENOENT if the object has no such map; EINVAL naming the map and both
     *                        types if it is not a RINGBUF
     */
    public static KernelRingReader open(BpfObject object, String ringName, CommitMode mode) {
        return open(object.map(ringName).fd(), mode, object.lostCounter(ringName).orElse(null));
    }

    private static KernelRingReader open(int mapFd, CommitMode mode, BpfMap lostCounter) {
        MapInfo info = BpfMap.requireType(mapFd, MapType.RINGBUF);
        KernelRingMemory memory = KernelRingMemory.forConsumer(mapFd, info.maxEntries());
        try {
            return new KernelRingReader(memory, reader(memory, mode, mapFd, info, lostCounter));
        } catch (RuntimeException | Error e) {
            memory.close();
            throw e;
        }
    }

    /**
     * The reader of a mapped kernel RINGBUF; its epoll set is made on first wait. The kernel keeps
     * no count of the records it refused: the lost count is the lost-counter map's total, or
     * unknown (-1) without one.
     */
    static ConsumerReader reader(KernelRingMemory memory, CommitMode mode, int mapFd, MapInfo info,
                                 BpfMap lostCounter) {
        // A map made with BPF_F_RB_OVERWRITE is read with the overwrite reader (copies, re-checks).
        Consumer consumer = Consumer.forKernelRing(memory.view(), mode == CommitMode.BATCH,
                (info.flags() & BpfMap.F_RB_OVERWRITE) != 0);
        LongSupplier lost = lostCounter == null ? () -> -1L : lostCounter(lostCounter, info);
        return new ConsumerReader(consumer, mode,
                () -> EpollWaiter.open(mapFd, Sys.EPOLLIN, "RINGBUF fd " + mapFd),
                "map " + info.name() + " (id " + info.id() + ")", lost);
    }

    /** A lost counter's total; a closed counter map reads as unknown (-1) rather than failing a read. */
    private static LongSupplier lostCounter(BpfMap counter, MapInfo ring) {
        counter.sumPerCpuLong(0); // checked now: a per-CPU array of u64 with an entry 0
        return () -> {
            try {
                return counter.sumPerCpuLong(0);
            } catch (ErrnoException closed) {
                return -1L;
            }
        };
    }

    @Override
    public int consume(RecordHandler handler) {
        return reader.consume(handler);
    }

    @Override
    public int consume(RecordHandler handler, int maxRecords) {
        return reader.consume(handler, maxRecords);
    }

    @Override
    public int poll(RecordHandler handler) {
        activePolls.incrementAndGet();
        try {
            checkOpen();
            return reader.poll(handler);
        } finally {
            activePolls.decrementAndGet();
        }
    }

    @Override
    public int poll(RecordHandler handler, Duration timeout) {
        activePolls.incrementAndGet();
        try {
            checkOpen();
            return reader.poll(handler, timeout);
        } finally {
            activePolls.decrementAndGet();
        }
    }

    @Override
    public int poll(RecordHandler handler, int maxRecords, Duration timeout) {
        activePolls.incrementAndGet();
        try {
            checkOpen();
            return reader.poll(handler, maxRecords, timeout);
        } finally {
            activePolls.decrementAndGet();
        }
    }

    @Override
    public void wakeUp() {
        reader.wakeUp();
    }

    @Override
    public CommitMode commitMode() {
        return reader.commitMode();
    }

    @Override
    public long readPosition() {
        return reader.readPosition();
    }

    @Override
    public void commit(long position) {
        reader.commit(position);
    }

    @Override
    public RingType type() {
        return RingType.RINGBUF;
    }

    @Override
    public long size() {
        return reader.size();
    }

    @Override
    public long consumerPosition() {
        return reader.consumerPosition();
    }

    @Override
    public long producerPosition() {
        return reader.producerPosition();
    }

    @Override
    public long availableBytes() {
        return reader.availableBytes();
    }

    @Override
    public RingStatistics statistics() {
        return reader.statistics();
    }

    /** {@return the map fd (owned by the caller)} */
    public int mapFd() {
        return memory.mapFd();
    }

    /**
     * Wakes a blocked poll, closes the epoll set and unmaps the ring; not the map fd. Records
     * read but not committed ({@link CommitMode#EXPLICIT}) stay in the ring for the next reader.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        reader.interruptWaiter();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (activePolls.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000);
        }
        try {
            reader.closeWaiter();
        } finally {
            memory.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ErrnoException(Errno.EBADF, "poll: the ring reader is closed");
        }
    }

    @Override
    public String toString() {
        return "KernelRingReader[fd " + memory.mapFd() + ", " + reader.size() + " bytes, " + reader.commitMode() + "]";
    }
}
