/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.elf;

import io.jringbuf.internal.bin.Bytes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A little-endian ELF64 file: header, section table, symbol tables and {@code SHT_REL} entries.
 * Every offset and index is checked against the file before use; a malformed file is an
 * {@link io.jringbuf.base.ErrnoException} with ENOEXEC naming the file and the culprit.
 */
public final class ElfFile {
    /** {@code EM_BPF}. */
    public static final int EM_BPF = 247;
    /** {@code EM_X86_64}. */
    public static final int EM_X86_64 = 62;
    /** {@code ET_REL}: a relocatable object, what {@code clang -c} writes. */
    public static final int ET_REL = 1;
    /** Largest {@code SHT_NOBITS} section materialised ({@code .bss}); anything larger is refused. */
    public static final long MAX_NOBITS = 64L << 20;

    private final Bytes bytes;
    private final int type;
    private final int machine;
    private final List<ElfSection> sections;

    private ElfFile(Bytes bytes, int type, int machine, List<ElfSection> sections) {
        this.bytes = bytes;
        this.type = type;
        this.machine = machine;
        this.sections = sections;
    }

    /**
     * Parses the header and the section table.
     *
     * @param data the file's bytes (kept, not copied)
     * @param name the file's name, for messages
     * @return the parsed file
     * @throws io.jringbuf.base.ErrnoException ENOEXEC if it is not a well-formed little-endian ELF64 file
     */
    public static ElfFile parse(byte[] data, String name) {
        Bytes b = new Bytes(data, name);
        if (data.length < 64) {
            throw b.malformed("not an ELF file: " + data.length + " bytes is shorter than an ELF64 header");
        }
        if (data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') {
            throw b.malformed("not an ELF file (no \\x7fELF magic)");
        }
        if (data[4] != 2) {
            throw b.malformed("not a 64-bit ELF file (EI_CLASS " + data[4] + "); BPF objects are ELF64");
        }
        if (data[5] == 2) {
            throw b.malformed("is a big-endian object (EI_DATA 2); this loader runs on little-endian x86-64 "
                    + "and loads only little-endian objects (compile with -target bpf or bpfel)");
        }
        if (data[5] != 1) {
            throw b.malformed("unknown byte order (EI_DATA " + data[5] + ")");
        }
        int type = b.u16(16, "e_type");
        int machine = b.u16(18, "e_machine");
        long shoff = b.u64(40, "e_shoff");
        int shentsize = b.u16(58, "e_shentsize");
        int shnum = b.u16(60, "e_shnum");
        int shstrndx = b.u16(62, "e_shstrndx");
        if (shnum == 0) {
            throw b.malformed("has no section table (e_shnum 0)");
        }
        if (shentsize != 64) {
            throw b.malformed("section header size " + shentsize + " is not 64");
        }
        b.check(shoff, (long) shnum * 64, "section table");
        if (shstrndx >= shnum) {
            throw b.malformed("section-name table index " + shstrndx + " is not below the " + shnum + " sections");
        }
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            long h = shoff + 64L * i;
            raw[i] = new long[] {b.u32(h, "sh_name"), b.u32(h + 4, "sh_type"), b.u64(h + 8, "sh_flags"),
                b.u64(h + 16, "sh_addr"), b.u64(h + 24, "sh_offset"), b.u64(h + 32, "sh_size"),
                b.u32(h + 40, "sh_link"), b.u32(h + 44, "sh_info"), b.u64(h + 56, "sh_entsize")};
            if (raw[i][1] != ElfSection.SHT_NOBITS && raw[i][1] != ElfSection.SHT_NULL) {
                b.check(raw[i][4], raw[i][5], "section " + i);
            }
        }
        long[] names = raw[shstrndx];
        if (names[1] != ElfSection.SHT_STRTAB) {
            throw b.malformed("section-name table (section " + shstrndx + ") is not a string table");
        }
        long namesEnd = names[4] + names[5];
        List<ElfSection> sections = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            long[] s = raw[i];
            String sname = i == 0 ? "" : b.cstring(names[4] + s[0], namesEnd, "name of section " + i);
            if (s[0] >= names[5] && i != 0) {
                throw b.malformed("name of section " + i + " starts past the section-name table");
            }
            sections.add(new ElfSection(i, sname, (int) s[1], s[2], s[3], s[4], s[5], (int) s[6], (int) s[7], s[8]));
        }
        return new ElfFile(b, type, machine, Collections.unmodifiableList(sections));
    }

    /** @return the file's name as given to {@link #parse} */
    public String name() {
        return bytes.file();
    }

    /** @return {@code e_type} */
    public int type() {
        return type;
    }

    /** @return {@code e_machine} */
    public int machine() {
        return machine;
    }

    /** @return the bounds-checked reader over the whole file */
    public Bytes bytes() {
        return bytes;
    }

    /** @return every section, index 0 (the null section) included */
    public List<ElfSection> sections() {
        return sections;
    }

    /** @return the section at {@code index} */
    public ElfSection section(int index) {
        if (index < 0 || index >= sections.size()) {
            throw bytes.malformed("section index " + index + " is not below the " + sections.size() + " sections");
        }
        return sections.get(index);
    }

    /** @return the first section with this name, or null */
    public ElfSection section(String name) {
        for (ElfSection s : sections) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /**
     * @return a copy of the section's bytes; zeros for {@code SHT_NOBITS}
     * @throws io.jringbuf.base.ErrnoException ENOEXEC for a {@code SHT_NOBITS} section larger than
     *     {@link #MAX_NOBITS}
     */
    public byte[] contents(ElfSection s) {
        if (s.nobits()) {
            if (s.size() > MAX_NOBITS || s.size() < 0) {
                throw bytes.malformed("section '" + s.name() + "' claims " + s.size() + " bytes of zeros; more than "
                        + MAX_NOBITS + " is refused");
            }
            return new byte[(int) s.size()];
        }
        return bytes.slice(s.offset(), s.size(), "section '" + s.name() + "'");
    }

    /** @return the symbols of the {@code SHT_SYMTAB} section, empty if there is none */
    public List<ElfSymbol> symbols() {
        return symbols(ElfSection.SHT_SYMTAB);
    }

    /** @return the symbols of the {@code SHT_DYNSYM} section, empty if there is none */
    public List<ElfSymbol> dynamicSymbols() {
        return symbols(ElfSection.SHT_DYNSYM);
    }

    private List<ElfSymbol> symbols(int tableType) {
        ElfSection table = null;
        for (ElfSection s : sections) {
            if (s.type() == tableType) {
                table = s;
                break;
            }
        }
        if (table == null) {
            return List.of();
        }
        ElfSection strings = section(table.link());
        if (strings.type() != ElfSection.SHT_STRTAB) {
            throw bytes.malformed("symbol table '" + table.name() + "' links to section " + table.link()
                    + ", which is not a string table");
        }
        if (table.size() % 24 != 0) {
            throw bytes.malformed("symbol table '" + table.name() + "' size " + table.size() + " is not a multiple of 24");
        }
        long strEnd = strings.offset() + strings.size();
        int n = (int) (table.size() / 24);
        List<ElfSymbol> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long at = table.offset() + 24L * i;
            long nameOff = bytes.u32(at, "st_name");
            if (nameOff >= strings.size() && nameOff != 0) {
                throw bytes.malformed("symbol " + i + " name offset " + nameOff + " is past its string table ("
                        + strings.size() + " bytes)");
            }
            String name = strings.size() == 0 ? "" : bytes.cstring(strings.offset() + nameOff, strEnd, "name of symbol " + i);
            out.add(new ElfSymbol(i, name, bytes.u8(at + 4, "st_info"), bytes.u8(at + 5, "st_other"),
                    bytes.u16(at + 6, "st_shndx"), bytes.u64(at + 8, "st_value"), bytes.u64(at + 16, "st_size")));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * @param rel a {@code SHT_REL} section
     * @return its entries
     */
    public List<ElfRelocation> relocations(ElfSection rel) {
        if (rel.type() != ElfSection.SHT_REL) {
            throw bytes.malformed("section '" + rel.name() + "' is not SHT_REL");
        }
        if (rel.size() % 16 != 0) {
            throw bytes.malformed("relocation section '" + rel.name() + "' size " + rel.size() + " is not a multiple of 16");
        }
        int n = (int) (rel.size() / 16);
        List<ElfRelocation> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long at = rel.offset() + 16L * i;
            long info = bytes.u64(at + 8, "r_info");
            long sym = info >>> 32;
            if (sym > Integer.MAX_VALUE) {
                throw bytes.malformed("relocation " + i + " of '" + rel.name() + "' names symbol " + sym);
            }
            out.add(new ElfRelocation(bytes.u64(at, "r_offset"), (int) sym, (int) info));
        }
        return out;
    }

    /**
     * The file offset of a virtual address in a shared object or executable (for uprobes): the
     * address minus its section's address plus the section's file offset.
     *
     * @param vaddr a symbol's {@code st_value}
     * @return the file offset, or -1 if no allocated section holds the address
     */
    public long fileOffset(long vaddr) {
        for (ElfSection s : sections) {
            if ((s.flags() & ElfSection.SHF_ALLOC) != 0 && !s.nobits() && vaddr >= s.addr() && vaddr < s.addr() + s.size()) {
                return vaddr - s.addr() + s.offset();
            }
        }
        return -1;
    }
}
