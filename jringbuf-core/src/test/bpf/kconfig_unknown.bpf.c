// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// A __kconfig extern the loader does not provide.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern int CONFIG_HZ __kconfig;

SEC("socket")
int read_hz(void *ctx)
{
    return CONFIG_HZ;
}

char LICENSE[] SEC("license") = "GPL";
