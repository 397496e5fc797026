// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// One program per attach kind, all writing {kind, tid, arg} into one ring, for one process.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

struct event {
    __u32 kind;
    __u32 tid;
    __u64 arg;
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 16);
} events SEC(".maps");

const volatile __u32 target_tgid = 0;

static __always_inline int emit(__u32 kind, __u64 arg)
{
    __u64 id = bpf_get_current_pid_tgid();
    if ((__u32)(id >> 32) != target_tgid)
        return 0;
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return 0;
    e->kind = kind;
    e->tid = (__u32)id;
    e->arg = arg;
    bpf_ringbuf_submit(e, 0);
    return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int tp_getpgid(struct trace_event_raw_sys_enter *ctx)
{
    return emit(1, ctx->args[0]);
}

SEC("raw_tp/sys_enter")
int raw_getpgid(struct bpf_raw_tracepoint_args *ctx)
{
    if (ctx->args[1] != 121 /* __NR_getpgid on x86-64 */)
        return 0;
    struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
    return emit(2, BPF_CORE_READ(regs, di));
}

SEC("tp_btf/sys_enter")
int BPF_PROG(btf_getpgid, struct pt_regs *regs, long id)
{
    if (id != 121)
        return 0;
    return emit(3, BPF_CORE_READ(regs, di));
}

SEC("uprobe")
int BPF_KPROBE(uprobe_getpid)
{
    return emit(4, 0);
}

SEC("uretprobe")
int BPF_KRETPROBE(uretprobe_getpid, int ret)
{
    return emit(10, ret);
}

// Two programs in one section.
SEC("tracepoint/syscalls/sys_enter_getppid")
int getppid_first(void *ctx)
{
    return emit(5, 0);
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int getppid_second(void *ctx)
{
    return emit(6, 0);
}

// Kinds this kernel may refuse (no kprobes, no BPF trampolines): not loaded unless asked.
SEC("?kprobe/__x64_sys_getpgid")
int BPF_KPROBE(kprobe_getpgid)
{
    return emit(7, 0);
}

SEC("?ksyscall/getpgid")
int BPF_KSYSCALL(ksyscall_getpgid, pid_t pid)
{
    return emit(8, pid);
}

SEC("?fentry/__x64_sys_getpgid")
int BPF_PROG(fentry_getpgid, struct pt_regs *regs)
{
    return emit(9, 0);
}

char LICENSE[] SEC("license") = "GPL";
