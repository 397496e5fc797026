// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// Java -> USER_RINGBUF -> drain callback (adds 1000 to each u64) -> RINGBUF -> Java.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_USER_RINGBUF);
    __uint(max_entries, 4096);
} requests SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} replies SEC(".maps");

long drained;

static long echo_one(struct bpf_dynptr *dynptr, void *ctx)
{
    __u64 v;

    if (bpf_dynptr_read(&v, sizeof(v), dynptr, 0, 0))
        return 1;
    v += 1000;
    bpf_ringbuf_output(&replies, &v, sizeof(v), 0);
    return 0;
}

SEC("socket")
int echo(void *ctx)
{
    long n = bpf_user_ringbuf_drain(&requests, echo_one, NULL, 0);
    if (n > 0)
        drained += n;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
