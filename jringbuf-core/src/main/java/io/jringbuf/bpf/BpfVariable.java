/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.btf.BtfData;
import io.jringbuf.internal.btf.BtfKind;
import io.jringbuf.internal.loader.ObjectSpec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A global variable of a {@link BpfObject}: a {@code const volatile} knob in {@code .rodata}, or a
 * variable in {@code .data}, {@code .bss} or a custom {@code .data.*} section. Values are checked
 * against the variable's BTF type: integers of every size, {@code bool}, enums (by value or
 * enumerator name), {@code char} arrays from a {@link String}, arrays of integers.
 *
 * <p>Before {@link BpfObject#load()} every variable can be set; the values become the section's
 * initial contents, and {@code .rodata} is then frozen so that the verifier folds the knobs. After
 * the load, {@code .data}/{@code .bss} variables stay readable and writable through the map's
 * memory mapping (a program sees a write at its next run; no ordering beyond that is promised),
 * and {@code .rodata} ones stay readable.
 */
public final class BpfVariable {
    private final BpfObject object;
    private final ObjectSpec.Variable var;
    private final ObjectSpec.DataSection section;

    BpfVariable(BpfObject object, ObjectSpec.Variable var, ObjectSpec.DataSection section) {
        this.object = object;
        this.var = var;
        this.section = section;
    }

    /** {@return the variable's name} */
    public String name() {
        return var.name();
    }

    /** {@return the section it lives in, for example {@code ".rodata"}} */
    public String section() {
        return var.section();
    }

    /** {@return its offset in the section} */
    public long offset() {
        return var.offset();
    }

    /** {@return its size in bytes} */
    public long size() {
        return var.size();
    }

    /** {@return its type id in the object's BTF ({@link BpfObject#btf()}), 0 if it has none} */
    public int typeId() {
        return var.btfType();
    }

    /**
     * {@return its type from the object's BTF ({@link BtfType.Void} if it has none), for example to
     * build a memory layout of a struct variable}
     */
    public BtfType type() {
        return var.btfType() == 0 || object.spec().btf() == null ? new BtfType.Void() : object.btf().type(var.btfType());
    }

    /** {@return whether it is in a read-only section ({@code .rodata*}), writable only before load} */
    public boolean readOnly() {
        return section.readOnly();
    }

    // ---------------------------------------------------------------- storage

    private MemorySegment storage(boolean write) {
        MemorySegment s = object.variableStorage(section, write, this);
        return s.asSlice(var.offset(), var.size());
    }

    private String what() {
        return object.name() + ": variable '" + var.name() + "' (" + describe() + ", " + var.size() + " bytes in "
                + var.section() + ")";
    }

    private String describe() {
        BtfData btf = object.spec().btf();
        return var.btfType() == 0 || btf == null ? "no BTF type" : btf.describe(btf.resolve(var.btfType()));
    }

    private int resolved() {
        BtfData btf = object.spec().btf();
        return var.btfType() == 0 || btf == null ? 0 : btf.resolve(var.btfType());
    }

    private ErrnoException wrongType(String wanted) {
        return new ErrnoException(Errno.EINVAL, what() + " cannot be used as " + wanted);
    }

    /** The kind and size of an integer-like variable (INT or ENUM), else -1. */
    private int scalarKind() {
        int t = resolved();
        BtfData btf = object.spec().btf();
        if (t == 0 || btf == null) {
            return -1;
        }
        int kind = btf.kind(t);
        long size = var.size();
        if ((kind == BtfKind.INT || kind == BtfKind.ENUM || kind == BtfKind.ENUM64)
                && (size == 1 || size == 2 || size == 4 || size == 8)) {
            return kind;
        }
        return -1;
    }

    private boolean signed() {
        BtfData btf = object.spec().btf();
        int t = resolved();
        return btf.kind(t) == BtfKind.INT ? (btf.intEncoding(t) & BtfKind.INT_SIGNED) != 0 : btf.kflag(t);
    }

    /** Runs a memory access; a mapping closed by a concurrent {@link BpfObject#close()} is EBADF. */
    private <T> T access(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (IllegalStateException e) {
            throw new ErrnoException(Errno.EBADF, what() + ": the object was closed", e);
        }
    }

    private void accessVoid(Runnable body) {
        access(() -> {
            body.run();
            return null;
        });
    }

    private static long read(MemorySegment s, long at, long size, boolean signed) {
        return switch ((int) size) {
            case 1 -> signed ? s.get(ValueLayout.JAVA_BYTE, at) : Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, at));
            case 2 -> signed ? s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at)
                    : Short.toUnsignedLong(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at));
            case 4 -> signed ? s.get(ValueLayout.JAVA_INT_UNALIGNED, at)
                    : Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, at));
            default -> s.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
        };
    }

    private static void write(MemorySegment s, long at, long size, long v) {
        switch ((int) size) {
            case 1 -> s.set(ValueLayout.JAVA_BYTE, at, (byte) v);
            case 2 -> s.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) v);
            case 4 -> s.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) v);
            default -> s.set(ValueLayout.JAVA_LONG_UNALIGNED, at, v);
        }
    }

    private static void checkRange(long v, long size, boolean signed, String what) {
        if (size == 8) {
            return; // every long is a 64-bit pattern
        }
        long bits = size * 8;
        boolean ok = signed ? v >= -(1L << (bits - 1)) && v < (1L << (bits - 1)) : v >= 0 && v < (1L << bits);
        if (!ok) {
            throw new ErrnoException(Errno.ERANGE, what + ": value " + v + " does not fit " + (signed ? "a signed " : "an unsigned ")
                    + bits + "-bit integer");
        }
    }

    // ---------------------------------------------------------------- integers, bool, enums

    /**
     * {@return the value of an integer, bool or enum variable (sign-extended if signed)}
     *
     * @throws ErrnoException EINVAL if the variable is not an integer, bool or enum
     */
    public long getLong() {
        if (scalarKind() < 0) {
            throw wrongType("an integer");
        }
        boolean signed = signed();
        return access(() -> read(storage(false), 0, var.size(), signed));
    }

    /**
     * Sets an integer, bool (0 or 1) or enum variable.
     *
     * @param value the value; it must fit the variable's size and signedness (64-bit variables take
     *     any bit pattern)
     * @throws ErrnoException EINVAL if the variable is not an integer, bool or enum; ERANGE if the
     *     value does not fit; EPERM for a {@code .rodata} variable after load
     */
    public void set(long value) {
        int kind = scalarKind();
        if (kind < 0) {
            throw wrongType("an integer");
        }
        BtfData btf = object.spec().btf();
        if (kind == BtfKind.INT && (btf.intEncoding(resolved()) & BtfKind.INT_BOOL) != 0 && value != 0 && value != 1) {
            throw new ErrnoException(Errno.ERANGE, what() + ": a bool takes 0 or 1, not " + value);
        }
        checkRange(value, var.size(), signed(), what());
        accessVoid(() -> write(storage(true), 0, var.size(), value));
    }

    /**
     * {@return the value of a {@code bool} variable}
     *
     * @throws ErrnoException EINVAL if the variable is not a bool
     */
    public boolean getBoolean() {
        requireBool();
        return access(() -> read(storage(false), 0, var.size(), false) != 0);
    }

    /**
     * Sets a {@code bool} variable.
     *
     * @param value the value
     * @throws ErrnoException EINVAL if the variable is not a bool
     */
    public void set(boolean value) {
        requireBool();
        accessVoid(() -> write(storage(true), 0, var.size(), value ? 1 : 0));
    }

    private void requireBool() {
        BtfData btf = object.spec().btf();
        int t = resolved();
        if (scalarKind() != BtfKind.INT || (btf.intEncoding(t) & BtfKind.INT_BOOL) == 0) {
            throw wrongType("a bool");
        }
    }

    /**
     * Sets an enum variable by enumerator name.
     *
     * @param enumerator for example {@code "MODE_SUM"}
     * @throws ErrnoException EINVAL if the variable is not an enum or has no such enumerator
     */
    public void setEnum(String enumerator) {
        int t = resolved();
        BtfData btf = object.spec().btf();
        int kind = scalarKind();
        if (kind != BtfKind.ENUM && kind != BtfKind.ENUM64) {
            throw wrongType("an enum");
        }
        StringBuilder known = new StringBuilder();
        for (int i = 0; i < btf.vlen(t); i++) {
            if (btf.enumName(t, i).equals(enumerator)) {
                set(btf.enumValue(t, i));
                return;
            }
            known.append(i == 0 ? "" : ", ").append(btf.enumName(t, i));
        }
        throw new ErrnoException(Errno.EINVAL, what() + " has no enumerator '" + enumerator + "' (it has " + known + ")");
    }

    /**
     * {@return the enumerator name of an enum variable's value, or its number if none matches}
     *
     * @throws ErrnoException EINVAL if the variable is not an enum
     */
    public String getEnum() {
        int kind = scalarKind();
        if (kind != BtfKind.ENUM && kind != BtfKind.ENUM64) {
            throw wrongType("an enum");
        }
        long v = getLong();
        int t = resolved();
        BtfData btf = object.spec().btf();
        for (int i = 0; i < btf.vlen(t); i++) {
            if (btf.enumValue(t, i) == v) {
                return btf.enumName(t, i);
            }
        }
        return Long.toString(v);
    }

    // ---------------------------------------------------------------- arrays

    /** The element type and length of an array variable; -1 length if not an array. */
    private long[] array() {
        BtfData btf = object.spec().btf();
        int t = resolved();
        if (t == 0 || btf.kind(t) != BtfKind.ARRAY) {
            return null;
        }
        int elem = btf.resolve(btf.arrayElement(t));
        return new long[] {elem, btf.arrayLength(t), btf.sizeOf(elem)};
    }

    /**
     * {@return a {@code char} array variable's text up to its first NUL (UTF-8)}
     *
     * @throws ErrnoException EINVAL if the variable is not an array of 1-byte integers
     */
    public String getString() {
        long[] a = array();
        if (a == null || a[2] != 1 || object.spec().btf().kind((int) a[0]) != BtfKind.INT) {
            throw wrongType("a string (char array)");
        }
        byte[] b = access(() -> storage(false).toArray(ValueLayout.JAVA_BYTE));
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Sets a {@code char} array variable: the string's UTF-8 bytes, then zeros to the end.
     *
     * @param value the text; its bytes must be shorter than the array (room for the NUL)
     * @throws ErrnoException EINVAL if the variable is not a char array; E2BIG if the text is too long
     */
    public void set(String value) {
        long[] a = array();
        if (a == null || a[2] != 1 || object.spec().btf().kind((int) a[0]) != BtfKind.INT) {
            throw wrongType("a string (char array)");
        }
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        if (b.length >= a[1]) {
            throw new ErrnoException(Errno.E2BIG, what() + ": \"" + value + "\" is " + b.length
                    + " bytes; the array holds " + (a[1] - 1) + " and the terminating NUL");
        }
        byte[] full = new byte[(int) var.size()];
        System.arraycopy(b, 0, full, 0, b.length);
        accessVoid(() -> MemorySegment.copy(full, 0, storage(true), ValueLayout.JAVA_BYTE, 0, full.length));
    }

    /**
     * {@return the elements of an array-of-integers variable (sign-extended if signed)}
     *
     * @throws ErrnoException EINVAL if the variable is not an array of integers or enums
     */
    public long[] getLongs() {
        long[] a = integerArray();
        boolean signed = elementSigned((int) a[0]);
        return access(() -> {
            MemorySegment s = storage(false);
            long[] out = new long[(int) a[1]];
            for (int i = 0; i < out.length; i++) {
                out[i] = read(s, i * a[2], a[2], signed);
            }
            return out;
        });
    }

    /**
     * Sets every element of an array-of-integers variable.
     *
     * @param values exactly as many values as the array has elements
     * @throws ErrnoException EINVAL if the variable is not an array of integers or the count
     *     differs; ERANGE if a value does not fit the element type
     */
    public void set(long[] values) {
        long[] a = integerArray();
        if (values.length != a[1]) {
            throw new ErrnoException(Errno.EINVAL, what() + " has " + a[1] + " elements, not " + values.length);
        }
        boolean signed = elementSigned((int) a[0]);
        for (long v : values) {
            checkRange(v, a[2], signed, what());
        }
        accessVoid(() -> {
            MemorySegment s = storage(true);
            for (int i = 0; i < values.length; i++) {
                write(s, i * a[2], a[2], values[i]);
            }
        });
    }

    private long[] integerArray() {
        long[] a = array();
        BtfData btf = object.spec().btf();
        if (a == null) {
            throw wrongType("an array of integers");
        }
        int k = btf.kind((int) a[0]);
        if ((k != BtfKind.INT && k != BtfKind.ENUM && k != BtfKind.ENUM64)
                || (a[2] != 1 && a[2] != 2 && a[2] != 4 && a[2] != 8)) {
            throw wrongType("an array of integers");
        }
        return a;
    }

    private boolean elementSigned(int elem) {
        BtfData btf = object.spec().btf();
        return btf.kind(elem) == BtfKind.INT ? (btf.intEncoding(elem) & BtfKind.INT_SIGNED) != 0 : btf.kflag(elem);
    }

    // ---------------------------------------------------------------- text

    /**
     * Sets the variable from text, parsed by its BTF type (for command lines such as
     * {@code --set NAME=VALUE}): a bool from {@code true}/{@code false}/{@code 1}/{@code 0}; an enum
     * from an enumerator name or a number; an integer from decimal or {@code 0x} hex, negative
     * allowed where signed; a char array from the text itself; an integer array from
     * comma-separated values.
     *
     * @param text the value
     * @throws ErrnoException EINVAL if the text does not parse as the variable's type or the type
     *     takes no text (structs, pointers); ERANGE or E2BIG as the typed setters
     */
    public void setFromText(String text) {
        int kind = scalarKind();
        BtfData btf = object.spec().btf();
        if (kind == BtfKind.INT && (btf.intEncoding(resolved()) & BtfKind.INT_BOOL) != 0) {
            switch (text.strip()) {
                case "true", "1" -> set(true);
                case "false", "0" -> set(false);
                default -> throw new ErrnoException(Errno.EINVAL, what() + ": '" + text + "' is not true, false, 1 or 0");
            }
        } else if (kind == BtfKind.ENUM || kind == BtfKind.ENUM64) {
            String t = text.strip();
            if (t.matches("-?(0x[0-9a-fA-F]+|\\d+)")) {
                set(parseInteger(t));
            } else {
                setEnum(t);
            }
        } else if (kind == BtfKind.INT) {
            set(parseInteger(text.strip()));
        } else {
            long[] a = array();
            if (a != null && a[2] == 1 && btf.kind((int) a[0]) == BtfKind.INT) {
                set(text);
            } else if (a != null) {
                String[] parts = text.split(",");
                long[] values = new long[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    values[i] = parseInteger(parts[i].strip());
                }
                set(values);
            } else {
                throw wrongType("text");
            }
        }
    }

    private long parseInteger(String t) {
        try {
            boolean negative = t.startsWith("-");
            String digits = negative ? t.substring(1) : t;
            long v = digits.startsWith("0x") || digits.startsWith("0X") ? Long.parseUnsignedLong(digits.substring(2), 16)
                    : Long.parseUnsignedLong(digits);
            if (negative && v < 0 && v != Long.MIN_VALUE) {
                throw new NumberFormatException("below the smallest long");
            }
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            throw new ErrnoException(Errno.EINVAL, what() + ": '" + t + "' is not an integer", e);
        }
    }

    // ---------------------------------------------------------------- bytes

    /** {@return a copy of the variable's bytes} */
    public byte[] getBytes() {
        return access(() -> storage(false).toArray(ValueLayout.JAVA_BYTE));
    }

    /**
     * Sets the variable's bytes, whatever its type.
     *
     * @param value exactly {@link #size()} bytes
     * @throws ErrnoException EINVAL if the length differs
     */
    public void set(byte[] value) {
        if (value.length != var.size()) {
            throw new ErrnoException(Errno.EINVAL, what() + " takes " + var.size() + " bytes, not " + value.length);
        }
        accessVoid(() -> MemorySegment.copy(value, 0, storage(true), ValueLayout.JAVA_BYTE, 0, value.length));
    }

    @Override
    public String toString() {
        return "BpfVariable[" + var.name() + " " + describe() + " in " + var.section() + "+" + var.offset() + "]";
    }
}
