/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.elf;

/**
 * One ELF64 symbol.
 *
 * @param index its index in the symbol table
 * @param name its name (empty for section symbols)
 * @param info {@code st_info}: binding in the high nibble, type in the low
 * @param other {@code st_other}: visibility in the low two bits
 * @param section {@code st_shndx}
 * @param value {@code st_value}: an offset in its section for relocatable objects, an address in
 *     shared objects and executables
 * @param size {@code st_size}
 */
public record ElfSymbol(int index, String name, int info, int other, int section, long value, long size) {
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;
    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int SHN_UNDEF = 0;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int STV_HIDDEN = 2;

    /** @return the binding ({@link #STB_LOCAL}, ...) */
    public int bind() {
        return info >>> 4;
    }

    /** @return the type ({@link #STT_FUNC}, ...) */
    public int type() {
        return info & 0xf;
    }
}
