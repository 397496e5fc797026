// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// The larger object of the load-time benchmark (bench/loader.sh): six programs of four attach
// kinds (tracepoint, raw_tp, tp_btf), a shared static subprogram with CO-RE reads, a ring, a hash
// map, a .rodata knob and .bss. With the knob at 0 (the benchmark) the programs return at once.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct event {
    __u32 pid;
    __u32 ppid;
    __u32 kind;
    __u32 uid;
    __u64 ts;
    char comm[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 20);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

const volatile __u32 target_tgid = 0;
__u64 total;

static __noinline int record(__u32 kind)
{
    struct task_struct *task;
    struct event *e;
    __u64 one = 1, *n;
    __u32 pid, ppid;

    if (!target_tgid)
        return 0;
    task = (struct task_struct *)bpf_get_current_task();
    pid = bpf_get_current_pid_tgid() >> 32;
    ppid = BPF_CORE_READ(task, real_parent, tgid);
    if (pid != target_tgid && ppid != target_tgid)
        return 0;
    n = bpf_map_lookup_elem(&counts, &kind);
    if (n)
        __sync_fetch_and_add(n, 1);
    else
        bpf_map_update_elem(&counts, &kind, &one, BPF_ANY);
    __sync_fetch_and_add(&total, 1);
    e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return 0;
    e->pid = pid;
    e->ppid = ppid;
    e->kind = kind;
    e->uid = (__u32)bpf_get_current_uid_gid();
    e->ts = bpf_ktime_get_ns();
    bpf_get_current_comm(e->comm, sizeof(e->comm));
    bpf_ringbuf_submit(e, 0);
    return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int tp_execve(void *ctx) { return record(1); }

SEC("tracepoint/syscalls/sys_enter_openat")
int tp_openat(void *ctx) { return record(2); }

SEC("tracepoint/syscalls/sys_enter_close")
int tp_close(void *ctx) { return record(3); }

SEC("tracepoint/sched/sched_process_exit")
int tp_exit(void *ctx) { return record(4); }

SEC("raw_tp/sched_process_fork")
int raw_fork(void *ctx) { return record(5); }

SEC("tp_btf/sched_process_exec")
int BPF_PROG(btf_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) { return record(6); }

char LICENSE[] SEC("license") = "GPL";
