// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// The source of the JSON-output benchmark (bench/loader.sh): each getppid() of the feeder process
// (feeder_tgid) writes 32 records of a 64-byte struct into the ring, unless the ring is more than
// half full (so that no record is dropped and the printer, not the producer, sets the pace).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define RING (4 << 20)

struct event64 {
    __u32 pid;
    __u32 cpu;
    __u64 seq;
    __u64 ts;
    __s32 value;
    __u32 flags;
    char comm[16];
    __u64 bytes;
    __u64 latency_ns;
};

/* Only used through a pointer below; this puts the type into the object's BTF. */
const struct event64 *unused_event64 __attribute__((unused));

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, RING);
} records SEC(".maps");

const volatile __u32 feeder_tgid = 0;
__u64 seq;

static long emit(__u64 i, void *ctx)
{
    struct event64 *e = bpf_ringbuf_reserve(&records, sizeof(*e), 0);
    if (!e)
        return 1;
    e->pid = bpf_get_current_pid_tgid() >> 32;
    e->cpu = bpf_get_smp_processor_id();
    e->seq = __sync_fetch_and_add(&seq, 1);
    e->ts = bpf_ktime_get_ns();
    e->value = -(int)i;
    e->flags = 0x5a;
    bpf_get_current_comm(e->comm, sizeof(e->comm));
    e->bytes = i * 4096;
    e->latency_ns = 1000 + i;
    bpf_ringbuf_submit(e, 0);
    return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int feed(void *ctx)
{
    if ((bpf_get_current_pid_tgid() >> 32) != feeder_tgid)
        return 0;
    if (bpf_ringbuf_query(&records, BPF_RB_AVAIL_DATA) > RING / 2)
        return 0;
    bpf_loop(32, emit, NULL, 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
