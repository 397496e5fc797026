// Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
// A record with every kind of member, filled with known values and written into a ring, for
// BtfLayout (layout, VarHandles, bitfields, JSON) and the generated readers.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

enum color { RED = 1, GREEN = 2, BLUE = 4 };
enum wide { WIDE_SMALL = 1, WIDE_TOP = 0xfedcba9876543210ULL };

struct inner {
    __u16 a;
    __s8 b;
};

struct every {
    __u8 u8;
    __s8 s8;
    __u16 u16;
    __s16 s16;
    __u32 u32;
    __s32 s32;
    __u64 u64;
    __s64 s64;
    bool flag;
    char name[16];
    __u32 nums[3];
    struct inner in;
    struct inner pair[2];
    enum color color;
    enum color odd_color;
    unsigned int bf_a : 3, bf_b : 5;
    int bf_neg : 4;
    union {
        __u32 as_u32;
        float as_float;
    };
    void *ptr;
    char matrix[2][4];
    double ratio;
    enum wide wide;
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} records SEC(".maps");

/* The struct is only a local below; a global pointer puts its type into the object's BTF. */
const struct every *unused_every __attribute__((unused));

const volatile __u32 seq_base = 0;
/* emit_on_exec: only execve calls of children of this process (0: none). */
const volatile __u32 parent_tgid = 0;
__u32 emitted;

static __always_inline int fill_and_emit(void)
{
    struct every e = {};

    e.u8 = 250;
    e.s8 = -5;
    e.u16 = 65000;
    e.s16 = -30000;
    e.u32 = 4000000000u + seq_base + emitted;
    e.s32 = -2000000000;
    e.u64 = 0xfedcba9876543210ULL;
    e.s64 = -9000000000000000000LL;
    e.flag = true;
    __builtin_memcpy(e.name, "say \"hi\"\n\xc3\xa9", 12);
    e.nums[0] = 1;
    e.nums[1] = 2;
    e.nums[2] = 3;
    e.in.a = 7;
    e.in.b = -7;
    e.pair[0].a = 10;
    e.pair[0].b = 11;
    e.pair[1].a = 20;
    e.pair[1].b = -21;
    e.color = GREEN;
    e.odd_color = (enum color)3;
    e.bf_a = 5;
    e.bf_b = 17;
    e.bf_neg = -3;
    e.as_float = 1.5f;
    e.ptr = (void *)0xffff888012345678ULL;
    __builtin_memcpy(e.matrix[0], "ab", 3);
    __builtin_memcpy(e.matrix[1], "wxyz", 4);
    e.ratio = 0.25;
    e.wide = WIDE_TOP;
    bpf_ringbuf_output(&records, &e, sizeof(e), 0);
    emitted++;
    return 0;
}

/* Run with BPF_PROG_TEST_RUN. */
SEC("socket")
int emit(void *ctx)
{
    return fill_and_emit();
}

/* The same record for every execve of a child of parent_tgid (for commands that attach). */
SEC("tracepoint/syscalls/sys_enter_execve")
int emit_on_exec(void *ctx)
{
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    if (!parent_tgid || BPF_CORE_READ(task, real_parent, tgid) != parent_tgid)
        return 0;
    return fill_and_emit();
}

char LICENSE[] SEC("license") = "GPL";
