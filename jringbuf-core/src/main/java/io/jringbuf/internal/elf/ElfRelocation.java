/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.elf;

/**
 * One {@code Elf64_Rel} entry of a {@code SHT_REL} section (BPF objects carry no addends: clang
 * leaves them in the instruction).
 *
 * @param offset the byte offset in the section the relocations apply to
 * @param symbol the symbol table index
 * @param type the relocation type ({@code R_BPF_64_64} = 1 for {@code ld_imm64},
 *     {@code R_BPF_64_32} = 10 for calls, ...)
 */
public record ElfRelocation(long offset, int symbol, int type) {
    /** {@code R_BPF_64_64}: the 64-bit immediate of an {@code ld_imm64}. */
    public static final int R_BPF_64_64 = 1;
    /** {@code R_BPF_64_32}: the 32-bit immediate of a call. */
    public static final int R_BPF_64_32 = 10;
}
