// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// A program the verifier must reject: a map value used without the NULL check.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} values SEC(".maps");

SEC("socket")
int unchecked_lookup(void *ctx)
{
    __u32 key = 0;
    __u64 *v = bpf_map_lookup_elem(&values, &key);
    return *v == 42; /* REJECTED HERE */
}

char LICENSE[] SEC("license") = "GPL";
