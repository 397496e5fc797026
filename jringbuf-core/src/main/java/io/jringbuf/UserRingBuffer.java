/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.MapInfo;
import io.jringbuf.bpf.MapType;
import io.jringbuf.internal.memory.KernelRingMemory;
import io.jringbuf.internal.protocol.UserProducer;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.internal.wait.Blocking;
import io.jringbuf.internal.wait.EpollWaiter;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Produces into a kernel {@code BPF_MAP_TYPE_USER_RINGBUF} that BPF programs drain with
 * {@code bpf_user_ringbuf_drain}: libbpf's {@code user_ring_buffer}
 * ({@code __new/__reserve/__reserve_blocking/__submit/__discard/__free}) as a {@link RingWriter}.
 *
 * <pre>{@code
 * try (UserRingBuffer urb = UserRingBuffer.create(requests)) {      // a BpfMap
 *     long offset = urb.reserve(16, Duration.ofSeconds(1));
 *     if (offset != RingWriter.NO_SPACE) {
 *         urb.buffer().set(ValueLayout.JAVA_LONG, offset, 42L);
 *         urb.submit(offset);
 *     }
 * }
 * }</pre>
 *
 * <h2>One producer</h2>
 * Reserve from one thread at a time; submit and discard from any. A second
 * {@code UserRingBuffer} for the same map in this JVM is refused with EBUSY until the first is
 * closed; a producer in another process is caught when it moves {@code producer_pos} (checked on
 * the first reservation, whenever the ring looks full, and once per KiB produced): EBUSY.
 *
 * <h2>Waiting for space</h2>
 * A waiting reservation sleeps on the map fd's EPOLLOUT registered edge-triggered, so it ends
 * only when a drain wakes it and never spins while some but not enough space is free (libbpf's
 * level-triggered wait does), and a timeout too long to count waits forever (libbpf gives up
 * after the first wakeup). The commit flags change nothing here: the BPF program decides when to
 * drain, and a commit is a release store of the header.
 */
public final class UserRingBuffer implements RingWriter, AutoCloseable {
    private final KernelRingMemory memory;
    private final EpollWaiter space;
    private final UserProducer producer;
    private final AtomicInteger activeWaits = new AtomicInteger();
    private final AtomicLong drops = new AtomicLong();
    private final WriterStatistics statistics;
    /** What the JFR statistics event asks (held here: the registry holds it weakly). */
    private final java.util.function.Supplier<RingStatistics> statisticsSource = this::statistics;
    private final int mapId;
    /** Ids of the USER_RINGBUF maps this JVM produces into (one producer per map). */
    private static final Set<Integer> PRODUCING = ConcurrentHashMap.newKeySet();

    private UserRingBuffer(KernelRingMemory memory, EpollWaiter space, UserProducer producer, MapInfo info) {
        this.memory = memory;
        this.space = space;
        this.producer = producer;
        this.mapId = info.id();
        this.statistics = new WriterStatistics("map " + info.name() + " (id " + info.id() + ")",
                RingType.USER_RINGBUF, producer.producerPosition());
        RingEvents.register(statisticsSource);
    }

    /**
     * Maps a USER_RINGBUF for producing ({@code user_ring_buffer__new}).
     *
     * @param map a USER_RINGBUF map; not owned: close it yourself after this object
     * @return the producer
     * @throws ErrnoException EINVAL if the map is not a USER_RINGBUF; EBUSY if another open
     *                        {@code UserRingBuffer} of this JVM produces into it; the errno of a
     *                        refused mmap
     */
    public static UserRingBuffer create(BpfMap map) {
        return create(map.fd());
    }

    /**
     * Maps a USER_RINGBUF of a loaded object for producing, by name.
     *
     * @param object a loaded object
     * @param mapName its USER_RINGBUF map's name
     * @return the producer
     * @throws ErrnoException ENOENT if the object has no such map; EINVAL naming the map and both
     *                        types if it is not a USER_RINGBUF; EBUSY as {@link #create(BpfMap)}
     */
    public static UserRingBuffer create(BpfObject object, String mapName) {
        return create(object.map(mapName).fd());
    }

