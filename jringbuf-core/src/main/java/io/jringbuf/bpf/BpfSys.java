/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The {@code bpf()} commands and {@code union bpf_attr} size used by this package. */
final class BpfSys {
    private BpfSys() {
    }

    static final int MAP_CREATE = 0;
    static final int MAP_LOOKUP_ELEM = 1;
    static final int MAP_UPDATE_ELEM = 2;
    static final int PROG_LOAD = 5;
    static final int OBJ_PIN = 6;
    static final int OBJ_GET = 7;
    static final int PROG_TEST_RUN = 10;
    static final int PROG_GET_NEXT_ID = 11;
    static final int MAP_GET_NEXT_ID = 12;
    static final int PROG_GET_FD_BY_ID = 13;
    static final int MAP_GET_FD_BY_ID = 14;
    static final int OBJ_GET_INFO_BY_FD = 15;
    static final int RAW_TRACEPOINT_OPEN = 17;
    static final int BTF_LOAD = 18;

    /** {@code sizeof(union bpf_attr)} in the 6.1 headers; newer kernels accept it. */
    static final int ATTR_SIZE = 144;

    /** {@return a zeroed attribute block from {@code arena}} */
    static MemorySegment attr(Arena arena) {
        return arena.allocate(ATTR_SIZE, 8);
    }

    /** Runs a command and throws an {@link ErrnoException} naming {@code what} on failure. */
    static long call(int cmd, MemorySegment attr, String what) {
        return Sys.check(Sys.rawBpf(cmd, attr, ATTR_SIZE), what);
    }

    /** Runs a command, returning the raw result or negated errno. */
    static long raw(int cmd, MemorySegment attr) {
        return Sys.rawBpf(cmd, attr, ATTR_SIZE);
    }
}
