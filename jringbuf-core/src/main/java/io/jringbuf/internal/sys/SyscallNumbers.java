/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.sys;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;

/**
 * The numbers of the system calls that libc has no wrapper for, per architecture: x86-64's own
 * table, and the generic table ({@code asm-generic/unistd.h}) that aarch64 uses. Every other call
 * goes through its libc function, which is the same on every architecture.
 *
 * @param arch the {@code os.arch} values this table is for, as a readable name
 * @param getpid {@code getpid}: only for the test that the table matches the machine
 * @param futex {@code futex}
 * @param perfEventOpen {@code perf_event_open}
 * @param bpf {@code bpf}
 * @param futexWaitv {@code futex_waitv} (Linux 5.16+)
 */
record SyscallNumbers(String arch, long getpid, long futex, long perfEventOpen, long bpf, long futexWaitv) {
    /** x86-64 ({@code arch/x86/entry/syscalls/syscall_64.tbl}). */
    public static final SyscallNumbers X86_64 = new SyscallNumbers("x86_64", 39, 202, 298, 321, 449);
    /** aarch64: the generic numbers ({@code include/uapi/asm-generic/unistd.h}). */
    public static final SyscallNumbers AARCH64 = new SyscallNumbers("aarch64", 172, 98, 241, 280, 449);

    /** The table of the running machine, or null if jringbuf has none for it. */
    static final SyscallNumbers CURRENT = of(System.getProperty("os.arch"));

    /**
     * @param osArch a value of the {@code os.arch} property
     * @return its table, or null for an architecture jringbuf has no table for
     */
    public static SyscallNumbers of(String osArch) {
        return switch (osArch == null ? "" : osArch) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> null;
        };
    }

    /**
     * The running machine's table.
     *
     * @return the table
     * @throws ErrnoException ENOSYS on an architecture without a table: making system calls by
     *                        another architecture's numbers would call the wrong ones
     */
    public static SyscallNumbers current() {
        SyscallNumbers n = CURRENT;
        if (n == null) {
            throw new ErrnoException(Errno.ENOSYS, "jringbuf knows the system call numbers of x86_64 and aarch64, not"
                    + " of this machine (os.arch=" + System.getProperty("os.arch") + ")");
        }
        return n;
    }
}
