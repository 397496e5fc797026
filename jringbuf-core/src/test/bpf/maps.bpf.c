// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// BTF-defined maps of several types, used by one socket program (run with BPF_PROG_TEST_RUN).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 10000); // not a page multiple: the loader rounds it up as libbpf does
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} slots SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} percpu SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 128);
    __uint(map_flags, 0);
    __type(key, __u64);
    __type(value, __u32);
} recent SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, 8);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u64));
} percpu_hash SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_counter SEC(".maps");

SEC("socket")
int touch_maps(void *ctx)
{
    __u32 k = 7;
    __u64 one = 1, *v;

    v = bpf_map_lookup_elem(&counts, &k);
    if (v)
        __sync_fetch_and_add(v, 1);
    else
        bpf_map_update_elem(&counts, &k, &one, BPF_ANY);

    k = 2;
    v = bpf_map_lookup_elem(&slots, &k);
    if (v)
        *v += 40;
    k = 0;
    v = bpf_map_lookup_elem(&percpu, &k);
    if (v)
        *v += 1;
    v = bpf_map_lookup_elem(&pinned_counter, &k);
    if (v)
        __sync_fetch_and_add(v, 1);
    __u64 key = 99;
    __u32 val = 5;
    bpf_map_update_elem(&recent, &key, &val, BPF_ANY);
    k = 3;
    bpf_map_update_elem(&percpu_hash, &k, &one, BPF_ANY);

    __u64 *rec = bpf_ringbuf_reserve(&events, sizeof(__u64), 0);
    if (rec) {
        *rec = 0x1234;
        bpf_ringbuf_submit(rec, 0);
    }
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
