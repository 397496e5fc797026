// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// The __kconfig externs the loader provides, copied into .bss by a socket program.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int LINUX_HAS_SYSCALL_WRAPPER __kconfig;

__u32 seen_version;
__u32 seen_wrapper;

SEC("socket")
int read_kconfig(void *ctx)
{
    seen_version = LINUX_KERNEL_VERSION;
    seen_wrapper = LINUX_HAS_SYSCALL_WRAPPER;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
