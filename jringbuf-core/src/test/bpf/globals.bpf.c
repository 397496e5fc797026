// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// Global data (.rodata knobs, .bss, .data, a custom .data.* section), static and global
// subprograms, a bpf_loop callback, and a knob the verifier must fold.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

enum mode { MODE_OFF = 0, MODE_SUM = 3, MODE_MUL = 7 };

const volatile __u8 knob_u8 = 8;
const volatile __s16 knob_s16 = -16;
const volatile __u32 knob_u32 = 32;
const volatile __s64 knob_s64 = -64;
const volatile bool knob_bool = false;
const volatile enum mode knob_mode = MODE_SUM;
const volatile char knob_name[16] = "default";
const volatile __u32 knob_array[4] = { 1, 2, 3, 4 };
const volatile int read_past_ctx = 0; // 1 makes the socket program read past its context

__u64 bss_counter;
__u64 bss_seen_u32;
__s64 bss_seen_s64;
__u32 bss_name_len;
__u64 bss_array_sum;
__u32 bss_flags;
__u64 data_value = 0x1122334455667788ULL;
char data_greeting[8] = "hello";
__u64 custom_value SEC(".data.custom") = 77;
__u64 loop_sum;

static __attribute__((noinline)) __u64 twice(__u64 x)
{
    return x * 2;
}

__attribute__((noinline)) int global_add(int a, int b)
{
    return a + b;
}

static long add_index(__u32 index, void *ctx)
{
    __u64 *sum = ctx;
    *sum += index;
    return 0;
}

SEC("socket")
int use_globals(void *ctx)
{
    __u64 sum = 0;
    __u32 len = 0;

    bss_counter += twice(bss_counter + 1);
    bss_seen_u32 = knob_u32 + knob_u8 + (__u64)global_add(knob_s16, 0);
    bss_seen_s64 = knob_s64;
    for (int i = 0; i < 16; i++) {
        if (knob_name[i] == 0)
            break;
        len++;
    }
    bss_name_len = len;
    bss_array_sum = knob_array[0] + knob_array[1] + knob_array[2] + knob_array[3];
    bss_flags = (knob_bool ? 1 : 0) | ((__u32)knob_mode << 8);
    data_value += 1;
    custom_value += 1;
    bpf_loop(10, add_index, &sum, 0);
    loop_sum = sum;
    if (read_past_ctx)
        return *(volatile __u32 *)((char *)ctx + 1000);
    return 1;
}

char LICENSE[] SEC("license") = "GPL";
