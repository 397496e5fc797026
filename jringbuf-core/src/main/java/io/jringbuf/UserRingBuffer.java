/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.Errno;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.MapInfo;
import io.jringbuf.bpf.MapType;
import io.jringbuf.internal.memory.KernelRingMemory;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.internal.wait.Epoll;
import io.jringbuf.internal.wait.EpollWaiter;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.protocol.UserProducer;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Produces into a kernel {@code BPF_MAP_TYPE_USER_RINGBUF} that BPF programs drain with
 * {@code bpf_user_ringbuf_drain}: libbpf's {@code user_ring_buffer}
 * ({@code __new/__reserve/__reserve_blocking/__submit/__discard/__free}).
 *
 * <pre>{@code
 * try (UserRingBuffer urb = UserRingBuffer.create(mapFd)) {
 *     long offset = urb.reserveBlocking(16, Duration.ofSeconds(1)); // -1 on timeout
 *     if (offset >= 0) {
 *         urb.buffer().set(ValueLayout.JAVA_LONG, offset, 42L);
 *         urb.submit(offset);
 *     }
 * }
 * }</pre>
 *
 * One producer: reserve from one thread at a time (see {@link UserProducer}). A second
 * {@code UserRingBuffer} for the same map in this JVM is refused with EBUSY until the first is
 * closed; a producer in another process is caught by {@link UserProducer}'s checks. Blocking waits on
 * the map fd's EPOLLOUT registered edge-triggered, so a wait ends only when a drain wakes it and
 * never spins while some but not enough space is free; an infinite timeout really waits forever.
 */
public final class UserRingBuffer implements AutoCloseable {
    private final KernelRingMemory memory;
    private final Epoll epoll;
    private final UserProducer producer;
    private final AtomicInteger activeWaits = new AtomicInteger();
    private final int mapId;
    /** Ids of the USER_RINGBUF maps this JVM produces into (one producer per map). */
    private static final Set<Integer> PRODUCING = ConcurrentHashMap.newKeySet();

    private UserRingBuffer(KernelRingMemory memory, Epoll epoll, UserProducer producer, int mapId) {
        this.memory = memory;
        this.epoll = epoll;
        this.producer = producer;
        this.mapId = mapId;
    }

    /**
     * Maps a USER_RINGBUF for producing ({@code user_ring_buffer__new}).
     *
     * @param mapFd a USER_RINGBUF map fd; not owned: close it yourself after this object
     * @throws ErrnoException EINVAL if the fd is not a USER_RINGBUF map; EBUSY if another open
     *                        {@code UserRingBuffer} of this JVM produces into the same map; the
     *                        errno of a refused mmap
     */
    public static UserRingBuffer create(int mapFd) {
        MapInfo info = BpfMap.requireType(mapFd, MapType.USER_RINGBUF);
        if (!PRODUCING.add(info.id())) {
            throw new ErrnoException(Errno.EBUSY, "create a producer for USER_RINGBUF id " + info.id() + " (fd "
                    + mapFd + "): another UserRingBuffer of this JVM produces into it; a USER_RINGBUF has exactly"
                    + " one producer");
        }
        KernelRingMemory memory;
        try {
            memory = KernelRingMemory.forUserProducer(mapFd, info.maxEntries());
        } catch (RuntimeException e) {
            PRODUCING.remove(info.id());
            throw e;
        }
        Epoll epoll = null;
        try {
            epoll = new Epoll();
            EpollWaiter space = new EpollWaiter(epoll, mapFd, Sys.EPOLLOUT, "USER_RINGBUF fd " + mapFd);
            UserProducer producer = new UserProducer(memory.view(), Notifier.NONE, space, null);
            return new UserRingBuffer(memory, epoll, producer, info.id());
        } catch (RuntimeException | Error e) {
            if (epoll != null) {
                epoll.close();
            }
            memory.close();
            PRODUCING.remove(info.id());
            throw e;
        }
    }

    /**
     * Reserves a sample without blocking ({@code user_ring_buffer__reserve}).
     *
     * @return the sample's offset in {@link #buffer()}, or -1 if the ring is too full now (ENOSPC)
     * @throws ErrnoException E2BIG if the sample can never fit
     */
    public long reserve(int size) {
        return producer.reserve(size);
    }

    /**
     * Reserves a sample, waiting for drains up to {@code timeout}
     * ({@code user_ring_buffer__reserve_blocking}).
     *
     * @param timeout null or negative waits forever
     * @return the offset, or -1 on timeout
     * @throws ErrnoException E2BIG if the sample can never fit
     */
    public long reserveBlocking(int size, Duration timeout) {
        activeWaits.incrementAndGet();
        try {
            return producer.reserveBlocking(size, timeout);
        } finally {
            activeWaits.decrementAndGet();
        }
    }

    /** Publishes a reserved sample ({@code user_ring_buffer__submit}). */
    public void submit(long offset) {
        producer.submit(offset);
    }

    /** Publishes a reserved sample as discarded ({@code user_ring_buffer__discard}). */
    public void discard(long offset) {
        producer.discard(offset);
    }

    /** @return the data area (both copies): write samples at the offsets reserve returns */
    public MemorySegment buffer() {
        return producer.buffer();
    }

    /** @return the data area size */
    public long size() {
        return producer.size();
    }

    /** @return the protocol role underneath */
    public UserProducer producer() {
        return producer;
    }

    /** @return the map fd (owned by the caller) */
    public int mapFd() {
        return memory.mapFd();
    }

    /** Wakes a thread blocked in {@link #reserveBlocking} (it returns -1). */
    public void wakeUp() {
        epoll.wake();
    }

    /**
     * Wakes a blocked {@link #reserveBlocking}, waits (up to 10 s) for it to leave, then unmaps the
     * ring and closes the epoll set ({@code user_ring_buffer__free}); not the map fd.
     */
    @Override
    public synchronized void close() {
        if (!memory.isOpen()) {
            return;
        }
        epoll.wake();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (activeWaits.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000);
        }
        memory.close();
        epoll.close();
        PRODUCING.remove(mapId);
    }
}
