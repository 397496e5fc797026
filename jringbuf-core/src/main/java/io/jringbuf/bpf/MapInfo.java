/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

/**
 * What the kernel reports about a map ({@code struct bpf_map_info}).
 *
 * @param type the map type number ({@link MapType#number()})
 * @param id the map's system-wide id (usable with {@link BpfMap#openById})
 * @param keySize key size in bytes
 * @param valueSize value size in bytes
 * @param maxEntries {@code max_entries}; for rings, the data size in bytes
 * @param flags map flags
 * @param name the map's name (up to 15 characters)
 */
public record MapInfo(int type, int id, int keySize, int valueSize, long maxEntries, int flags, String name) {
    /** {@return the type's name, for example {@code "RINGBUF"}} */
    public String typeName() {
        return MapType.nameOf(type);
    }
}
