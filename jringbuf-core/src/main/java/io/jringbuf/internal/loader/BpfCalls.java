/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.loader;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The {@code bpf()} commands of the object loader, with the {@code union bpf_attr} offsets of
 * {@code include/uapi/linux/bpf.h}. Each returns a file descriptor or throws an
 * {@link ErrnoException} naming what was attempted; program loads return the verifier log.
 */
public final class BpfCalls {
    private BpfCalls() {
    }

    static final int MAP_CREATE = 0;
    static final int MAP_UPDATE_ELEM = 2;
    static final int PROG_LOAD = 5;
    static final int OBJ_PIN = 6;
    static final int OBJ_GET = 7;
    static final int RAW_TRACEPOINT_OPEN = 17;
    static final int MAP_FREEZE = 22;
    /** {@code sizeof(union bpf_attr)} up to {@code log_true_size}; the kernel accepts it. */
    static final int ATTR_SIZE = 144;
    private static final int LOG_SIZE = 4 << 20;
    private static final int MAX_LOG_SIZE = 256 << 20;

    private static long bpf(int cmd, MemorySegment attr) {
        return Sys.rawBpf(cmd, attr, ATTR_SIZE);
    }

    /** @return a kernel object name: up to 15 characters of {@code [A-Za-z0-9_.]}, others made '_' */
    public static String kernelName(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && sb.length() < 15; i++) {
            char c = name.charAt(i);
            sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.') ? c : '_');
        }
        return sb.toString();
    }

    /**
     * {@code BPF_MAP_CREATE} with BTF key and value types.
     *
     * @return the map fd
     */
    public static int mapCreate(ObjectSpec.MapDef m, String kernelName, int btfFd, String object) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, m.type);
            attr.set(ValueLayout.JAVA_INT, 4, m.keySize);
            attr.set(ValueLayout.JAVA_INT, 8, m.valueSize);
            attr.set(ValueLayout.JAVA_INT, 12, (int) m.maxEntries);
            attr.set(ValueLayout.JAVA_INT, 16, m.flags);
            attr.set(ValueLayout.JAVA_INT, 24, m.numaNode);
            byte[] n = kernelName(kernelName).getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(n, 0, attr, ValueLayout.JAVA_BYTE, 28, n.length);
            if (btfFd >= 0 && (m.btfKeyType != 0 || m.btfValueType != 0)) {
                attr.set(ValueLayout.JAVA_INT, 48, btfFd);
                attr.set(ValueLayout.JAVA_INT, 52, m.btfKeyType);
                attr.set(ValueLayout.JAVA_INT, 56, m.btfValueType);
            }
            attr.set(ValueLayout.JAVA_LONG, 64, m.mapExtra);
            return (int) Sys.check(bpf(MAP_CREATE, attr), "bpf(BPF_MAP_CREATE) " + object + ": map '" + m.name
                    + "' type " + m.type + " key_size=" + m.keySize + " value_size=" + m.valueSize + " max_entries="
                    + m.maxEntries + " flags=0x" + Integer.toHexString(m.flags));
        }
    }

    /** Writes element 0 of a one-entry ARRAY ({@code BPF_MAP_UPDATE_ELEM}). */
    public static void updateFirst(int fd, byte[] value, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(4, 4);
            MemorySegment v = arena.allocate(Math.max(1, value.length), 8);
            MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, fd);
            attr.set(ValueLayout.JAVA_LONG, 8, key.address());
            attr.set(ValueLayout.JAVA_LONG, 16, v.address());
            Sys.check(bpf(MAP_UPDATE_ELEM, attr), "bpf(BPF_MAP_UPDATE_ELEM) fill " + what);
        }
    }

    /** {@code BPF_MAP_FREEZE}: no more writes from user space; the verifier may then fold reads. */
    public static void freeze(int fd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, fd);
            Sys.check(bpf(MAP_FREEZE, attr), "bpf(BPF_MAP_FREEZE) " + what);
        }
    }

    /** {@code BPF_OBJ_GET}. @return the fd, or a negated errno */
    public static int rawObjGet(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.ADDRESS, 0, arena.allocateFrom(path));
            return (int) bpf(OBJ_GET, attr);
        }
    }

    /** {@code BPF_OBJ_PIN}. */
    public static void pin(int fd, String path, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.ADDRESS, 0, arena.allocateFrom(path));
            attr.set(ValueLayout.JAVA_INT, 8, fd);
            Sys.check(bpf(OBJ_PIN, attr), "bpf(BPF_OBJ_PIN) pin " + what + " at " + path);
        }
    }

    /**
     * {@code BPF_RAW_TRACEPOINT_OPEN}: a raw tracepoint by name, or (name null) a tracing program
     * at the BTF id it was loaded with.
     *
     * @return the link fd
     */
    public static int rawTracepointOpen(String name, int progFd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.ADDRESS, 0, name == null ? MemorySegment.NULL : arena.allocateFrom(name));
            attr.set(ValueLayout.JAVA_INT, 8, progFd);
            return (int) Sys.check(bpf(RAW_TRACEPOINT_OPEN, attr), "bpf(BPF_RAW_TRACEPOINT_OPEN) " + what);
        }
    }

    /**
     * What {@code BPF_PROG_LOAD} needs.
     *
     * @param progType {@code prog_type}
     * @param attachType {@code expected_attach_type}
     * @param flags {@code prog_flags}
     * @param name the program name (made a kernel name)
     * @param license the license string
     * @param kernVersion {@code kern_version}
     * @param btfFd the object's BTF fd, -1 for none
     * @param attachBtfId {@code attach_btf_id}, 0 for none
     * @param linked the assembled program
     */
    public record ProgLoad(int progType, int attachType, int flags, String name, String license, int kernVersion,
                           int btfFd, int attachBtfId, Linker.Linked linked) {
    }

    /**
     * The outcome of a load.
     *
     * @param fd the program fd, or -1
     * @param errno the errno of the first failed attempt, 0 on success
     * @param log the verifier log of the retry with {@code log_level 1}, empty on success
     */
    public record Loaded(int fd, int errno, String log) {
    }

    /**
     * Loads a program like libbpf: first without a log; on failure again with a large log (a small
     * log buffer makes even a valid program fail with ENOSPC), grown while the kernel says ENOSPC.
     */
    public static Loaded progLoad(ProgLoad p) {
        try (Arena arena = Arena.ofConfined()) {
            byte[] code = p.linked().code();
            MemorySegment insns = arena.allocate(Math.max(8, code.length), 8);
            MemorySegment.copy(code, 0, insns, ValueLayout.JAVA_BYTE, 0, code.length);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, p.progType());
            attr.set(ValueLayout.JAVA_INT, 4, code.length / 8);
            attr.set(ValueLayout.JAVA_LONG, 8, insns.address());
            attr.set(ValueLayout.JAVA_LONG, 16, arena.allocateFrom(p.license()).address());
            attr.set(ValueLayout.JAVA_INT, 40, p.kernVersion());
            attr.set(ValueLayout.JAVA_INT, 44, p.flags());
            byte[] n = kernelName(p.name()).getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(n, 0, attr, ValueLayout.JAVA_BYTE, 48, n.length);
            attr.set(ValueLayout.JAVA_INT, 68, p.attachType());
            if (p.btfFd() >= 0) {
                attr.set(ValueLayout.JAVA_INT, 72, p.btfFd());
                int[] fi = p.linked().funcInfo();
                if (fi.length > 0) {
                    attr.set(ValueLayout.JAVA_INT, 76, 8);
                    attr.set(ValueLayout.JAVA_LONG, 80, ints(arena, fi).address());
                    attr.set(ValueLayout.JAVA_INT, 88, fi.length / 2);
                }
                int[] li = p.linked().lineInfo();
                if (li.length > 0) {
                    attr.set(ValueLayout.JAVA_INT, 92, 16);
                    attr.set(ValueLayout.JAVA_LONG, 96, ints(arena, li).address());
                    attr.set(ValueLayout.JAVA_INT, 104, li.length / 4);
                }
                int[] core = p.linked().coreRelos();
                if (core.length > 0) {
                    attr.set(ValueLayout.JAVA_INT, 116, core.length / 4);
                    attr.set(ValueLayout.JAVA_LONG, 128, ints(arena, core).address());
                    attr.set(ValueLayout.JAVA_INT, 136, 16);
                }
            }
            attr.set(ValueLayout.JAVA_INT, 108, p.attachBtfId());
            long r = bpf(PROG_LOAD, attr);
            if (r >= 0) {
                return new Loaded((int) r, 0, "");
            }
            int logSize = LOG_SIZE;
            while (true) {
                MemorySegment log = arena.allocate(logSize);
                attr.set(ValueLayout.JAVA_INT, 24, 1);
                attr.set(ValueLayout.JAVA_INT, 28, logSize);
                attr.set(ValueLayout.JAVA_LONG, 32, log.address());
                long again = bpf(PROG_LOAD, attr);
                if (again >= 0) {
                    return new Loaded((int) again, 0, ""); // the first failure was transient
                }
                if (again == -Errno.ENOSPC && logSize < MAX_LOG_SIZE) {
                    logSize *= 4;
                    continue;
                }
                return new Loaded(-1, (int) -r, log.getString(0));
            }
        }
    }

    private static MemorySegment ints(Arena arena, int[] values) {
        MemorySegment s = arena.allocate(4L * values.length, 8);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_INT, 0, values.length);
        return s;
    }
}
