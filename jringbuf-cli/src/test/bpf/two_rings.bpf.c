// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// Two RINGBUF maps: 'jringbuf run' must be told which one to read (--ring).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} first SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} second SEC(".maps");

SEC("socket")
int both(void *ctx)
{
    __u64 v = 1;
    bpf_ringbuf_output(&first, &v, sizeof(v), 0);
    bpf_ringbuf_output(&second, &v, sizeof(v), 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
