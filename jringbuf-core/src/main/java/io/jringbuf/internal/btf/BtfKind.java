/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.btf;

/** BTF kind numbers ({@code BTF_KIND_*} in {@code include/uapi/linux/btf.h}) and their names. */
public final class BtfKind {
    private BtfKind() {
    }

    public static final int UNKN = 0;
    public static final int INT = 1;
    public static final int PTR = 2;
    public static final int ARRAY = 3;
    public static final int STRUCT = 4;
    public static final int UNION = 5;
    public static final int ENUM = 6;
    public static final int FWD = 7;
    public static final int TYPEDEF = 8;
    public static final int VOLATILE = 9;
    public static final int CONST = 10;
    public static final int RESTRICT = 11;
    public static final int FUNC = 12;
    public static final int FUNC_PROTO = 13;
    public static final int VAR = 14;
    public static final int DATASEC = 15;
    public static final int FLOAT = 16;
    public static final int DECL_TAG = 17;
    public static final int TYPE_TAG = 18;
    public static final int ENUM64 = 19;

    /** INT encoding bit: signed. */
    public static final int INT_SIGNED = 1;
    /** INT encoding bit: char. */
    public static final int INT_CHAR = 2;
    /** INT encoding bit: bool. */
    public static final int INT_BOOL = 4;

    /** VAR linkage: static. */
    public static final int VAR_STATIC = 0;
    /** VAR linkage: global, allocated in this object. */
    public static final int VAR_GLOBAL_ALLOCATED = 1;
    /** VAR linkage: extern (the loader must provide it; the kernel refuses it). */
    public static final int VAR_GLOBAL_EXTERN = 2;

    private static final String[] NAMES = {"UNKN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD",
        "TYPEDEF", "VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT", "DECL_TAG",
        "TYPE_TAG", "ENUM64"};

    /** @return the kind's name, for example {@code "STRUCT"} */
    public static String name(int kind) {
        return kind >= 0 && kind < NAMES.length ? NAMES[kind] : "kind " + kind;
    }

    /**
     * @return the bytes a type of this kind takes after its 12-byte common header, given its
     *     {@code vlen}; -1 for an unknown kind
     */
    public static int extraBytes(int kind, int vlen) {
        return switch (kind) {
            case INT, VAR, DECL_TAG -> 4;
            case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> 0;
            case ARRAY -> 12;
            case STRUCT, UNION, DATASEC, ENUM64 -> 12 * vlen;
            case ENUM, FUNC_PROTO -> 8 * vlen;
            default -> -1;
        };
    }
}
