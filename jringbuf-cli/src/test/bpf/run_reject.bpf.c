// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// An object 'jringbuf run' must refuse with the rejected program and its source line: a ring,
// and a program that writes through a map lookup it did not check for NULL.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH); /* not ARRAY: this kernel knows a constant in-bounds key finds a value */
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int count_execs(void *ctx)
{
    __u32 key = 0;
    __u64 *v = bpf_map_lookup_elem(&counts, &key);
    *v += 1; /* REJECTED HERE: v may be NULL */
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
