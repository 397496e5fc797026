/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.loader.ObjectSpec;
import io.jringbuf.internal.sys.Sys;

/**
 * A map of a {@link BpfObject}: a BTF-defined map of {@code .maps}, a global data section
 * ({@code .rodata}, {@code .data}, {@code .bss}, {@code .data.*}) or the {@code .kconfig} values.
 * Its definition can be read before load and its size changed; {@link #map()} gives the kernel
 * map after {@link BpfObject#load()}.
 */
public final class BpfObjectMap {
    private final BpfObject object;
    private final ObjectSpec.MapDef def;
    private BpfMap map;

    BpfObjectMap(BpfObject object, ObjectSpec.MapDef def) {
        this.object = object;
        this.def = def;
    }

    ObjectSpec.MapDef def() {
        return def;
    }

    void created(BpfMap map) {
        this.map = map;
    }

    /** {@return the map's name: the variable's name for {@code .maps}, the section name for data} */
    public String name() {
        return def.name;
    }

    /** {@return the map type number ({@link MapType#number()})} */
    public int type() {
        return def.type;
    }

    /** {@return the type's name, for example {@code "RINGBUF"}} */
    public String typeName() {
        return MapType.nameOf(def.type);
    }

    /** {@return the key size in bytes} */
    public int keySize() {
        return def.keySize;
    }

    /** {@return the value size in bytes} */
    public int valueSize() {
        return def.valueSize;
    }

    /** {@return {@code max_entries} (for rings: the data size, rounded as libbpf rounds it)} */
    public long maxEntries() {
        return def.maxEntries;
    }

    /**
     * {@return the key's type id in the object's BTF ({@link BpfObject#btf()}), 0 if the definition
     * gave only a size}
     */
    public int btfKeyTypeId() {
        return def.btfKeyType;
    }

    /**
     * {@return the value's type id in the object's BTF: the {@code __type(value, T)} type, or the
     * DATASEC of a global data section; 0 if the definition gave only a size}
     */
    public int btfValueTypeId() {
        return def.btfValueType;
    }

    /** {@return the map flags} */
    public int flags() {
        return def.flags;
    }

    /** {@return whether it is pinned by name ({@code LIBBPF_PIN_BY_NAME}) under the object's pin root} */
    public boolean pinnedByName() {
        return def.pinning == 1;
    }

    /** {@return whether it holds a global data section or the kconfig values (not a {@code .maps} map)} */
    public boolean globalData() {
        return def.kind != ObjectSpec.MapKind.BTF;
    }

    /**
     * Changes {@code max_entries} before load; ring sizes are rounded up to a power-of-two multiple
     * of the page size, as libbpf does.
     *
     * @param maxEntries the new value
     * @return this
     * @throws ErrnoException EINVAL after load, for global data, or for a value outside 0..2^32-1
     */
    public BpfObjectMap setMaxEntries(long maxEntries) {
        object.requireOpen("set max_entries of map '" + def.name + "'");
        if (globalData()) {
            throw new ErrnoException(Errno.EINVAL, object.name() + ": map '" + def.name + "' holds global data; its "
                    + "size is the section's");
        }
        if (maxEntries < 0 || maxEntries > 0xFFFF_FFFFL) {
            throw new ErrnoException(Errno.EINVAL, object.name() + ": max_entries " + maxEntries + " for map '" + def.name
                    + "' is outside 0..2^32-1");
        }
        boolean ring = def.type == MapType.RINGBUF.number() || def.type == MapType.USER_RINGBUF.number();
        def.maxEntries = ring ? RingLayout.roundUpRingSize(maxEntries, Sys.pageSize()) : maxEntries;
        return this;
    }

    /**
     * {@return the kernel map}
     *
     * @throws ErrnoException EINVAL before {@link BpfObject#load()}, EBADF after close
     */
    public BpfMap map() {
        object.requireLoaded("use map '" + def.name + "'");
        return map;
    }

    @Override
    public String toString() {
        return "BpfObjectMap[" + typeName() + " '" + def.name + "' key=" + def.keySize + " value=" + def.valueSize
                + " max_entries=" + def.maxEntries + "]";
    }
}
