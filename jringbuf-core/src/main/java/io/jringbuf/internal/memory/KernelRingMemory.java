/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.memory;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The memory of a kernel ring map, mapped exactly as the kernel allows ({@code ringbuf_map_mmap_kern} and {@code ringbuf_map_mmap_user}):
 * <pre>
 *                    consumer page (offset 0)    producer page + data x 2 (offset page)
 *  RINGBUF consumer  read-write, one page        read-only, page + 2 x max_entries
 *  USER_RINGBUF prod read-only, one page         read-write, page + 2 x max_entries
 *  observer (both)   read-only, one page         read-only, page + 2 x max_entries
 * </pre>
 * The kernel maps the data pages twice back to back itself. Read-only parts are wrapped as
 * read-only segments, so a stray write is an {@code IllegalArgumentException}, never a SIGSEGV.
 * Closing unmaps both; threads still using the memory get EBADF from the roles.
 */
public final class KernelRingMemory implements AutoCloseable {
    private final Arena arena;
    private final RingView view;
    private final int mapFd;

    private KernelRingMemory(Arena arena, RingView view, int mapFd) {
        this.arena = arena;
        this.view = view;
        this.mapFd = mapFd;
    }

    /**
     * Maps a RINGBUF for its consumer.
     *
     * @param size the map's {@code max_entries}
     * @throws ErrnoException the errno of a refused mmap (EPERM, EINVAL…), with what was mapped
     */
    public static KernelRingMemory forConsumer(int mapFd, long size) {
        return map(mapFd, size, true);
    }

    /**
     * Maps a USER_RINGBUF for its producer.
     *
     * @param size the map's {@code max_entries}
     * @throws ErrnoException the errno of a refused mmap, with what was mapped
     */
    public static KernelRingMemory forUserProducer(int mapFd, long size) {
        return map(mapFd, size, false, false);
    }

    /**
     * Maps a RINGBUF or USER_RINGBUF read-only, for an observer that takes no side: the kernel
     * refuses only writable mappings of the parts it owns, so read-only mappings of both parts are
     * allowed for either map type.
     *
     * @param size the map's {@code max_entries}
     * @throws ErrnoException the errno of a refused mmap, with what was mapped
     */
    public static KernelRingMemory forObserver(int mapFd, long size) {
        return map(mapFd, size, false, true);
    }

    private static KernelRingMemory map(int mapFd, long size, boolean consumer) {
        return map(mapFd, size, consumer, false);
    }

    private static KernelRingMemory map(int mapFd, long size, boolean consumer, boolean readOnly) {
        int page = Sys.pageSize();
        if (!RingLayout.isValidRingSize(size, page)) {
            throw new ErrnoException(Errno.EINVAL, "map ring fd " + mapFd + ": max_entries " + size
                    + " is not a power of two multiple of the page size");
        }
        long dataLength = page + 2 * size; // producer page + the data mapped twice
        int consumerProt = consumer ? Sys.PROT_READ | Sys.PROT_WRITE : Sys.PROT_READ;
        int producerProt = consumer || readOnly ? Sys.PROT_READ : Sys.PROT_READ | Sys.PROT_WRITE;
        String kind = readOnly ? "ring map" : consumer ? "RINGBUF" : "USER_RINGBUF";
        MemorySegment cons = Sys.mmap(MemorySegment.NULL, page, consumerProt, Sys.MAP_SHARED, mapFd,
                RingLayout.consumerPageOffset(), "mmap the consumer page (" + page + " bytes, "
                        + (consumer ? "read-write" : "read-only") + ") of " + kind + " fd " + mapFd);
        MemorySegment prod;
        try {
            prod = Sys.mmap(MemorySegment.NULL, dataLength, producerProt, Sys.MAP_SHARED, mapFd,
                    RingLayout.producerPageOffset(page), "mmap the producer page and data (" + dataLength
                            + " bytes, " + (consumer || readOnly ? "read-only" : "read-write") + ") of " + kind + " fd " + mapFd);
        } catch (RuntimeException e) {
            Sys.rawMunmap(cons, page);
            throw e;
        }
        Arena arena = Arena.ofShared();
        MemorySegment consOwned = cons.reinterpret(page, arena, s -> Sys.rawMunmap(s, page));
        MemorySegment prodOwned = prod.reinterpret(dataLength, arena, s -> Sys.rawMunmap(s, dataLength));
        if (!consumer) {
            consOwned = consOwned.asReadOnly();
        }
        if (consumer || readOnly) {
            prodOwned = prodOwned.asReadOnly();
        }
        RingView view = new RingView(consOwned, prodOwned.asSlice(0, page), prodOwned.asSlice(page, 2 * size), size);
        return new KernelRingMemory(arena, view, mapFd);
    }

    /** {@return the ring's memory as the roles see it} */
    public RingView view() {
        return view;
    }

    /** {@return the map fd this memory was mapped from (not owned)} */
    public int mapFd() {
        return mapFd;
    }

    /** {@return whether the memory is still mapped} */
    public boolean isOpen() {
        return arena.scope().isAlive();
    }

    /** Unmaps. The map fd is not closed: it belongs to the caller. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
