/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.elf;

/**
 * One ELF64 section header.
 *
 * @param index its index in the section table
 * @param name its name from the section-name string table
 * @param type {@code sh_type}
 * @param flags {@code sh_flags}
 * @param addr {@code sh_addr}
 * @param offset {@code sh_offset}: where its bytes start in the file
 * @param size {@code sh_size}
 * @param link {@code sh_link}
 * @param info {@code sh_info}
 * @param entsize {@code sh_entsize}
 */
public record ElfSection(int index, String name, int type, long flags, long addr, long offset, long size,
                         int link, int info, long entsize) {
    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;
    public static final int SHT_DYNSYM = 11;
    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    /** @return true for {@code SHT_NOBITS} (no bytes in the file, zero-filled: {@code .bss}) */
    public boolean nobits() {
        return type == SHT_NOBITS;
    }

    /** @return true for a section of executable code */
    public boolean executable() {
        return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0;
    }
}
