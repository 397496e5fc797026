/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

/**
 * BPF program types ({@code enum bpf_prog_type}) with what each is good for here.
 *
 * <p>For deterministic tests, {@link #SOCKET_FILTER} with {@link BpfProgram#testRun(int)} runs a
 * program exactly N times in one system call. {@link #RAW_TRACEPOINT} attaches to a kernel
 * tracepoint without tracefs; {@link #TRACEPOINT} attaches through {@code perf_event_open}.
 */
public enum ProgType {
    /** {@code BPF_PROG_TYPE_SOCKET_FILTER}: test_run with repeat works. */
    SOCKET_FILTER(1),
    /** {@code BPF_PROG_TYPE_KPROBE}. */
    KPROBE(2),
    /** {@code BPF_PROG_TYPE_SCHED_CLS}: test_run with repeat works. */
    SCHED_CLS(3),
    /** {@code BPF_PROG_TYPE_TRACEPOINT}: attach with {@link BpfProgram#attachTracepoint}. */
    TRACEPOINT(5),
    /** {@code BPF_PROG_TYPE_XDP}: test_run with repeat works. */
    XDP(6),
    /** {@code BPF_PROG_TYPE_PERF_EVENT}. */
    PERF_EVENT(7),
    /** {@code BPF_PROG_TYPE_RAW_TRACEPOINT}: attach with {@link BpfProgram#attachRawTracepoint}. */
    RAW_TRACEPOINT(17),
    /** {@code BPF_PROG_TYPE_SYSCALL}: must be loaded sleepable. */
    SYSCALL(31),
    /** {@code BPF_PROG_TYPE_SCHED_ACT}. */
    SCHED_ACT(4),
    /** {@code BPF_PROG_TYPE_CGROUP_SKB}. */
    CGROUP_SKB(8),
    /** {@code BPF_PROG_TYPE_CGROUP_SOCK}. */
    CGROUP_SOCK(9),
    /** {@code BPF_PROG_TYPE_LWT_IN}. */
    LWT_IN(10),
    /** {@code BPF_PROG_TYPE_LWT_OUT}. */
    LWT_OUT(11),
    /** {@code BPF_PROG_TYPE_LWT_XMIT}. */
    LWT_XMIT(12),
    /** {@code BPF_PROG_TYPE_SOCK_OPS}. */
    SOCK_OPS(13),
    /** {@code BPF_PROG_TYPE_SK_SKB}. */
    SK_SKB(14),
    /** {@code BPF_PROG_TYPE_CGROUP_DEVICE}. */
    CGROUP_DEVICE(15),
    /** {@code BPF_PROG_TYPE_SK_MSG}. */
    SK_MSG(16),
    /** {@code BPF_PROG_TYPE_CGROUP_SOCK_ADDR}. */
    CGROUP_SOCK_ADDR(18),
    /** {@code BPF_PROG_TYPE_LWT_SEG6LOCAL}. */
    LWT_SEG6LOCAL(19),
    /** {@code BPF_PROG_TYPE_LIRC_MODE2}. */
    LIRC_MODE2(20),
    /** {@code BPF_PROG_TYPE_SK_REUSEPORT}. */
    SK_REUSEPORT(21),
    /** {@code BPF_PROG_TYPE_FLOW_DISSECTOR}. */
    FLOW_DISSECTOR(22),
    /** {@code BPF_PROG_TYPE_CGROUP_SYSCTL}. */
    CGROUP_SYSCTL(23),
    /** {@code BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE}. */
    RAW_TRACEPOINT_WRITABLE(24),
    /** {@code BPF_PROG_TYPE_CGROUP_SOCKOPT}. */
    CGROUP_SOCKOPT(25),
    /** {@code BPF_PROG_TYPE_TRACING}: tp_btf, fentry, fexit, fmod_ret, iter (needs a BTF id at load). */
    TRACING(26),
    /** {@code BPF_PROG_TYPE_STRUCT_OPS}. */
    STRUCT_OPS(27),
    /** {@code BPF_PROG_TYPE_EXT} (freplace). */
    EXT(28),
    /** {@code BPF_PROG_TYPE_LSM}. */
    LSM(29),
    /** {@code BPF_PROG_TYPE_SK_LOOKUP}. */
    SK_LOOKUP(30),
    /** {@code BPF_PROG_TYPE_NETFILTER}. */
    NETFILTER(32);

    private final int number;

    ProgType(int number) {
        this.number = number;
    }

    /** {@return the kernel's number for this type} */
    public int number() {
        return number;
    }

    /**
     * The program type of a kernel number.
     *
     * @param number a kernel program type number
     * @return the type, or null if this enum does not name it
     */
    public static ProgType of(int number) {
        for (ProgType t : values()) {
            if (t.number == number) {
                return t;
            }
        }
        return null;
    }
}
