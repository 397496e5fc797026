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
    SYSCALL(31);

    private final int number;

    ProgType(int number) {
        this.number = number;
    }

    /** @return the kernel's number for this type */
    public int number() {
        return number;
    }
}
