// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
//
// execsnoop for './jringbuf demo': every execve on the machine (or only those of children of
// parent_tgid) into a ring buffer, with the parent's pid read from the kernel's task_struct by
// CO-RE, so that it is right on any kernel with BTF, even for processes that are already gone
// when Java prints them. Built by build.sh; the compiled execsnoop.bpf.o is committed so that the
// demo runs without clang.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "jringbuf_lost.h"

#define FILENAME_LEN 256

struct exec_event {
    __u32 pid;
    __u32 ppid;
    __u32 uid;
    char comm[16];
    char filename[FILENAME_LEN];
};

/* The struct is only used through a pointer below; this puts its type into the object's BTF. */
const struct exec_event *unused_exec_event __attribute__((unused));

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 20);
} execs SEC(".maps");

/* execs_lost: the execve events the full ring refused, added up by jringbuf as the ring's lost count. */
JRINGBUF_LOST_COUNTER(execs);

/* 0: every process; otherwise only the children of this process (set before load). */
const volatile __u32 parent_tgid = 0;

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve(struct trace_event_raw_sys_enter *ctx)
{
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    __u32 ppid = BPF_CORE_READ(task, real_parent, tgid);

    if (parent_tgid && ppid != parent_tgid)
        return 0;
    struct exec_event *e = JRINGBUF_RESERVE(execs, sizeof(*e));
    if (!e)
        return 0; /* counted in execs_lost */
    e->pid = bpf_get_current_pid_tgid() >> 32;
    e->ppid = ppid;
    e->uid = (__u32)bpf_get_current_uid_gid();
    bpf_get_current_comm(e->comm, sizeof(e->comm));
    if (bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[0]) < 0)
        e->filename[0] = 0;
    bpf_ringbuf_submit(e, 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
