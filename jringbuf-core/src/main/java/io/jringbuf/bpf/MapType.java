/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

/** The BPF map types this library creates or recognises ({@code enum bpf_map_type}). */
public enum MapType {
    /** {@code BPF_MAP_TYPE_HASH}. */
    HASH(1),
    /** {@code BPF_MAP_TYPE_ARRAY}: fixed-size array, handy for counters shared with a program. */
    ARRAY(2),
    /** {@code BPF_MAP_TYPE_RINGBUF}: kernel → user ring. */
    RINGBUF(27),
    /** {@code BPF_MAP_TYPE_USER_RINGBUF}: user → kernel ring. */
    USER_RINGBUF(31),
    /** {@code BPF_MAP_TYPE_PROG_ARRAY}. */
    PROG_ARRAY(3),
    /** {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY}. */
    PERF_EVENT_ARRAY(4),
    /** {@code BPF_MAP_TYPE_PERCPU_HASH}. */
    PERCPU_HASH(5),
    /** {@code BPF_MAP_TYPE_PERCPU_ARRAY}. */
    PERCPU_ARRAY(6),
    /** {@code BPF_MAP_TYPE_STACK_TRACE}. */
    STACK_TRACE(7),
    /** {@code BPF_MAP_TYPE_LRU_HASH}. */
    LRU_HASH(9),
    /** {@code BPF_MAP_TYPE_LRU_PERCPU_HASH}. */
    LRU_PERCPU_HASH(10),
    /** {@code BPF_MAP_TYPE_LPM_TRIE}. */
    LPM_TRIE(11),
    /** {@code BPF_MAP_TYPE_ARRAY_OF_MAPS}. */
    ARRAY_OF_MAPS(12),
    /** {@code BPF_MAP_TYPE_HASH_OF_MAPS}. */
    HASH_OF_MAPS(13),
    /** {@code BPF_MAP_TYPE_QUEUE}. */
    QUEUE(22),
    /** {@code BPF_MAP_TYPE_STACK}. */
    STACK(23),
    /** {@code BPF_MAP_TYPE_BLOOM_FILTER}. */
    BLOOM_FILTER(30);

    private final int number;

    MapType(int number) {
        this.number = number;
    }

    /** {@return the kernel's number for this type} */
    public int number() {
        return number;
    }

    /**
     * The name of a map type number.
     *
     * @param number a kernel map type number
     * @return its name if this enum knows it, else {@code "type N"}
     */
    public static String nameOf(int number) {
        for (MapType t : values()) {
            if (t.number == number) {
                return t.name();
            }
        }
        return "type " + number;
    }
}
