// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// A CO-RE read of a field no kernel has, without an existence check: the relocation fails.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___fake {
    int no_such_field_in_any_kernel;
} __attribute__((preserve_access_index));

__u32 value;

SEC("raw_tp/sys_enter")
int read_missing(void *ctx)
{
    struct task_struct___fake *task = (void *)bpf_get_current_task();
    value = BPF_CORE_READ(task, no_such_field_in_any_kernel); /* CO-RE FAILS HERE */
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
