// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// An execsnoop-like tool: execve of children of one process, with the parent read by CO-RE, the
// command name and the file name, into a ring buffer.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define FILENAME_LEN 64

struct exec_event {
    __u32 pid;
    __u32 ppid;
    char comm[16];
    char filename[FILENAME_LEN];
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 * 1024);
} execs SEC(".maps");

const volatile __u32 parent_tgid = 0;

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve(struct trace_event_raw_sys_enter *ctx)
{
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    __u32 ppid = BPF_CORE_READ(task, real_parent, tgid);
    if (parent_tgid && ppid != parent_tgid)
        return 0;
    struct exec_event *e = bpf_ringbuf_reserve(&execs, sizeof(*e), 0);
    if (!e)
        return 0;
    e->pid = bpf_get_current_pid_tgid() >> 32;
    e->ppid = ppid;
    bpf_get_current_comm(e->comm, sizeof(e->comm));
    bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[0]);
    bpf_ringbuf_submit(e, 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
