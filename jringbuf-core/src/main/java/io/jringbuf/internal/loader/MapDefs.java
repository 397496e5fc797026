/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.loader;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.btf.BtfData;
import io.jringbuf.internal.btf.BtfKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads BTF-defined maps: each variable of the {@code .maps} DATASEC is a struct whose members say
 * what to create. {@code __uint(name, N)} is a pointer to an array of N elements,
 * {@code __type(name, T)} a pointer to T, {@code __ulong(name, N)} an enum whose first value is N.
 */
final class MapDefs {
    private MapDefs() {
    }

    /** {@code BPF_MAP_TYPE_RINGBUF}. */
    static final int RINGBUF = 27;
    /** {@code BPF_MAP_TYPE_USER_RINGBUF}. */
    static final int USER_RINGBUF = 31;

    /**
     * @param btf the object's BTF, DATASEC offsets already filled
     * @param object the object's name, for messages
     * @return the map definitions by their offset in {@code .maps}
     */
    static Map<Long, ObjectSpec.MapDef> parse(BtfData btf, String object) {
        Map<Long, ObjectSpec.MapDef> out = new LinkedHashMap<>();
        int sec = btf.find(BtfKind.DATASEC, ".maps");
        if (sec < 0) {
            return out;
        }
        for (int i = 0; i < btf.vlen(sec); i++) {
            int var = btf.secinfoType(sec, i);
            if (btf.kind(var) != BtfKind.VAR) {
                throw btf.malformed("entry " + i + " of DATASEC .maps is " + btf.describe(var) + ", not a VAR");
            }
            String name = btf.name(var);
            out.put(btf.secinfoOffset(sec, i), parseOne(btf, name, btf.resolve(btf.type(var)), object));
        }
        return out;
    }

    private static ObjectSpec.MapDef parseOne(BtfData btf, String name, int struct, String object) {
        String what = object + ": map '" + name + "'";
        if (btf.kind(struct) != BtfKind.STRUCT) {
            throw new ErrnoException(Errno.ENOEXEC, what + " is " + btf.describe(struct)
                    + " in BTF, not the struct that __uint/__type members define");
        }
        ObjectSpec.MapDef def = new ObjectSpec.MapDef(name, ObjectSpec.MapKind.BTF);
        boolean keySizeSet = false;
        boolean valueSizeSet = false;
        for (int m = 0; m < btf.vlen(struct); m++) {
            String member = btf.memberName(struct, m);
            int type = btf.memberType(struct, m);
            switch (member) {
                case "type" -> def.type = (int) uintValue(btf, type, what, member);
                case "max_entries" -> def.maxEntries = uintValue(btf, type, what, member);
                case "map_flags" -> def.flags = (int) uintValue(btf, type, what, member);
                case "numa_node" -> def.numaNode = (int) uintValue(btf, type, what, member);
                case "pinning" -> {
                    def.pinning = (int) uintValue(btf, type, what, member);
                    if (def.pinning > 1) {
                        throw new ErrnoException(Errno.EINVAL, what + ": pinning " + def.pinning
                                + " is not supported (0 = none, 1 = LIBBPF_PIN_BY_NAME)");
                    }
                }
                case "map_extra" -> def.mapExtra = uintValue(btf, type, what, member);
                case "key_size" -> {
                    long v = uintValue(btf, type, what, member);
                    if (keySizeSet && v != def.keySize) {
                        throw conflict(what, "key_size", v, def.keySize);
                    }
                    def.keySize = (int) v;
                    keySizeSet = true;
                }
                case "value_size" -> {
                    long v = uintValue(btf, type, what, member);
                    if (valueSizeSet && v != def.valueSize) {
                        throw conflict(what, "value_size", v, def.valueSize);
                    }
                    def.valueSize = (int) v;
                    valueSizeSet = true;
                }
                case "key", "value" -> {
                    int target = pointee(btf, type, what, member);
                    long size = btf.sizeOf(target);
                    if (member.equals("key")) {
                        if (keySizeSet && size != def.keySize) {
                            throw conflict(what, "key type size", size, def.keySize);
                        }
                        def.keySize = (int) size;
                        def.btfKeyType = target;
                        keySizeSet = true;
                    } else {
                        if (valueSizeSet && size != def.valueSize) {
                            throw conflict(what, "value type size", size, def.valueSize);
                        }
                        def.valueSize = (int) size;
                        def.btfValueType = target;
                        valueSizeSet = true;
                    }
                }
                case "values" -> throw new ErrnoException(Errno.EOPNOTSUPP, what + ": initial 'values' (map-in-map "
                        + "or program-array slots) are not supported by this loader yet");
                default -> throw new ErrnoException(Errno.EINVAL, what + ": unknown map definition member '" + member
                        + "' (known: type, max_entries, map_flags, key, value, key_size, value_size, pinning, "
                        + "numa_node, map_extra)");
            }
        }
        return def;
    }

    private static ErrnoException conflict(String what, String field, long a, long b) {
        return new ErrnoException(Errno.EINVAL, what + ": " + field + " " + a + " contradicts " + b);
    }

    private static long uintValue(BtfData btf, int type, String what, String member) {
        int t = btf.resolve(type);
        if (btf.kind(t) == BtfKind.PTR) {
            int array = btf.resolve(btf.type(t));
            if (btf.kind(array) == BtfKind.ARRAY) {
                return btf.arrayLength(array);
            }
        } else if ((btf.kind(t) == BtfKind.ENUM || btf.kind(t) == BtfKind.ENUM64) && btf.vlen(t) > 0) {
            return btf.enumValue(t, 0);
        }
        throw new ErrnoException(Errno.ENOEXEC, what + ": member '" + member + "' is " + btf.describe(t)
                + ", not __uint(" + member + ", N) (a pointer to an array of N)");
    }

    private static int pointee(BtfData btf, int type, String what, String member) {
        int t = btf.resolve(type);
        if (btf.kind(t) != BtfKind.PTR) {
            throw new ErrnoException(Errno.ENOEXEC, what + ": member '" + member + "' is " + btf.describe(t)
                    + ", not __type(" + member + ", T) (a pointer to T)");
        }
        return btf.type(t);
    }

    /** libbpf's adjustment (0 stays 0; else the next page-size multiple that is a power of two). */
    static long roundRing(long size, int page) {
        return io.jringbuf.internal.format.RingLayout.roundUpRingSize(size, page);
    }

    /** @return names of maps, in order, for messages */
    static List<String> names(Iterable<ObjectSpec.MapDef> maps) {
        List<String> out = new ArrayList<>();
        maps.forEach(m -> out.add(m.name));
        return out;
    }
}
