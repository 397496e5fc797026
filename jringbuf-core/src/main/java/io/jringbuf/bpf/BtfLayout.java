/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.btf.BtfData;
import io.jringbuf.internal.btf.BtfKind;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A struct of a {@link Btf} (an object's, {@link Btf#vmlinux()}'s) as Java sees it: a
 * {@link StructLayout} with the members' names, padding, nested structs, unions and arrays, so
 * that a ring handler reads {@code pid} through a {@link VarHandle} instead of a hand-counted
 * offset; accessors for bitfields, which a layout cannot describe; and a JSON decoder for whole
 * records.
 *
 * <pre>{@code
 * BtfLayout event = BtfLayout.of(obj.btf(), "event");
 * VarHandle pid = event.varHandle("pid");                  // keep it in a static final field
 * RecordHandler h = (buffer, offset, length) -> {
 *     int p = (int) pid.get(buffer, offset);
 *     return RecordHandler.CONTINUE;
 * };
 * }</pre>
 *
 * <p>The layout follows C: values have their natural alignment (so a record's segment offset must
 * be aligned as the C struct is, which ring records are: 8 bytes), except inside packed structs,
 * where members that C placed off their alignment get alignment 1. Integers become
 * {@code JAVA_BYTE/SHORT/INT/LONG}, {@code bool} {@code JAVA_BOOLEAN}, enums the integer of their
 * size, pointers {@code JAVA_LONG} (kernel addresses, not dereferenceable here), {@code float}
 * and {@code double} themselves, other sizes byte sequences. A run of bitfields becomes a padding
 * layout covering their bytes, named after them ({@code "a,b,c"}); read them with
 * {@link #bitfield(String)}. Anonymous struct and union members stay unnamed groups; paths find
 * their members as C does.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BtfLayout {
    /** Deepest nesting followed (malformed BTF can make cycles). */
    private static final int MAX_DEPTH = 64;

    private final String owner;
    private final String name;
    private final int typeId;
    private final BtfData data;
    private final StructLayout layout;
    private final BtfJson.Node json;

    private BtfLayout(BtfData data, int typeId, StructLayout layout, BtfJson.Node json) {
        this.data = data;
        this.owner = data.owner();
        this.typeId = typeId;
        this.name = data.name(typeId);
        this.layout = layout;
        this.json = json;
    }

    /**
     * The layout of a struct by name (a {@code typedef} of a struct is followed).
     *
     * @param btf the types
     * @param struct the struct's tag, for example {@code "event"}
     * @return its layout
     * @throws ErrnoException ENOENT naming the struct (and, for small BTF, the structs there are);
     *     EINVAL if a member has a type without a layout (a function, a forward declaration);
     *     ENOEXEC for malformed BTF
     */
    public static BtfLayout of(Btf btf, String struct) {
        Objects.requireNonNull(struct, "struct");
        BtfData d = btf.data();
        int id = btf.find(BtfType.Struct.class, struct);
        if (id < 0) {
            int t = btf.find(BtfType.Typedef.class, struct);
            if (t >= 0 && d.kind(d.resolve(t)) == BtfKind.STRUCT) {
                id = d.resolve(t);
            }
        }
        if (id < 0) {
            throw new ErrnoException(Errno.ENOENT, d.owner() + " has no struct '" + struct + "'" + structsThere(d));
        }
        return of(btf, id);
    }

    /**
     * The structs to suggest: all named ones if there are few, else those a global variable holds
     * or points to (an object's record types, which CO-RE's kernel types would otherwise bury).
     */
    private static String structsThere(BtfData d) {
        List<String> all = new ArrayList<>();
        List<String> ofVariables = new ArrayList<>();
        for (int id = 1; id < d.count(); id++) {
            int kind = d.kind(id);
            if (kind == BtfKind.STRUCT && !d.name(id).isEmpty() && all.size() <= 20) {
                all.add(d.name(id));
            } else if (kind == BtfKind.VAR) {
                int t = d.resolve(d.type(id));
                if (d.kind(t) == BtfKind.PTR) {
                    t = d.resolve(d.type(t));
                }
                if (d.kind(t) == BtfKind.STRUCT && !d.name(t).isEmpty() && !ofVariables.contains(d.name(t))) {
                    ofVariables.add(d.name(t));
                }
            }
        }
        if (all.isEmpty()) {
            return " (it has no named structs)";
        }
        if (all.size() <= 20) {
            return " (it has " + all + ")";
        }
        return ofVariables.isEmpty() ? "" : " (its global variables hold or point to " + ofVariables + ")";
    }

    /**
     * The layout of a struct by type id.
     *
     * @param btf the types
     * @param typeId a STRUCT's id, or a typedef/const/volatile of one
     * @return its layout
     * @throws ErrnoException EINVAL if the type is not a struct or a member has no layout; ENOEXEC
     *     for malformed BTF
     */
    public static BtfLayout of(Btf btf, int typeId) {
        BtfData d = btf.data();
        int r = d.resolve(typeId);
        if (d.kind(r) != BtfKind.STRUCT) {
            throw new ErrnoException(Errno.EINVAL, d.owner() + ": BTF type " + typeId + " (" + d.describe(r)
                    + ") is not a struct");
        }
        Builder b = new Builder(d);
        String what = "struct '" + d.name(r) + "'";
        StructLayout layout = (StructLayout) b.layout(r, false, 0, what).withName(d.name(r));
        BtfJson.Node json = b.json(r, 0, what);
        return new BtfLayout(d, r, layout, json);
    }

    /**
     * The struct's tag.
     *
     * @return the tag, empty for an anonymous struct
     */
    public String name() {
        return name;
    }

    /**
     * The struct's type id.
     *
     * @return its id in its {@link Btf}
     */
    public int typeId() {
        return typeId;
    }

    /**
     * The struct's size.
     *
     * @return {@code sizeof} the struct, in bytes
     */
    public long size() {
        return layout.byteSize();
    }

    /**
     * The struct's memory layout.
     *
     * @return the layout, named after the struct
     */
    public StructLayout layout() {
        return layout;
    }

    /**
     * The byte offset of a member.
     *
     * @param path a member name, or a path such as {@code "key.saddr"} or {@code "args[2]"}
     * @return its offset from the start of the struct
     * @throws ErrnoException ENOENT naming the path and the struct; EINVAL for a bitfield (see
     *     {@link #bitfield(String)})
     */
    public long offsetOf(String path) {
        return layout.byteOffset(elements(path, new MemoryLayout[1]));
    }

    /**
     * The size in bytes of a member (a whole struct, array or value), for example to use it as a
     * key: {@code offsetOf(path)} up to {@code offsetOf(path) + sizeOf(path)}.
     *
     * @param path a member name, or a path such as {@code "key.saddr"} or {@code "args[2]"}
     * @return its size
     * @throws ErrnoException ENOENT naming the path and the struct; EINVAL for a bitfield
     */
    public long sizeOf(String path) {
        MemoryLayout[] selected = new MemoryLayout[1];
        elements(path, selected);
        return selected[0].byteSize();
    }

    /**
     * A {@link VarHandle} reading and writing a member: coordinates {@code (MemorySegment, long
     * offset)}, where the offset is that of the struct (a ring record's offset). Keep it in a
     * static final field where speed matters.
     *
     * @param path a member name, or a path such as {@code "key.saddr"} or {@code "args[2]"}
     * @return the handle
     * @throws ErrnoException ENOENT for an unknown member; EINVAL for a member that is not a value
     *     (a struct, an array without an index, a bitfield)
     */
    public VarHandle varHandle(String path) {
        MemoryLayout[] selected = new MemoryLayout[1];
        MemoryLayout.PathElement[] elements = elements(path, selected);
        MemoryLayout target = selected[0];
        if (!(target instanceof ValueLayout)) {
            throw new ErrnoException(Errno.EINVAL, owner + ": member '" + path + "' of struct '" + name + "' is "
                    + (target instanceof SequenceLayout ? "an array (index it: '" + path + "[0]')" : "a "
                    + (target instanceof StructLayout ? "struct" : "union")) + ", not a value");
        }
        return layout.varHandle(elements);
    }

    /** The path elements of a dotted, indexed member path; {@code selected[0]} is set to the member's layout. */
    private MemoryLayout.PathElement[] elements(String path, MemoryLayout[] selected) {
        Objects.requireNonNull(path, "path");
        List<MemoryLayout.PathElement> out = new ArrayList<>();
        MemoryLayout at = layout;
        for (String part : path.split("\\.", -1)) {
            String member = part;
            List<Long> indexes = new ArrayList<>();
            int bracket = part.indexOf('[');
            if (bracket >= 0) {
                member = part.substring(0, bracket);
                String rest = part.substring(bracket);
                while (!rest.isEmpty()) {
                    int close = rest.indexOf(']');
                    if (!rest.startsWith("[") || close < 0) {
                        throw unknown(path, "'" + part + "' is not name[index]");
                    }
                    try {
                        indexes.add(Long.parseLong(rest.substring(1, close)));
                    } catch (NumberFormatException e) {
                        throw unknown(path, "'" + rest.substring(1, close) + "' is not an index");
                    }
                    rest = rest.substring(close + 1);
                }
            }
            MemoryLayout found = at instanceof GroupLayout group ? find(group, member, out) : null;
            if (found == null) {
                if (at instanceof GroupLayout g && isBitfield(g, member)) {
                    throw new ErrnoException(Errno.EINVAL, owner + ": member '" + path + "' of struct '" + name
                            + "' is a bitfield, which a memory layout cannot address; use bitfield(\"" + path + "\")");
                }
                throw unknown(path, at instanceof GroupLayout ? "no member '" + member + "'" : "'"
                        + out.size() + "' is not a struct");
            }
            at = found;
            for (long index : indexes) {
                if (!(at instanceof SequenceLayout seq) || index < 0 || index >= seq.elementCount()) {
                    throw unknown(path, "index " + index + " is outside the array");
                }
                out.add(MemoryLayout.PathElement.sequenceElement(index));
                at = seq.elementLayout();
            }
        }
        selected[0] = at;
        return out.toArray(MemoryLayout.PathElement[]::new);
    }

    /** Finds a member by name in a group or, as C does, in its anonymous struct and union members. */
    private static MemoryLayout find(GroupLayout group, String member, List<MemoryLayout.PathElement> out) {
        List<MemoryLayout> members = group.memberLayouts();
        for (int i = 0; i < members.size(); i++) {
            MemoryLayout m = members.get(i);
            if (m.name().isPresent() && m.name().get().equals(member) && !(m instanceof java.lang.foreign.PaddingLayout)) {
                out.add(MemoryLayout.PathElement.groupElement(i));
                return m;
            }
        }
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).name().isEmpty() && members.get(i) instanceof GroupLayout anonymous) {
                out.add(MemoryLayout.PathElement.groupElement(i));
                MemoryLayout m = find(anonymous, member, out);
                if (m != null) {
                    return m;
                }
                out.removeLast();
            }
        }
        return null;
    }

    private static boolean isBitfield(GroupLayout group, String member) {
        for (MemoryLayout m : group.memberLayouts()) {
            if (m instanceof java.lang.foreign.PaddingLayout p && p.name().isPresent()
                    && List.of(p.name().get().split(",")).contains(member)) {
                return true;
            }
            if (m.name().isEmpty() && m instanceof GroupLayout g && isBitfield(g, member)) {
                return true;
            }
        }
        return false;
    }

    private ErrnoException unknown(String path, String why) {
        return new ErrnoException(Errno.ENOENT, owner + ": struct '" + name + "' has no member '" + path + "' (" + why
                + ")");
    }

    /**
     * A bitfield member, read from its bytes.
     *
     * @param path a member name or a dotted path such as {@code "hdr.flags"}
     * @return its accessor
     * @throws ErrnoException ENOENT for an unknown member, EINVAL for a member that is not a bitfield
     */
    public Bitfield bitfield(String path) {
        Objects.requireNonNull(path, "path");
        int struct = typeId;
        long bits = 0;
        String[] parts = path.split("\\.", -1);
        for (int p = 0; p < parts.length; p++) {
            long[] found = findMember(struct, parts[p], 0);
            if (found == null) {
                throw unknown(path, "no member '" + parts[p] + "'");
            }
            int member = (int) found[0];
            bits += found[1];
            int width = (int) found[2];
            int type = data.resolve(member);
            if (p < parts.length - 1) {
                if (data.kind(type) != BtfKind.STRUCT && data.kind(type) != BtfKind.UNION) {
                    throw unknown(path, "'" + parts[p] + "' is not a struct");
                }
                struct = type;
                continue;
            }
            if (width == 0) {
                throw new ErrnoException(Errno.EINVAL, owner + ": member '" + path + "' of struct '" + name
                        + "' is not a bitfield; use varHandle(\"" + path + "\")");
            }
            return new Bitfield(path, bits, width, signed(type));
        }
        throw unknown(path, "empty path");
    }

    private boolean signed(int resolved) {
        int k = data.kind(resolved);
        return k == BtfKind.INT ? (data.intEncoding(resolved) & BtfKind.INT_SIGNED) != 0
                : (k == BtfKind.ENUM || k == BtfKind.ENUM64) && data.kflag(resolved);
    }

    /** @return {member type id, bit offset, bitfield width} of a member found as C finds it, or null */
    private long[] findMember(int struct, String member, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        for (int i = 0; i < data.vlen(struct); i++) {
            if (data.memberName(struct, i).equals(member)) {
                int t = data.memberType(struct, i);
                long bitOffset = data.memberBitOffset(struct, i);
                int width = data.memberBitfieldSize(struct, i);
                int r = data.resolve(t);
                if (width == 0 && data.kind(r) == BtfKind.INT && isLegacyBitfield(data, r)) {
                    bitOffset += data.intOffset(r);
                    width = data.intBits(r);
                }
                return new long[] {t, bitOffset, width};
            }
        }
        for (int i = 0; i < data.vlen(struct); i++) {
            int r = data.resolve(data.memberType(struct, i));
            if (data.memberName(struct, i).isEmpty()
                    && (data.kind(r) == BtfKind.STRUCT || data.kind(r) == BtfKind.UNION)) {
                long[] inner = findMember(r, member, depth + 1);
                if (inner != null) {
                    inner[1] += data.memberBitOffset(struct, i);
                    return inner;
                }
            }
        }
        return null;
    }

    static boolean isLegacyBitfield(BtfData d, int intType) {
        return d.intOffset(intType) != 0 || d.intBits(intType) != 8L * Integer.toUnsignedLong(d.sizeOrType(intType));
    }

    /**
     * Appends one record as a JSON object: members by name in declaration order; integers as
     * numbers (unsigned where the type is, 64-bit included), {@code bool} as true/false, enums as
     * their enumerator's name (a number if none matches), {@code char} arrays as strings up to the
     * first NUL (UTF-8, invalid bytes as U+FFFD), other arrays as arrays, nested structs and unions
     * as objects (a union with each member's reading), anonymous struct and union members' members
     * inline, bitfields decoded, pointers as unsigned numbers, floating point as numbers (NaN and
     * infinities as null). Members that do not fit in {@code length} are left out. Allocates
     * nothing per member (the builder grows as it needs).
     *
     * @param record the memory holding the record
     * @param offset the record's offset in it
     * @param length the record's length
     * @param out where to append
     * @return {@code out}
     */
    public StringBuilder appendJson(MemorySegment record, long offset, long length, StringBuilder out) {
        json.write(record, offset, offset + Math.max(0, length), out);
        return out;
    }

    @Override
    public String toString() {
        return "BtfLayout[struct '" + name + "' of " + owner + ": " + layout + "]";
    }

    /**
     * A bitfield: where its bits are and how to read them. Thread-safe.
     *
     * @param path its path from the struct
     * @param bitOffset its first bit from the start of the struct (little-endian bit numbering)
     * @param bits its width
     * @param signed whether it is sign-extended
     */
    public record Bitfield(String path, long bitOffset, int bits, boolean signed) {
        /**
         * Reads the bitfield of the struct at {@code offset}.
         *
         * @param segment the memory
         * @param offset the struct's offset
         * @return the value, sign-extended if signed
         */
        public long get(MemorySegment segment, long offset) {
            return BtfJson.readBits(segment, offset, bitOffset, bits, signed);
        }
    }

    // ---------------------------------------------------------------- building

    /** Walks the BTF once per type, building layouts and JSON nodes (cached by type id). */
    private static final class Builder {
        private final BtfData d;
        private final Map<Long, MemoryLayout> layouts = new HashMap<>();
        private final Map<Integer, BtfJson.Node> nodes = new HashMap<>();

        Builder(BtfData d) {
            this.d = d;
        }

        private ErrnoException noLayout(String what, int type) {
            return new ErrnoException(Errno.EINVAL, d.owner() + ": " + what + " has type " + d.describe(type)
                    + ", which has no memory layout");
        }

        MemoryLayout layout(int id, boolean packed, int depth, String what) {
            if (depth > MAX_DEPTH) {
                throw d.malformed(what + " nests deeper than " + MAX_DEPTH + " (a cycle?)");
            }
            int r = d.resolve(id);
            long key = (long) r << 1 | (packed ? 1 : 0);
            MemoryLayout cached = layouts.get(key);
            if (cached != null) {
                return cached;
            }
            MemoryLayout l = switch (d.kind(r)) {
                case BtfKind.INT -> {
                    boolean bool = (d.intEncoding(r) & BtfKind.INT_BOOL) != 0 && d.sizeOrType(r) == 1;
                    yield bool ? ValueLayout.JAVA_BOOLEAN : integer(d.sizeOrType(r));
                }
                case BtfKind.ENUM, BtfKind.ENUM64 -> integer(d.sizeOrType(r));
                case BtfKind.PTR -> ValueLayout.JAVA_LONG;
                case BtfKind.FLOAT -> switch (d.sizeOrType(r)) {
                    case 4 -> ValueLayout.JAVA_FLOAT;
                    case 8 -> ValueLayout.JAVA_DOUBLE;
                    default -> bytes(d.sizeOrType(r));
                };
                case BtfKind.ARRAY -> {
                    MemoryLayout element = layout(d.arrayElement(r), packed, depth + 1, what);
                    try {
                        yield MemoryLayout.sequenceLayout(d.arrayLength(r), element);
                    } catch (IllegalArgumentException | ArithmeticException e) {
                        if (packed) {
                            throw d.malformed(what + ": array type " + r + " has no layout: " + e.getMessage());
                        }
                        // An element whose size is not a multiple of its alignment (a packed struct).
                        yield MemoryLayout.sequenceLayout(d.arrayLength(r), layout(d.arrayElement(r), true, depth + 1,
                                what));
                    }
                }
                case BtfKind.STRUCT, BtfKind.UNION -> group(r, packed, depth, what);
                default -> throw noLayout(what, r);
            };
            if (packed && l instanceof ValueLayout v) {
                l = v.withByteAlignment(1);
            }
            if (l.byteSize() != d.sizeOf(r)) {
                throw d.malformed(what + ": type " + d.describe(r) + " is " + d.sizeOf(r) + " bytes but its members "
                        + "make " + l.byteSize());
            }
            layouts.put(key, l);
            return l;
        }

        private static MemoryLayout integer(int size) {
            return switch (size) {
                case 1 -> ValueLayout.JAVA_BYTE;
                case 2 -> ValueLayout.JAVA_SHORT;
                case 4 -> ValueLayout.JAVA_INT;
                case 8 -> ValueLayout.JAVA_LONG;
                default -> bytes(size);
            };
        }

        private static MemoryLayout bytes(int size) {
            return MemoryLayout.sequenceLayout(Integer.toUnsignedLong(size), ValueLayout.JAVA_BYTE);
        }

        private MemoryLayout group(int r, boolean packed, int depth, String what) {
            boolean union = d.kind(r) == BtfKind.UNION;
            long size = Integer.toUnsignedLong(d.sizeOrType(r));
            List<MemoryLayout> parts = new ArrayList<>();
            long cursor = 0;
            long bitsStart = -1;
            long bitsEnd = 0;
            StringBuilder bitNames = new StringBuilder();
            for (int i = 0; i < d.vlen(r); i++) {
                String member = d.memberName(r, i);
                String where = what + " member " + (member.isEmpty() ? "#" + i : "'" + member + "'");
                int type = d.memberType(r, i);
                int mr = d.resolve(type);
                long bitOffset = d.memberBitOffset(r, i);
                int width = d.memberBitfieldSize(r, i);
                if (width == 0 && d.kind(mr) == BtfKind.INT && isLegacyBitfield(d, mr)) {
                    bitOffset += d.intOffset(mr);
                    width = d.intBits(mr);
                }
                if (width != 0 || bitOffset % 8 != 0) {
                    if (width == 0) {
                        throw d.malformed(where + " starts at bit " + bitOffset + ", inside a byte, but is not a bitfield");
                    }
                    long first = bitOffset / 8;
                    long end = (bitOffset + width + 7) / 8;
                    if (end > size) {
                        throw d.malformed(where + " ends past the " + size + "-byte " + d.describe(r));
                    }
                    if (union) {
                        if (end > 0) {
                            parts.add(member.isEmpty() ? MemoryLayout.paddingLayout(end)
                                    : MemoryLayout.paddingLayout(end).withName(member));
                        }
                        continue;
                    }
                    if (bitsStart < 0) {
                        bitsStart = Math.max(first, cursor);
                        bitsEnd = bitsStart;
                        bitNames.setLength(0);
                    }
                    bitsEnd = Math.max(bitsEnd, end);
                    if (!member.isEmpty()) {
                        bitNames.append(bitNames.isEmpty() ? "" : ",").append(member);
                    }
                    continue;
                }
                if (bitsStart >= 0) {
                    cursor = flushBits(parts, cursor, bitsStart, bitsEnd, bitNames);
                    bitsStart = -1;
                }
                long offset = bitOffset / 8;
                MemoryLayout child = layout(type, packed, depth + 1, where);
                if (offset % child.byteAlignment() != 0) {
                    child = layout(type, true, depth + 1, where); // C placed it off its alignment: packed
                }
                if (!member.isEmpty()) {
                    child = child.withName(member);
                }
                if (offset + child.byteSize() > size) {
                    throw d.malformed(where + " ends past the " + size + "-byte " + d.describe(r));
                }
                if (union) {
                    if (offset != 0) {
                        throw d.malformed(where + " of a union is at byte " + offset + ", not 0");
                    }
                    parts.add(child);
                    continue;
                }
                if (offset < cursor) {
                    throw d.malformed(where + " at byte " + offset + " overlaps the member before it (ending at " + cursor
                            + ")");
                }
                if (offset > cursor) {
                    parts.add(MemoryLayout.paddingLayout(offset - cursor));
                }
                parts.add(child);
                cursor = offset + child.byteSize();
            }
            if (union) {
                if (size > 0) {
                    parts.add(MemoryLayout.paddingLayout(size)); // the union's size, whatever its members'
                }
                try {
                    return MemoryLayout.unionLayout(parts.toArray(MemoryLayout[]::new));
                } catch (IllegalArgumentException e) {
                    throw d.malformed(what + ": " + d.describe(r) + " has no layout: " + e.getMessage());
                }
            }
            if (bitsStart >= 0) {
                cursor = flushBits(parts, cursor, bitsStart, bitsEnd, bitNames);
            }
            if (cursor < size) {
                parts.add(MemoryLayout.paddingLayout(size - cursor));
            }
            try {
                return MemoryLayout.structLayout(parts.toArray(MemoryLayout[]::new));
            } catch (IllegalArgumentException e) {
                throw d.malformed(what + ": " + d.describe(r) + " has no layout: " + e.getMessage());
            }
        }

        private static long flushBits(List<MemoryLayout> parts, long cursor, long start, long end, StringBuilder names) {
            if (start > cursor) {
                parts.add(MemoryLayout.paddingLayout(start - cursor));
            }
            if (end > start) {
                MemoryLayout bits = MemoryLayout.paddingLayout(end - start);
                parts.add(names.isEmpty() ? bits : bits.withName(names.toString()));
            }
            return Math.max(end, cursor);
        }

        // ------------------------------------------------------------ JSON

        BtfJson.Node json(int id, int depth, String what) {
            if (depth > MAX_DEPTH) {
                throw d.malformed(what + " nests deeper than " + MAX_DEPTH + " (a cycle?)");
            }
            int r = d.resolve(id);
            BtfJson.Node cached = nodes.get(r);
            if (cached != null) {
                return cached;
            }
            BtfJson.Node n = switch (d.kind(r)) {
                case BtfKind.INT -> {
                    int enc = d.intEncoding(r);
                    int size = d.sizeOrType(r);
                    if ((enc & BtfKind.INT_BOOL) != 0) {
                        yield new BtfJson.Bool(size);
                    }
                    yield size == 1 || size == 2 || size == 4 || size == 8
                            ? new BtfJson.Int(size, (enc & BtfKind.INT_SIGNED) != 0) : new BtfJson.Hex(size);
                }
                case BtfKind.ENUM, BtfKind.ENUM64 -> {
                    int size = d.sizeOrType(r);
                    if (size != 1 && size != 2 && size != 4 && size != 8) {
                        yield new BtfJson.Hex(size);
                    }
                    long[] values = new long[d.vlen(r)];
                    String[] names = new String[values.length];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = d.enumValue(r, i);
                        names[i] = BtfJson.quoted(d.enumName(r, i));
                    }
                    yield new BtfJson.Enum(size, d.kflag(r), values, names);
                }
                case BtfKind.PTR -> new BtfJson.Int(8, false);
                case BtfKind.FLOAT -> d.sizeOrType(r) == 4 || d.sizeOrType(r) == 8
                        ? new BtfJson.FloatingPoint(d.sizeOrType(r)) : new BtfJson.Hex(d.sizeOrType(r));
                case BtfKind.ARRAY -> {
                    int element = d.resolve(d.arrayElement(r));
                    if (d.kind(element) == BtfKind.INT && d.sizeOrType(element) == 1 && isChar(element)) {
                        yield new BtfJson.Chars(d.arrayLength(r));
                    }
                    yield new BtfJson.Array(json(element, depth + 1, what), d.arrayLength(r), d.sizeOf(element));
                }
                case BtfKind.STRUCT, BtfKind.UNION -> {
                    List<String> keys = new ArrayList<>();
                    List<BtfJson.Node> values = new ArrayList<>();
                    List<long[]> places = new ArrayList<>();
                    members(r, 0, depth, what, keys, values, places);
                    long[] offsets = new long[keys.size()];
                    long[] ends = new long[keys.size()];
                    for (int i = 0; i < offsets.length; i++) {
                        offsets[i] = places.get(i)[0];
                        ends[i] = places.get(i)[1];
                    }
                    yield new BtfJson.Object(keys.toArray(String[]::new), values.toArray(BtfJson.Node[]::new), offsets, ends);
                }
                default -> throw noLayout(what, r);
            };
            nodes.put(r, n);
            return n;
        }

        private boolean isChar(int intType) {
            return (d.intEncoding(intType) & BtfKind.INT_CHAR) != 0 || d.name(intType).equals("char");
        }

        /** Collects a group's members (anonymous members' members inline) with their byte places. */
        private void members(int r, long baseBits, int depth, String what, List<String> keys, List<BtfJson.Node> values,
                             List<long[]> places) {
            if (depth > MAX_DEPTH) {
                throw d.malformed(what + " nests deeper than " + MAX_DEPTH + " (a cycle?)");
            }
            for (int i = 0; i < d.vlen(r); i++) {
                String member = d.memberName(r, i);
                int type = d.memberType(r, i);
                int mr = d.resolve(type);
                long bitOffset = baseBits + d.memberBitOffset(r, i);
                int width = d.memberBitfieldSize(r, i);
                if (width == 0 && d.kind(mr) == BtfKind.INT && isLegacyBitfield(d, mr)) {
                    bitOffset += d.intOffset(mr);
                    width = d.intBits(mr);
                }
                if (member.isEmpty() && width == 0 && (d.kind(mr) == BtfKind.STRUCT || d.kind(mr) == BtfKind.UNION)) {
                    members(mr, bitOffset, depth + 1, what, keys, values, places);
                    continue;
                }
                if (member.isEmpty()) {
                    continue; // unnamed bitfield: padding in C
                }
                String where = what + " member '" + member + "'";
                if (width != 0) {
                    boolean signed = d.kind(mr) == BtfKind.INT ? (d.intEncoding(mr) & BtfKind.INT_SIGNED) != 0
                            : (d.kind(mr) == BtfKind.ENUM || d.kind(mr) == BtfKind.ENUM64) && d.kflag(mr);
                    BtfJson.Node shown = d.kind(mr) == BtfKind.ENUM || d.kind(mr) == BtfKind.ENUM64
                            || (d.kind(mr) == BtfKind.INT && (d.intEncoding(mr) & BtfKind.INT_BOOL) != 0)
                            ? json(mr, depth + 1, where) : null;
                    keys.add(BtfJson.quoted(member) + ":");
                    values.add(new BtfJson.Bits(bitOffset % 8, width, signed, shown));
                    places.add(new long[] {bitOffset / 8, (bitOffset + width + 7) / 8});
                    continue;
                }
                if (bitOffset % 8 != 0) {
                    throw d.malformed(where + " starts at bit " + bitOffset + ", inside a byte, but is not a bitfield");
                }
                keys.add(BtfJson.quoted(member) + ":");
                values.add(json(type, depth + 1, where));
                places.add(new long[] {bitOffset / 8, bitOffset / 8 + d.sizeOf(type)});
            }
        }
    }
}
