/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

/**
 * BPF helper functions by name ({@code enum bpf_func_id}), for {@link Asm#call(Helper)}. Arguments go
 * in R1–R5, the result comes back in R0.
 */
public enum Helper {
    /** {@code void *bpf_map_lookup_elem(map, key)}. */
    MAP_LOOKUP_ELEM(1),
    /** {@code long bpf_map_update_elem(map, key, value, flags)}. */
    MAP_UPDATE_ELEM(2),
    /** {@code long bpf_map_delete_elem(map, key)}. */
    MAP_DELETE_ELEM(3),
    /** {@code u64 bpf_ktime_get_ns()}. */
    KTIME_GET_NS(5),
    /** {@code u32 bpf_get_prandom_u32()}. */
    GET_PRANDOM_U32(7),
    /** {@code u32 bpf_get_smp_processor_id()}. */
    GET_SMP_PROCESSOR_ID(8),
    /** {@code u64 bpf_get_current_pid_tgid()}: tgid in the upper 32 bits, tid in the lower. */
    GET_CURRENT_PID_TGID(14),
    /** {@code u64 bpf_get_current_uid_gid()}. */
    GET_CURRENT_UID_GID(15),
    /** {@code long bpf_get_current_comm(buf, size)}. */
    GET_CURRENT_COMM(16),
    /** {@code u64 bpf_get_current_task()}. */
    GET_CURRENT_TASK(35),
    /** {@code long bpf_probe_read_user(dst, size, unsafe_ptr)}. */
    PROBE_READ_USER(112),
    /** {@code long bpf_probe_read_kernel(dst, size, unsafe_ptr)}. */
    PROBE_READ_KERNEL(113),
    /** {@code long bpf_probe_read_user_str(dst, size, unsafe_ptr)}. */
    PROBE_READ_USER_STR(114),
    /** {@code long bpf_probe_read_kernel_str(dst, size, unsafe_ptr)}. */
    PROBE_READ_KERNEL_STR(115),
    /** {@code long bpf_ringbuf_output(ringbuf, data, size, flags)}. */
    RINGBUF_OUTPUT(130),
    /** {@code void *bpf_ringbuf_reserve(ringbuf, size, flags)}; null when full. */
    RINGBUF_RESERVE(131),
    /** {@code void bpf_ringbuf_submit(data, flags)}. */
    RINGBUF_SUBMIT(132),
    /** {@code void bpf_ringbuf_discard(data, flags)}. */
    RINGBUF_DISCARD(133),
    /** {@code u64 bpf_ringbuf_query(ringbuf, flags)}. */
    RINGBUF_QUERY(134),
    /** {@code long bpf_loop(nr_loops, callback_fn, ctx, flags)}. */
    LOOP(181),
    /** {@code long bpf_dynptr_read(dst, len, src, offset, flags)}. */
    DYNPTR_READ(201),
    /** {@code void *bpf_dynptr_data(ptr, offset, len)}. */
    DYNPTR_DATA(203),
    /** {@code long bpf_user_ringbuf_drain(map, callback_fn, ctx, flags)}. */
    USER_RINGBUF_DRAIN(209);

    private final int id;

    Helper(int id) {
        this.id = id;
    }

    /** {@return the helper's number} */
    public int id() {
        return id;
    }
}
