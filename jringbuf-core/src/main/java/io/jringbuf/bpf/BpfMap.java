/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.internal.format.RingLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A BPF map file descriptor: create, inspect, pin, open pinned or by id, adopt.
 *
 * <pre>{@code
 * try (BpfMap ring = BpfMap.createRingbuf("events", 1 << 20)) {
 *     // load a program that writes into ring.fd(), then RingBuffer.create(ring.fd(), handler)
 * }
 * }</pre>
 *
 * <p>Closing the descriptor does not destroy the map while other references live (a loaded
 * program that uses it, an mmap of it, a pin, another process's fd): the kernel counts them.
 * {@link #close()} is idempotent and thread-safe.
 */
public final class BpfMap implements AutoCloseable {
    private final int fd;
    private final MapInfo info;
    private volatile boolean closed;

    private BpfMap(int fd, MapInfo info) {
        this.fd = fd;
        this.info = info;
    }

    // ---------------------------------------------------------------- creation

    /**
     * Creates a map ({@code BPF_MAP_CREATE}).
     *
     * @param type the map type
     * @param name the map name: up to 15 characters of {@code [A-Za-z0-9_.]}, may be empty
     * @param keySize key size (0 for rings)
     * @param valueSize value size (0 for rings)
     * @param maxEntries entries; for rings, the data size (a power of two and page multiple)
     * @param flags map flags
     * @return the new map
     * @throws ErrnoException EINVAL for a bad name or parameters the kernel refuses, EPERM without
     *     CAP_BPF, and so on
     */
    public static BpfMap create(MapType type, String name, int keySize, int valueSize, long maxEntries, int flags) {
        Objects.requireNonNull(type, "type");
        byte[] nameBytes = checkName(name);
        if (maxEntries < 0 || maxEntries > 0xFFFF_FFFFL) {
            throw new ErrnoException(Errno.EINVAL, "create " + type + " map '" + name + "': max_entries "
                    + maxEntries + " is outside 0..2^32-1");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, type.number());
            attr.set(ValueLayout.JAVA_INT, 4, keySize);
            attr.set(ValueLayout.JAVA_INT, 8, valueSize);
            attr.set(ValueLayout.JAVA_INT, 12, (int) maxEntries);
            attr.set(ValueLayout.JAVA_INT, 16, flags);
            MemorySegment.copy(nameBytes, 0, attr, ValueLayout.JAVA_BYTE, 28, nameBytes.length);
            int fd = (int) BpfSys.call(BpfSys.MAP_CREATE, attr, "bpf(BPF_MAP_CREATE) " + type + " '" + name
                    + "' key_size=" + keySize + " value_size=" + valueSize + " max_entries=" + maxEntries
                    + " flags=0x" + Integer.toHexString(flags));
            return adoptChecked(fd, null);
        }
    }

    /**
     * Creates a {@code BPF_MAP_TYPE_RINGBUF} map.
     *
     * @param name the map name
     * @param size the data size: a power of two and a multiple of the page size (see
     *     {@link #roundUpRingSize})
     * @return the map
     */
    public static BpfMap createRingbuf(String name, long size) {
        requireRingSize(size, "create RINGBUF map '" + name + "'");
        return create(MapType.RINGBUF, name, 0, 0, size, 0);
    }

    /**
     * Creates a {@code BPF_MAP_TYPE_USER_RINGBUF} map.
     *
     * @param name the map name
     * @param size the data size: a power of two and a multiple of the page size
     * @return the map
     */
    public static BpfMap createUserRingbuf(String name, long size) {
        requireRingSize(size, "create USER_RINGBUF map '" + name + "'");
        return create(MapType.USER_RINGBUF, name, 0, 0, size, 0);
    }

    /**
     * Creates a {@code BPF_MAP_TYPE_ARRAY} map with 4-byte keys.
     *
     * @param name the map name
     * @param valueSize bytes per element
     * @param entries number of elements
     * @return the map
     */
    public static BpfMap createArray(String name, int valueSize, int entries) {
        return create(MapType.ARRAY, name, 4, valueSize, entries, 0);
    }

    /**
     * Creates the lost-record counter of a ring: a one-entry {@code BPF_MAP_TYPE_PERCPU_ARRAY} of
     * {@code u64} named {@link #lostCounterName(String) RING_lost}, which BPF programs increment
     * when the ring refuses a reservation (see {@code include/jringbuf_lost.h} in the repository and
     * {@link Asm#ringbufReserveOrCount}), and which ring readers add up over the CPUs as the ring's
     * lost count.
     *
     * @param ringName the ring map's name
     * @return the counter map
     */
    public static BpfMap createLostCounter(String ringName) {
        return create(MapType.PERCPU_ARRAY, lostCounterName(ringName), 4, 8, 1, 0);
    }

    /**
     * The name of a ring's lost counter map: the ring's name with {@code _lost} appended, cut to
     * the kernel's 15 characters the way clang's object names are cut (the suffix is kept).
     *
     * @param ringName the ring map's name
     * @return the counter map's name
     */
    public static String lostCounterName(String ringName) {
        String suffix = "_lost";
        String base = ringName.length() + suffix.length() > 15 ? ringName.substring(0, 15 - suffix.length()) : ringName;
        return base + suffix;
    }

    /**
     * Adds up a per-CPU map's 8-byte values of one key over every possible CPU (a lost counter's
     * total, for example).
     *
     * @param index the key (an array index)
     * @return the sum
     * @throws ErrnoException EINVAL if this is not a per-CPU map with 8-byte values, ENOENT if the
     *     key is missing
     */
    public long sumPerCpuLong(int index) {
        if ((info.type() != MapType.PERCPU_ARRAY.number() && info.type() != MapType.PERCPU_HASH.number())
                || info.valueSize() != 8) {
            throw new ErrnoException(Errno.EINVAL, "sum per CPU in map '" + info.name() + "': a "
                    + info.typeName() + " map with " + info.valueSize() + "-byte values is not a per-CPU map of u64");
        }
        int cpus = possibleCpus();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            key.set(ValueLayout.JAVA_INT, 0, index);
            // The kernel copies one 8-byte-aligned value per possible CPU.
            MemorySegment values = arena.allocate(8L * cpus, 8);
            if (!lookup(key, values)) {
                throw new ErrnoException(Errno.ENOENT, "lookup index " + index + " in map '" + info.name() + "'");
            }
            long sum = 0;
            for (int cpu = 0; cpu < cpus; cpu++) {
                sum += values.get(ValueLayout.JAVA_LONG, 8L * cpu);
            }
            return sum;
        }
    }

    /**
     * {@return the bytes of one element's value as {@code lookup} and {@code update} exchange it:
     * {@code valueSize}, or for a per-CPU map one 8-byte-aligned value per possible CPU}
     */
    public long valueBytes() {
        int t = info.type();
        boolean perCpu = t == MapType.PERCPU_ARRAY.number() || t == MapType.PERCPU_HASH.number()
                || t == MapType.LRU_PERCPU_HASH.number();
        return perCpu ? ((info.valueSize() + 7L) & ~7L) * possibleCpus() : info.valueSize();
    }

    /** The number of possible CPUs ({@code /sys/devices/system/cpu/possible}, e.g. "0-1"), read once. */
    private static int possibleCpus() {
        int n = possibleCpus;
        if (n == 0) {
            try {
                String ranges = Files.readString(Path.of("/sys/devices/system/cpu/possible")).strip();
                int count = 0;
                for (String range : ranges.split(",")) {
                    String[] ends = range.split("-");
                    count += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
                }
                n = count;
            } catch (java.io.IOException | NumberFormatException e) {
                n = Runtime.getRuntime().availableProcessors();
            }
            possibleCpus = n;
        }
        return n;
    }

    private static volatile int possibleCpus;

    /**
     * libbpf's ring-size adjustment: 0 stays 0, a page multiple that is a power of two stays,
     * anything else becomes the next larger page-size × 2^k.
     *
     * @param size a requested size
     * @return the size the kernel will accept
     */
    public static long roundUpRingSize(long size) {
        return RingLayout.roundUpRingSize(size, Sys.pageSize());
    }

    private static void requireRingSize(long size, String what) {
        if (!RingLayout.isValidRingSize(size, Sys.pageSize())) {
            throw new ErrnoException(Errno.EINVAL, what + ": size " + size + " is not a power of two and a multiple of "
                    + "the page size " + Sys.pageSize() + " (BpfMap.roundUpRingSize gives " + roundUpRingSize(Math.max(size, 0)) + ")");
        }
    }

    // ---------------------------------------------------------------- opening

    /**
     * Opens a map pinned in a BPF file system ({@code BPF_OBJ_GET}).
     *
     * @param path the pin path, for example {@code /sys/fs/bpf/events}
     * @return the map
     * @throws ErrnoException ENOENT if nothing is pinned there, EINVAL if the pinned object is not a
     *     map, EPERM/EACCES without permission
     */
    public static BpfMap openPinned(Path path) {
        Objects.requireNonNull(path, "path");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.ADDRESS, 0, arena.allocateFrom(path.toString()));
            int fd = (int) BpfSys.call(BpfSys.OBJ_GET, attr, "bpf(BPF_OBJ_GET) open pinned object " + path);
            return adoptChecked(fd, "pinned object " + path);
        }
    }

    /**
     * Opens a map by its system-wide id ({@code BPF_MAP_GET_FD_BY_ID}).
     *
     * @param id the map id (see {@code bpftool map list} or {@link MapInfo#id()})
     * @return the map
     * @throws ErrnoException ENOENT if there is no such map
     */
    public static BpfMap openById(int id) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, id);
            int fd = (int) BpfSys.call(BpfSys.MAP_GET_FD_BY_ID, attr, "bpf(BPF_MAP_GET_FD_BY_ID) open map id " + id);
            return adoptChecked(fd, "map id " + id);
        }
    }

    /**
     * The ids of every BPF map on the system now ({@code BPF_MAP_GET_NEXT_ID}), in increasing
     * order; open one with {@link #openById}. Maps may come and go meanwhile: one listed here may
     * be gone (ENOENT) when opened.
     *
     * @return the map ids
     * @throws ErrnoException EPERM without CAP_SYS_ADMIN (the kernel's rule for id walks)
     */
    public static List<Integer> ids() {
        return nextIds(BpfSys.MAP_GET_NEXT_ID, "bpf(BPF_MAP_GET_NEXT_ID) list the maps");
    }

    /** Walks {@code BPF_*_GET_NEXT_ID} from 0 until ENOENT. */
    static List<Integer> nextIds(int cmd, String what) {
        List<Integer> ids = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfSys.attr(arena);
            int id = 0;
            while (true) {
                attr.set(ValueLayout.JAVA_INT, 0, id); // start_id
                long r = BpfSys.raw(cmd, attr);
                if (r == -Errno.ENOENT) {
                    return ids;
                }
                Sys.check(r, what + " after id " + id);
                id = attr.get(ValueLayout.JAVA_INT, 4); // next_id
                ids.add(id);
            }
        }
    }

    /**
     * Finds this ring's lost counter by the naming convention of {@link #createLostCounter}: a
     * per-CPU array of {@code u64} named {@link #lostCounterName(String) RING_lost} that a loaded
     * BPF program uses together with this map (the programs' map ids, from
     * {@code BPF_PROG_GET_NEXT_ID} and {@code BPF_OBJ_GET_INFO_BY_FD}). For a ring opened by id or
     * pin, where the object that declared both is not at hand.
     *
     * @return the counter map (the caller closes it), or empty if no program uses such a map with
     *     this one
     * @throws ErrnoException EPERM without the privileges to walk and open programs and maps
     */
    public Optional<BpfMap> findLostCounter() {
        String counterName = lostCounterName(info.name());
        for (int progId : nextIds(BpfSys.PROG_GET_NEXT_ID, "bpf(BPF_PROG_GET_NEXT_ID) list the programs")) {
            int[] mapIds = programMapIds(progId);
            if (!contains(mapIds, info.id())) {
                continue;
            }
            // The program uses this ring: is one of its other maps the ring's counter?
            for (int mapId : mapIds) {
                if (mapId != info.id()) {
                    BpfMap counter = openCounterCandidate(mapId, counterName);
                    if (counter != null) {
                        return Optional.of(counter);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    /** The map if it is a per-CPU u64 array with this name; null if not (or gone meanwhile). */
    private static BpfMap openCounterCandidate(int mapId, String counterName) {
        BpfMap map;
        try {
            map = openById(mapId);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) {
                return null; // removed since the program was read
            }
            throw e;
        }
        MapInfo i = map.info();
        if (i.name().equals(counterName) && i.type() == MapType.PERCPU_ARRAY.number() && i.valueSize() == 8) {
            return map;
        }
        map.close();
        return null;
    }

    /** The ids of the maps a program uses; empty if the program is gone. */
    private static int[] programMapIds(int progId) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, progId); // prog_id
            long fd = BpfSys.raw(BpfSys.PROG_GET_FD_BY_ID, attr);
            if (fd == -Errno.ENOENT) {
                return new int[0];
            }
            Sys.check(fd, "bpf(BPF_PROG_GET_FD_BY_ID) open program id " + progId);
            try {
                int capacity = 64;
                while (true) {
                    // struct bpf_prog_info up to map_ids: nr_map_ids at 52, map_ids at 56.
                    MemorySegment info = arena.allocate(64, 8);
                    MemorySegment ids = arena.allocate(4L * capacity, 4);
                    info.set(ValueLayout.JAVA_INT, 52, capacity);
                    info.set(ValueLayout.JAVA_LONG, 56, ids.address());
                    MemorySegment get = BpfSys.attr(arena);
                    get.set(ValueLayout.JAVA_INT, 0, (int) fd);
                    get.set(ValueLayout.JAVA_INT, 4, (int) info.byteSize());
                    get.set(ValueLayout.JAVA_LONG, 8, info.address());
                    BpfSys.call(BpfSys.OBJ_GET_INFO_BY_FD, get, "bpf(BPF_OBJ_GET_INFO_BY_FD) on program id " + progId);
                    int count = info.get(ValueLayout.JAVA_INT, 52);
                    if (count <= capacity) {
                        return ids.asSlice(0, 4L * count).toArray(ValueLayout.JAVA_INT);
                    }
                    capacity = count;
                }
            } finally {
                Sys.rawClose((int) fd);
            }
        }
    }

    /**
     * Takes ownership of an existing map fd (for example one received over a Unix socket or
     * inherited). The fd is closed by {@link #close()}.
     *
     * @param fd a map file descriptor
     * @return the map
     * @throws ErrnoException EBADF/EINVAL if the fd is not a BPF map
     */
    public static BpfMap adopt(int fd) {
        return adoptChecked(fd, null);
    }

    private static BpfMap adoptChecked(int fd, String closeOnFailure) {
        try {
            requireMapFd(fd, closeOnFailure == null ? "fd " + fd : closeOnFailure);
            return new BpfMap(fd, info(fd));
        } catch (ErrnoException e) {
            if (closeOnFailure != null) {
                Sys.rawClose(fd);
                throw e.getMessage().contains("not a BPF map") ? e
                        : new ErrnoException(e.errno(), closeOnFailure + " is not a BPF map", e);
            }
            throw e;
        }
    }

    /**
     * Maps, programs and links share {@code BPF_OBJ_GET} and {@code BPF_OBJ_GET_INFO_BY_FD} (which
     * would read a program's info as a map's); only the fd's fdinfo says which kind it is.
     *
     * @throws ErrnoException EINVAL naming what the object is instead
     */
    private static void requireMapFd(int fd, String what) {
        String kind = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith("map_type:")) {
                    return;
                }
                if (line.startsWith("prog_type:")) {
                    kind = "a BPF program";
                } else if (line.startsWith("link_type:")) {
                    kind = "a BPF link";
                }
            }
        } catch (java.io.IOException e) {
            throw new ErrnoException(Errno.EBADF, what + ": cannot read /proc/self/fdinfo/" + fd, e);
        }
        throw new ErrnoException(Errno.EINVAL, what + " is " + (kind == null ? "not a BPF object" : kind)
                + ", not a BPF map");
    }

    /**
     * Asks the kernel about any map fd ({@code BPF_OBJ_GET_INFO_BY_FD}).
     *
     * @param fd a map file descriptor
     * @return its info
     * @throws ErrnoException EBADF/EINVAL if the fd is not a BPF map
     */
    public static MapInfo info(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(88, 8);
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, fd);
            attr.set(ValueLayout.JAVA_INT, 4, (int) info.byteSize());
            attr.set(ValueLayout.JAVA_LONG, 8, info.address());
            BpfSys.call(BpfSys.OBJ_GET_INFO_BY_FD, attr, "bpf(BPF_OBJ_GET_INFO_BY_FD) on fd " + fd);
            byte[] name = info.asSlice(24, 16).toArray(ValueLayout.JAVA_BYTE);
            int len = 0;
            while (len < name.length && name[len] != 0) {
                len++;
            }
            return new MapInfo(info.get(ValueLayout.JAVA_INT, 0), info.get(ValueLayout.JAVA_INT, 4),
                    info.get(ValueLayout.JAVA_INT, 8), info.get(ValueLayout.JAVA_INT, 12),
                    Integer.toUnsignedLong(info.get(ValueLayout.JAVA_INT, 16)), info.get(ValueLayout.JAVA_INT, 20),
                    new String(name, 0, len, StandardCharsets.US_ASCII));
        }
    }

    /**
     * Checks the type of any map fd.
     *
     * @param fd a map file descriptor
     * @param expected the type the caller needs
     * @return its info
     * @throws ErrnoException EINVAL naming both types if it is another kind of map, EBADF/EINVAL if
     *     the fd is not a map
     */
    public static MapInfo requireType(int fd, MapType expected) {
        MapInfo info = info(fd);
        if (info.type() != expected.number()) {
            throw new ErrnoException(Errno.EINVAL, "map fd " + fd + " ('" + info.name() + "', id " + info.id()
                    + ") is a " + info.typeName() + " map, expected " + expected);
        }
        return info;
    }

    // ---------------------------------------------------------------- use

    /** {@return the file descriptor (valid until {@link #close()})} */
    public int fd() {
        checkOpen("fd");
        return fd;
    }

    /** {@return the map's info as read when this object was made (type, id, sizes, name)} */
    public MapInfo info() {
        return info;
    }

    /** {@return the map type, or null if this library does not name it} */
    public MapType type() {
        for (MapType t : MapType.values()) {
            if (t.number() == info.type()) {
                return t;
            }
        }
        return null;
    }

    /**
     * Checks the map's type.
     *
     * @param expected the type the caller needs
     * @return this map
     * @throws ErrnoException EINVAL naming both types if it is another kind of map
     */
    public BpfMap requireType(MapType expected) {
        requireType(fd(), expected);
        return this;
    }

    /**
     * Pins the map in a BPF file system ({@code BPF_OBJ_PIN}); see {@link BpfFs#ensureMounted}.
     *
     * @param path the pin path; its directory must be on a bpf file system
     * @throws ErrnoException EEXIST if the path exists, EPERM if the directory is not on bpffs
     */
    public void pin(Path path) {
        Objects.requireNonNull(path, "path");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.ADDRESS, 0, arena.allocateFrom(path.toString()));
            attr.set(ValueLayout.JAVA_INT, 8, fd());
            BpfSys.call(BpfSys.OBJ_PIN, attr, "bpf(BPF_OBJ_PIN) pin map '" + info.name() + "' at " + path);
        }
    }

    /**
     * Reads an element ({@code BPF_MAP_LOOKUP_ELEM}).
     *
     * @param key the key bytes ({@code keySize})
     * @param value receives the value ({@code valueSize} bytes; for a per-CPU map one
     *     8-byte-aligned value per possible CPU, {@link #valueBytes()} in all)
     * @return false if there is no such key (ENOENT)
     */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = native_(arena, key);
            // The kernel writes every CPU's value for a per-CPU map: the buffer must hold them all.
            MemorySegment v = arena.allocate(Math.max(1, valueBytes()), 8);
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, fd());
            attr.set(ValueLayout.JAVA_LONG, 8, k.address());
            attr.set(ValueLayout.JAVA_LONG, 16, v.address());
            long r = BpfSys.raw(BpfSys.MAP_LOOKUP_ELEM, attr);
            if (r == -Errno.ENOENT) {
                return false;
            }
            Sys.check(r, "bpf(BPF_MAP_LOOKUP_ELEM) in map '" + info.name() + "'");
            MemorySegment.copy(v, 0, value, 0, Math.min(value.byteSize(), valueBytes()));
            return true;
        }
    }

    /**
     * Writes an element ({@code BPF_MAP_UPDATE_ELEM} with {@code BPF_ANY}).
     *
     * @param key the key bytes
     * @param value the value bytes
     */
    public void update(MemorySegment key, MemorySegment value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = native_(arena, key);
            // The kernel reads valueBytes() (every CPU's value for a per-CPU map): never past the buffer.
            MemorySegment v = arena.allocate(Math.max(1, valueBytes()), 8);
            MemorySegment.copy(value, 0, v, 0, Math.min(value.byteSize(), valueBytes()));
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, fd());
            attr.set(ValueLayout.JAVA_LONG, 8, k.address());
            attr.set(ValueLayout.JAVA_LONG, 16, v.address());
            BpfSys.call(BpfSys.MAP_UPDATE_ELEM, attr, "bpf(BPF_MAP_UPDATE_ELEM) in map '" + info.name() + "'");
        }
    }

    /**
     * Reads the first 8 bytes of element {@code index} of an ARRAY map.
     *
     * @param index the element index
     * @return its value as a native-order long
     */
    public long lookupLong(int index) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            key.set(ValueLayout.JAVA_INT, 0, index);
            MemorySegment value = arena.allocate(Math.max(8, info.valueSize()), 8);
            if (!lookup(key, value)) {
                throw new ErrnoException(Errno.ENOENT, "lookup index " + index + " in map '" + info.name() + "'");
            }
            return value.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /**
     * Writes a long into element {@code index} of an ARRAY map whose values are 8 bytes.
     *
     * @param index the element index
     * @param v the value
     */
    public void updateLong(int index, long v) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            key.set(ValueLayout.JAVA_INT, 0, index);
            MemorySegment value = arena.allocate(Math.max(8, info.valueSize()), 8);
            value.set(ValueLayout.JAVA_LONG, 0, v);
            update(key, value);
        }
    }

    private static MemorySegment native_(Arena arena, MemorySegment s) {
        if (s.isNative()) {
            return s;
        }
        MemorySegment copy = arena.allocate(Math.max(1, s.byteSize()), 8);
        MemorySegment.copy(s, 0, copy, 0, s.byteSize());
        return copy;
    }

    private void checkOpen(String op) {
        if (closed) {
            throw new ErrnoException(Errno.EBADF, op + " on closed map '" + info.name() + "'");
        }
    }

    /** Closes the descriptor. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Sys.rawClose(fd);
        }
    }

    @Override
    public String toString() {
        return "BpfMap[" + info.typeName() + " '" + info.name() + "' id=" + info.id() + " fd=" + fd
                + " max_entries=" + info.maxEntries() + (closed ? " closed" : "") + "]";
    }

    static byte[] checkName(String name) {
        Objects.requireNonNull(name, "name");
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        if (b.length > 15) {
            throw new ErrnoException(Errno.EINVAL, "name '" + name + "' is longer than 15 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_' && c != '.') {
                throw new ErrnoException(Errno.EINVAL, "name '" + name + "' may hold only [A-Za-z0-9_.]");
            }
        }
        return b;
    }
}
