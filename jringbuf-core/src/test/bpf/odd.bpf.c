// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// A program in a section libbpf does not know next to an ordinary one.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} small_ring SEC(".maps");

__u64 shared_calls;

// A subprogram both socket programs call: each program gets its own copy.
__attribute__((noinline)) int shared_helper(int x)
{
    shared_calls++;
    return x + 1;
}

SEC("socket")
int ordinary(void *ctx)
{
    bpf_printk("ordinary ran, calls=%llu", shared_calls); // a string literal in .rodata.str1.1
    return shared_helper(6);
}

SEC("socket")
int another(void *ctx)
{
    return shared_helper(41);
}

SEC("no_such_kind/at_all")
int unknown_kind(void *ctx)
{
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