    /**
     * Maps a USER_RINGBUF for producing, by map fd.
     *
     * @param mapFd a USER_RINGBUF map fd; not owned: close it yourself after this object
     * @return the producer
     * @throws ErrnoException as {@link #create(BpfMap)}
     */
    public static UserRingBuffer create(int mapFd) {
        MapInfo info = BpfMap.requireType(mapFd, MapType.USER_RINGBUF);
        if (!PRODUCING.add(info.id())) {
            throw new ErrnoException(Errno.EBUSY, "create a producer for USER_RINGBUF id " + info.id() + " (fd "
                    + mapFd + "): another UserRingBuffer of this JVM produces into it; a USER_RINGBUF has exactly"
                    + " one producer");
        }
        KernelRingMemory memory = null;
        EpollWaiter space = null;
        try {
            memory = KernelRingMemory.forUserProducer(mapFd, info.maxEntries());
            space = EpollWaiter.open(mapFd, Sys.EPOLLOUT, "USER_RINGBUF fd " + mapFd);
            UserProducer producer = UserProducer.forKernelRing(memory.view(), space);
            return new UserRingBuffer(memory, space, producer, info);
        } catch (RuntimeException | Error e) {
            if (space != null) {
                space.close();
            }
            if (memory != null) {
                memory.close();
            }
            PRODUCING.remove(info.id());
            throw e;
        }
    }

    /**
     * Reserves a sample without waiting ({@code user_ring_buffer__reserve}).
     *
     * @return the sample's offset in {@link #buffer()}, or {@link #NO_SPACE} if the ring is too
     *         full now (libbpf: ENOSPC)
     * @throws ErrnoException E2BIG if the sample can never fit; EBUSY if another producer moved
     *                        {@code producer_pos}; EBADF if closed
     */
    @Override
    public long reserve(int length) {
        long offset = producer.reserve(length);
        if (offset < 0) {
            drops.incrementAndGet();
            statistics.refused(availableBytes());
        }
        return offset;
    }

    /**
     * Reserves a sample, waiting for drains up to {@code timeout}
     * ({@code user_ring_buffer__reserve_blocking}).
     *
     * @return the offset, or {@link #NO_SPACE} on timeout or {@link #wakeUp()}
     * @throws ErrnoException E2BIG at once if the sample can never fit
     */
    @Override
    public long reserve(int length, Duration timeout) {
        long nanos = Blocking.toNanos(timeout);
        activeWaits.incrementAndGet();
        try {
            long offset = producer.reserve(length, nanos);
            if (offset < 0) {
                drops.incrementAndGet();
                statistics.refused(availableBytes());
            }
            return offset;
        } finally {
            activeWaits.decrementAndGet();
        }
    }

    /** Publishes a reserved sample ({@code user_ring_buffer__submit}); the flags are checked only. */
    @Override
    public void submit(long offset, int flags) {
        producer.submit(offset, flags);
    }

    /** Publishes a reserved sample as discarded ({@code user_ring_buffer__discard}). */
    @Override
    public void discard(long offset, int flags) {
        producer.discard(offset, flags);
    }

    @Override
    public MemorySegment buffer() {
        return producer.buffer();
    }

    @Override
    public void wakeUp() {
        space.interrupt();
    }

    @Override
    public RingType type() {
        return RingType.USER_RINGBUF;
    }

    @Override
    public long size() {
        return producer.size();
    }

    @Override
    public long consumerPosition() {
        return producer.consumerPosition();
    }

    @Override
    public long producerPosition() {
        return producer.producerPosition();
    }

    @Override
    public long availableBytes() {
        return producer.size() - producer.freeBytes();
    }

    /** {@return reservations this writer found no space for (the kernel keeps no count)} */
    @Override
    public long drops() {
        return drops.get();
    }

    @Override
    public RingStatistics statistics() {
        long cons = producer.consumerPosition();
        return statistics.snapshot(producer.size(), cons, producer.producerPosition(), drops.get());
    }

    /** {@return the map fd (owned by the caller)} */
    public int mapFd() {
        return memory.mapFd();
    }

    /**
     * Wakes a waiting reservation, waits (up to 10 s) for it to leave, then unmaps the ring and
     * closes the epoll set ({@code user_ring_buffer__free}); not the map fd.
     */
    @Override
    public synchronized void close() {
        if (!memory.isOpen()) {
            return;
        }
        space.interrupt();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (activeWaits.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000);
        }
        memory.close();
        space.close();
        PRODUCING.remove(mapId);
    }

    @Override
    public String toString() {
        return "UserRingBuffer[fd " + memory.mapFd() + ", " + producer.size() + " bytes]";
    }
}
