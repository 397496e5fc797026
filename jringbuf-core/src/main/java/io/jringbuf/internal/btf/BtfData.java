/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.btf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.bin.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Raw BPF Type Format data, decoded in place: the header (its {@code hdr_len} honoured, so that
 * headers longer than 24 bytes work), an offset index of the types, and accessors by type id.
 * Type 0 is {@code void}. Every type id and string offset is checked before use; malformed data
 * is an ENOEXEC {@link ErrnoException} naming the BTF's owner and the type.
 *
 * <p>The object loader patches its own copy in place ({@link #setSize}, {@link #setSecinfo},
 * {@link #setVarLinkage}); the header and the layout never change, so the bytes stay a valid
 * blob for {@code BPF_BTF_LOAD}.
 */
public final class BtfData {
    /** Longest typedef/const/volatile/array chain followed before giving up (cycles in bad data). */
    private static final int MAX_CHAIN = 64;

    private final Bytes b;
    private final byte[] data;
    private final int typeStart;
    private final int typeEnd;
    private final int strStart;
    private final int strLen;
    private final int[] offsets; // offsets[id] = where type id starts; offsets[0] unused

    private BtfData(Bytes b, int typeStart, int typeEnd, int strStart, int strLen, int[] offsets) {
        this.b = b;
        this.data = b.array();
        this.typeStart = typeStart;
        this.typeEnd = typeEnd;
        this.strStart = strStart;
        this.strLen = strLen;
        this.offsets = offsets;
    }

    /**
     * Parses a blob.
     *
     * @param blob the BTF bytes (kept: patches write into it)
     * @param owner what the BTF belongs to, for messages (for example {@code "x.bpf.o section .BTF"})
     * @return the decoded data
     * @throws ErrnoException ENOEXEC for malformed data
     */
    public static BtfData parse(byte[] blob, String owner) {
        Bytes b = new Bytes(blob, owner);
        if (blob.length < 24) {
            throw b.malformed("BTF is " + blob.length + " bytes, shorter than its 24-byte header");
        }
        int magic = b.u16(0, "BTF magic");
        if (magic == 0x9feb) {
            throw b.malformed("BTF is big-endian; only little-endian BTF is supported");
        }
        if (magic != 0xeb9f) {
            throw b.malformed("no BTF magic 0xeb9f (found 0x" + Integer.toHexString(magic) + ")");
        }
        if (b.u8(2, "BTF version") != 1) {
            throw b.malformed("BTF version " + b.u8(2, "BTF version") + " is not 1");
        }
        long hdrLen = b.u32(4, "BTF hdr_len");
        if (hdrLen < 24 || hdrLen > blob.length) {
            throw b.malformed("BTF hdr_len " + hdrLen + " is outside 24.." + blob.length);
        }
        long typeOff = hdrLen + b.u32(8, "BTF type_off");
        long typeLen = b.u32(12, "BTF type_len");
        long strOff = hdrLen + b.u32(16, "BTF str_off");
        long strLen = b.u32(20, "BTF str_len");
        b.check(typeOff, typeLen, "BTF type section");
        b.check(strOff, strLen, "BTF string section");
        if (typeLen % 4 != 0) {
            throw b.malformed("BTF type section length " + typeLen + " is not a multiple of 4");
        }
        if (strLen == 0 || blob[(int) strOff] != 0) {
            throw b.malformed("BTF string section does not start with the empty string");
        }
        int[] offsets = new int[Math.max(16, (int) (typeLen / 12) + 2)];
        int count = 1;
        long at = typeOff;
        long end = typeOff + typeLen;
        while (at < end) {
            if (at + 12 > end) {
                throw b.malformed("BTF type " + count + " at offset " + at + " is cut off by the end of the type section");
            }
            int info = b.s32(at + 4, "BTF type info");
            int kind = (info >>> 24) & 0x1f;
            int vlen = info & 0xffff;
            int extra = BtfKind.extraBytes(kind, vlen);
            if (extra < 0 || kind == BtfKind.UNKN) {
                throw b.malformed("BTF type " + count + " has unknown kind " + kind);
            }
            if (at + 12 + extra > end) {
                throw b.malformed("BTF type " + count + " (" + BtfKind.name(kind) + ", vlen " + vlen
                        + ") runs past the end of the type section");
            }
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, count * 2);
            }
            offsets[count++] = (int) at;
            at += 12 + extra;
        }
        return new BtfData(b, (int) typeOff, (int) end, (int) strOff, (int) strLen, Arrays.copyOf(offsets, count));
    }

    /** @return the blob (with any patches), not a copy */
    public byte[] bytes() {
        return data;
    }

    /** @return who owns this BTF, for messages */
    public String owner() {
        return b.file();
    }

    /** @return the number of type ids, void included (valid ids are 0 to count - 1) */
    public int count() {
        return offsets.length;
    }

    /** @return an ENOEXEC exception about this BTF */
    public ErrnoException malformed(String why) {
        return b.malformed(why);
    }

    private int off(int id) {
        if (id <= 0 || id >= offsets.length) {
            throw b.malformed("BTF type id " + id + " does not exist (" + (offsets.length - 1) + " types)");
        }
        return offsets[id];
    }

    private int word(int id, int index) {
        int at = off(id) + 4 * index;
        if (at + 4 > typeEnd) {
            throw b.malformed("BTF type " + id + " is read past the end of the type section");
        }
        return Bytes.le32(data, at);
    }

    /** @return the kind of type {@code id}; {@link BtfKind#UNKN} for void (id 0) */
    public int kind(int id) {
        return id == 0 ? BtfKind.UNKN : (word(id, 1) >>> 24) & 0x1f;
    }

    /** @return the {@code vlen} (members, parameters, enumerators, variables; linkage for FUNC) */
    public int vlen(int id) {
        return id == 0 ? 0 : word(id, 1) & 0xffff;
    }

    /** @return the {@code kind_flag} bit */
    public boolean kflag(int id) {
        return id != 0 && word(id, 1) < 0;
    }

    /** @return the third header word: the size of sized kinds, the referenced type id of others */
    public int sizeOrType(int id) {
        return word(id, 2);
    }

    /** @return the referenced type id of PTR, TYPEDEF, CONST, ..., FUNC, VAR, DECL_TAG, TYPE_TAG */
    public int type(int id) {
        return checkedRef(word(id, 2), id);
    }

    private int checkedRef(int ref, int from) {
        if (ref < 0 || ref >= offsets.length) {
            throw b.malformed("BTF type " + from + " refers to type id " + Integer.toUnsignedString(ref)
                    + ", which does not exist (" + (offsets.length - 1) + " types)");
        }
        return ref;
    }

    /** @return the type's name, empty for anonymous types and void */
    public String name(int id) {
        return id == 0 ? "" : string(word(id, 0));
    }

    /** @return the string at {@code offset} in the string section */
    public String string(int offset) {
        if (offset < 0 || offset >= strLen) {
            throw b.malformed("BTF string offset " + Integer.toUnsignedString(offset) + " is past the string section ("
                    + strLen + " bytes)");
        }
        return b.cstring(strStart + (long) offset, (long) strStart + strLen, "BTF string");
    }

    /** @return whether the type's name equals {@code name} (no string made) */
    public boolean nameIs(int id, byte[] name) {
        int offset = word(id, 0);
        if (offset < 0 || offset + name.length >= strLen) {
            return false;
        }
        int at = strStart + offset;
        for (int i = 0; i < name.length; i++) {
            if (data[at + i] != name[i]) {
                return false;
            }
        }
        return data[at + name.length] == 0;
    }

    // ---------------------------------------------------------------- kind-specific data

    /** @return the INT encoding bits ({@link BtfKind#INT_SIGNED} ...) */
    public int intEncoding(int id) {
        return (word(id, 3) >>> 24) & 0xf;
    }

    /** @return the INT's bit offset */
    public int intOffset(int id) {
        return (word(id, 3) >>> 16) & 0xff;
    }

    /** @return the INT's number of bits */
    public int intBits(int id) {
        return word(id, 3) & 0xff;
    }

    /** @return the ARRAY's element type */
    public int arrayElement(int id) {
        return checkedRef(word(id, 3), id);
    }

    /** @return the ARRAY's index type */
    public int arrayIndex(int id) {
        return checkedRef(word(id, 4), id);
    }

    /** @return the ARRAY's number of elements (unsigned) */
    public long arrayLength(int id) {
        return Integer.toUnsignedLong(word(id, 5));
    }

    private int vlenEntry(int id, int i, int stride) {
        if (i < 0 || i >= vlen(id)) {
            throw new IndexOutOfBoundsException("entry " + i + " of BTF type " + id);
        }
        return off(id) + 12 + stride * i;
    }

    /** @return the name of STRUCT/UNION member {@code i} */
    public String memberName(int id, int i) {
        return string(Bytes.le32(data, vlenEntry(id, i, 12)));
    }

    /** @return the type of STRUCT/UNION member {@code i} */
    public int memberType(int id, int i) {
        return checkedRef(Bytes.le32(data, vlenEntry(id, i, 12) + 4), id);
    }

    /** @return the bit offset of STRUCT/UNION member {@code i} */
    public long memberBitOffset(int id, int i) {
        int raw = Bytes.le32(data, vlenEntry(id, i, 12) + 8);
        return kflag(id) ? raw & 0xffffff : Integer.toUnsignedLong(raw);
    }

    /** @return the bitfield size of member {@code i}, 0 if it is not a bitfield */
    public int memberBitfieldSize(int id, int i) {
        int raw = Bytes.le32(data, vlenEntry(id, i, 12) + 8);
        return kflag(id) ? raw >>> 24 : 0;
    }

    /** @return the name of ENUM/ENUM64 enumerator {@code i} */
    public String enumName(int id, int i) {
        int stride = kind(id) == BtfKind.ENUM64 ? 12 : 8;
        return string(Bytes.le32(data, vlenEntry(id, i, stride)));
    }

    /** @return the value of enumerator {@code i}, sign-extended if the enum is signed */
    public long enumValue(int id, int i) {
        if (kind(id) == BtfKind.ENUM64) {
            int at = vlenEntry(id, i, 12);
            return Integer.toUnsignedLong(Bytes.le32(data, at + 4)) | (long) Bytes.le32(data, at + 8) << 32;
        }
        int v = Bytes.le32(data, vlenEntry(id, i, 8) + 4);
        return kflag(id) ? v : Integer.toUnsignedLong(v);
    }

    /** @return the name of FUNC_PROTO parameter {@code i} */
    public String paramName(int id, int i) {
        return string(Bytes.le32(data, vlenEntry(id, i, 8)));
    }

    /** @return the type of FUNC_PROTO parameter {@code i} */
    public int paramType(int id, int i) {
        return checkedRef(Bytes.le32(data, vlenEntry(id, i, 8) + 4), id);
    }

    /** @return the VAR's linkage ({@link BtfKind#VAR_STATIC} ...) */
    public int varLinkage(int id) {
        return word(id, 3);
    }

    /** @return the DECL_TAG's component index (-1 for the type itself) */
    public int declTagComponent(int id) {
        return word(id, 3);
    }

    /** @return the variable type of DATASEC entry {@code i} */
    public int secinfoType(int id, int i) {
        return checkedRef(Bytes.le32(data, vlenEntry(id, i, 12)), id);
    }

    /** @return the offset of DATASEC entry {@code i} */
    public long secinfoOffset(int id, int i) {
        return Integer.toUnsignedLong(Bytes.le32(data, vlenEntry(id, i, 12) + 4));
    }

    /** @return the size of DATASEC entry {@code i} */
    public long secinfoSize(int id, int i) {
        return Integer.toUnsignedLong(Bytes.le32(data, vlenEntry(id, i, 12) + 8));
    }

    // ---------------------------------------------------------------- patches (own copy only)

    /** Sets the size word of a sized type (DATASEC sizes). */
    public void setSize(int id, int size) {
        Bytes.putLe32(data, off(id) + 8, size);
    }

    /** Sets a VAR's linkage. */
    public void setVarLinkage(int id, int linkage) {
        Bytes.putLe32(data, off(id) + 12, linkage);
    }

    /** Rewrites DATASEC entry {@code i}. */
    public void setSecinfo(int id, int i, int type, int offset, int size) {
        int at = vlenEntry(id, i, 12);
        Bytes.putLe32(data, at, type);
        Bytes.putLe32(data, at + 4, offset);
        Bytes.putLe32(data, at + 8, size);
    }

    // ---------------------------------------------------------------- resolution

    /**
     * Skips TYPEDEF, CONST, VOLATILE, RESTRICT and TYPE_TAG.
     *
     * @return the first type id that is none of them (0 for void)
     */
    public int resolve(int id) {
        for (int depth = 0; depth < MAX_CHAIN; depth++) {
            switch (kind(id)) {
                case BtfKind.TYPEDEF, BtfKind.CONST, BtfKind.VOLATILE, BtfKind.RESTRICT, BtfKind.TYPE_TAG -> id = type(id);
                default -> {
                    return id;
                }
            }
        }
        throw b.malformed("BTF type chain from id " + id + " is longer than " + MAX_CHAIN + " (a cycle?)");
    }

    /**
     * The size in bytes of a value of this type, as C's {@code sizeof}.
     *
     * @throws ErrnoException EINVAL for types without a size (void, FUNC, FUNC_PROTO, FWD), ENOEXEC
     *     for cycles and overflow
     */
    public long sizeOf(int id) {
        long multiplier = 1;
        int start = id;
        for (int depth = 0; depth < MAX_CHAIN; depth++) {
            switch (kind(id)) {
                case BtfKind.INT, BtfKind.ENUM, BtfKind.ENUM64, BtfKind.STRUCT, BtfKind.UNION, BtfKind.DATASEC,
                     BtfKind.FLOAT -> {
                    long size = Integer.toUnsignedLong(sizeOrType(id));
                    if (size != 0 && multiplier > (1L << 40) / size) {
                        throw b.malformed("BTF type " + start + " is larger than 2^40 bytes");
                    }
                    return multiplier * size;
                }
                case BtfKind.PTR -> {
                    if (multiplier > (1L << 40) / 8) {
                        throw b.malformed("BTF type " + start + " is larger than 2^40 bytes");
                    }
                    return multiplier * 8;
                }
                case BtfKind.TYPEDEF, BtfKind.CONST, BtfKind.VOLATILE, BtfKind.RESTRICT, BtfKind.TYPE_TAG, BtfKind.VAR,
                     BtfKind.DECL_TAG -> id = type(id);
                case BtfKind.ARRAY -> {
                    long n = arrayLength(id);
                    if (n != 0 && multiplier > (1L << 40) / n) {
                        throw b.malformed("BTF array type " + id + " is larger than 2^40 bytes");
                    }
                    multiplier *= n;
                    id = arrayElement(id);
                }
                default -> throw new ErrnoException(Errno.EINVAL, b.file() + ": BTF type " + start + " ("
                        + describe(start) + ") has no size");
            }
        }
        throw b.malformed("BTF type chain from id " + start + " is longer than " + MAX_CHAIN + " (a cycle?)");
    }

    /** The alignment of a type, as the C compiler lays it out (for the {@code .kconfig} layout). */
    public int alignOf(int id) {
        return alignOf(id, 0);
    }

    private int alignOf(int id, int depth) {
        if (depth > MAX_CHAIN) {
            throw b.malformed("BTF type " + id + " nests deeper than " + MAX_CHAIN + " (a cycle?)");
        }
        int r = resolve(id);
        return switch (kind(r)) {
            case BtfKind.INT, BtfKind.ENUM, BtfKind.ENUM64, BtfKind.FLOAT -> (int) Math.max(1, Math.min(8, sizeOf(r)));
            case BtfKind.PTR -> 8;
            case BtfKind.ARRAY -> alignOf(arrayElement(r), depth + 1);
            case BtfKind.STRUCT, BtfKind.UNION -> {
                int align = 1;
                for (int i = 0; i < vlen(r) && align < 8; i++) {
                    align = Math.max(align, alignOf(memberType(r, i), depth + 1));
                }
                yield align;
            }
            default -> 1;
        };
    }

    /**
     * Finds the first type of a kind with a name.
     *
     * @return its id, or -1
     */
    public int find(int kind, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int id = 1; id < offsets.length; id++) {
            if (((Bytes.le32(data, offsets[id] + 4) >>> 24) & 0x1f) == kind && nameIs(id, n)) {
                return id;
            }
        }
        return -1;
    }

    /** @return a short description, for example {@code "STRUCT 'event'"} or {@code "PTR"} */
    public String describe(int id) {
        if (id == 0) {
            return "void";
        }
        String name = name(id);
        return BtfKind.name(kind(id)) + (name.isEmpty() ? "" : " '" + name + "'");
    }
}
