// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// CO-RE reads of task_struct (done by the kernel from the object's relocation records) and
// bpf_core_field_exists, from a raw tracepoint that fires for one thread.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___fake {
    int no_such_field_in_any_kernel;
} __attribute__((preserve_access_index));

const volatile __u32 target_tid = 0;

__u32 hits;
__u32 seen_pid;
__u32 seen_tgid;
__u32 seen_ppid;
__u32 pid_exists;
__u32 fake_exists;
__u64 task_size;
__u32 task_type_exists;
__u64 pidtype_pgid;
__u32 reset_on_fork;

SEC("raw_tp/sys_enter")
int read_task(void *ctx)
{
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    if (tid != target_tid || hits)
        return 0;
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    seen_pid = BPF_CORE_READ(task, pid);
    seen_tgid = BPF_CORE_READ(task, tgid);
    seen_ppid = BPF_CORE_READ(task, real_parent, tgid);
    pid_exists = bpf_core_field_exists(task->pid);
    fake_exists = bpf_core_field_exists(((struct task_struct___fake *)task)->no_such_field_in_any_kernel);
    task_size = bpf_core_type_size(struct task_struct);
    task_type_exists = bpf_core_type_exists(struct task_struct);
    pidtype_pgid = bpf_core_enum_value(enum pid_type, PIDTYPE_PGID);
    reset_on_fork = BPF_CORE_READ_BITFIELD_PROBED(task, sched_reset_on_fork);
    hits = 1;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
