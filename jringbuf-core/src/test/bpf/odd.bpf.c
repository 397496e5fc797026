// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// A program in a section libbpf does not know next to an ordinary one.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} small_ring SEC(".maps");

SEC("socket")
int ordinary(void *ctx)
{
    return 7;
}

SEC("no_such_kind/at_all")
int unknown_kind(void *ctx)
{
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
