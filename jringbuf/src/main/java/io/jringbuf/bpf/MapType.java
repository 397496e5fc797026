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
    USER_RINGBUF(31);

    private final int number;

    MapType(int number) {
        this.number = number;
    }

    /** @return the kernel's number for this type */
    public int number() {
        return number;
    }

    /**
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
