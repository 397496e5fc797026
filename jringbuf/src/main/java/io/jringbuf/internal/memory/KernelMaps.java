/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.memory;

import io.jringbuf.Errno;
import io.jringbuf.ErrnoException;
import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The facts about a kernel map fd that the ring classes need ({@code BPF_OBJ_GET_INFO_BY_FD}). */
public final class KernelMaps {
    private KernelMaps() {
    }

    private static final int BPF_OBJ_GET_INFO_BY_FD = 15;
    private static final int ATTR_SIZE = 144;
    private static final int MAP_INFO_SIZE = 88;

    /**
     * The type and size of a map.
     *
     * @param type the map type number
     * @param maxEntries {@code max_entries} (for rings: the data size)
     */
    public record Info(int type, long maxEntries) {
    }

    /**
     * Asks the kernel about a map fd.
     *
     * @throws ErrnoException EBADF/EINVAL if the fd is not a BPF map, or another errno
     */
    public static Info info(int mapFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(MAP_INFO_SIZE, 8);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, mapFd);
            attr.set(ValueLayout.JAVA_INT, 4, MAP_INFO_SIZE);
            attr.set(ValueLayout.JAVA_LONG, 8, info.address());
            Sys.check(Sys.rawBpf(BPF_OBJ_GET_INFO_BY_FD, attr, ATTR_SIZE), "bpf(BPF_OBJ_GET_INFO_BY_FD) on fd " + mapFd);
            return new Info(info.get(ValueLayout.JAVA_INT, 0), Integer.toUnsignedLong(info.get(ValueLayout.JAVA_INT, 16)));
        }
    }

    /**
     * Checks that a fd is a map of the expected type.
     *
     * @return its info
     * @throws ErrnoException EINVAL naming both types if it is another kind of map
     */
    public static Info require(int mapFd, int expectedType, String expectedName) {
        Info info = info(mapFd);
        if (info.type() != expectedType) {
            throw new ErrnoException(Errno.EINVAL, "map fd " + mapFd + " is a map of type " + info.type()
                    + " (" + typeName(info.type()) + "), expected " + expectedName);
        }
        return info;
    }

    private static String typeName(int type) {
        return switch (type) {
            case 1 -> "HASH";
            case 2 -> "ARRAY";
            case 27 -> "RINGBUF";
            case 31 -> "USER_RINGBUF";
            default -> "type " + type;
        };
    }
}
