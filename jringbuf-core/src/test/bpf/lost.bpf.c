// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// A ring too small for what the program writes, with its lost counter (jringbuf_lost.h): each
// run reserves a 1 KiB record and one through bpf_ringbuf_output; refusals are counted.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "jringbuf_lost.h"

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");
JRINGBUF_LOST_COUNTER(events);

char payload[1024];

SEC("socket")
int produce(void *ctx)
{
    char *record = JRINGBUF_RESERVE(events, 1024);

    if (record) {
        record[0] = 1;
        bpf_ringbuf_submit(record, BPF_RB_NO_WAKEUP);
    }
    JRINGBUF_OUTPUT(events, payload, sizeof(payload), BPF_RB_NO_WAKEUP);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
