// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// A legacy "maps" section (struct bpf_map_def), which libbpf 1.0 and this loader refuse.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct legacy_map_def {
    unsigned int type;
    unsigned int key_size;
    unsigned int value_size;
    unsigned int max_entries;
    unsigned int map_flags;
};

struct legacy_map_def old_style SEC("maps") = {
    .type = BPF_MAP_TYPE_ARRAY,
    .key_size = 4,
    .value_size = 8,
    .max_entries = 1,
};

SEC("socket")
int uses_legacy(void *ctx)
{
    __u32 k = 0;
    return bpf_map_lookup_elem(&old_style, &k) != 0;
}

char LICENSE[] SEC("license") = "GPL";
