/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.loader;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.bin.Bytes;
import io.jringbuf.internal.btf.BtfData;
import io.jringbuf.internal.btf.BtfExt;
import io.jringbuf.internal.btf.BtfKind;
import io.jringbuf.internal.elf.ElfFile;
import io.jringbuf.internal.elf.ElfRelocation;
import io.jringbuf.internal.elf.ElfSection;
import io.jringbuf.internal.elf.ElfSymbol;
import io.jringbuf.internal.sys.Sys;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a clang-built BPF object into an {@link ObjectSpec}: classifies the sections, cuts program
 * sections into one function per symbol, reads maps and global data, patches the BTF, and
 * resolves every relocation to what it names (a map, a data offset, a subprogram, a kconfig value).
 */
public final class ObjectParser {
    /** {@code BPF_F_RDONLY_PROG}: programs may not write the map. */
    static final int F_RDONLY_PROG = 1 << 7;
    /** {@code BPF_F_MMAPABLE}. */
    static final int F_MMAPABLE = 1 << 10;
    static final int ARRAY = 2;

    private final ElfFile elf;
    private final String name;
    private final List<ElfSymbol> symbols;

    private ObjectParser(ElfFile elf, String name) {
        this.elf = elf;
        this.name = name;
        this.symbols = elf.symbols();
    }

    /**
     * @param data the object's bytes
     * @param name its name, for messages and map names
     * @return the parsed object
     * @throws ErrnoException ENOEXEC for a file that is not a well-formed BPF object, EOPNOTSUPP for
     *     features this loader does not support, each naming the object and the culprit
     */
    public static ObjectSpec parse(byte[] data, String name) {
        ElfFile elf = ElfFile.parse(data, name);
        if (elf.machine() != ElfFile.EM_BPF && elf.machine() != 0) {
            throw elf.bytes().malformed("is not a BPF object (e_machine " + elf.machine() + ", expected EM_BPF 247)");
        }
        if (elf.type() != ElfFile.ET_REL) {
            throw elf.bytes().malformed("is not a relocatable object (e_type " + elf.type() + "); load the .o that "
                    + "clang -c writes");
        }
        return new ObjectParser(elf, name).parse();
    }

    private ErrnoException error(int errno, String why) {
        return new ErrnoException(errno, name + ": " + why);
    }

    private ObjectSpec parse() {
        String license = "";
        for (ElfSection s : elf.sections()) {
            if (s.name().equals("maps") || s.name().startsWith("maps/")) {
                throw error(Errno.EOPNOTSUPP, "legacy map definitions in section '" + s.name() + "' (struct bpf_map_def) "
                        + "are not supported, as in libbpf 1.0 and later: declare maps in SEC(\".maps\") with "
                        + "__uint/__type (BTF-defined maps)");
            }
            if (s.name().equals("license")) {
                byte[] b = elf.contents(s);
                int n = 0;
                while (n < b.length && b[n] != 0) {
                    n++;
                }
                license = new String(b, 0, n, StandardCharsets.US_ASCII);
            }
        }
        BtfData btf = null;
        BtfExt ext = BtfExt.EMPTY;
        Map<String, ObjectSpec.Variable> kconfig = Map.of();
        ElfSection btfSection = elf.section(".BTF");
        if (btfSection != null) {
            btf = BtfData.parse(elf.contents(btfSection), name + " section .BTF");
            kconfig = BtfFixup.apply(btf, elf, symbols);
            ElfSection extSection = elf.section(".BTF.ext");
            if (extSection != null) {
                ext = BtfExt.parse(elf.contents(extSection), btf, name + " section .BTF.ext");
            }
        }
        ElfSection mapsSection = elf.section(".maps");
        if (btf == null && mapsSection != null && mapsSection.size() > 0) {
            throw error(Errno.ENOEXEC, "section .maps holds BTF-defined maps, but the object has no .BTF section "
                    + "to define them (compile with -g)");
        }
        List<ObjectSpec.MapDef> maps = new ArrayList<>();
        Map<Long, ObjectSpec.MapDef> btfMaps = btf == null ? Map.of() : MapDefs.parse(btf, name);
        for (ObjectSpec.MapDef m : btfMaps.values()) {
            if (m.type == MapDefs.RINGBUF || m.type == MapDefs.USER_RINGBUF) {
                m.maxEntries = MapDefs.roundRing(m.maxEntries, Sys.pageSize());
            }
            maps.add(m);
        }
        Map<String, ObjectSpec.DataSection> data = dataSections(btf);
        data.values().forEach(d -> maps.add(d.map()));
        if (!kconfig.isEmpty()) {
            ObjectSpec.MapDef k = new ObjectSpec.MapDef(".kconfig", ObjectSpec.MapKind.KCONFIG);
            k.type = ARRAY;
            k.keySize = 4;
            k.valueSize = (int) btf.sizeOrType(btf.find(BtfKind.DATASEC, ".kconfig"));
            k.maxEntries = 1;
            k.flags = F_RDONLY_PROG | F_MMAPABLE;
            k.btfValueType = btf.find(BtfKind.DATASEC, ".kconfig");
            maps.add(k);
        }
        Map<Integer, ObjectSpec.Function> text = new TreeMap<>();
        List<ObjectSpec.ProgramSpec> programs = new ArrayList<>();
        ElfSection textSection = elf.section(".text");
        for (ElfSection s : elf.sections()) {
            if (!s.executable() || s.size() == 0) {
                continue;
            }
            List<ObjectSpec.Function> functions = functions(s, btfMaps, data, kconfig, textSection, ext);
            if (s == textSection) {
                functions.forEach(f -> text.put(f.start(), f));
                continue;
            }
            boolean autoload = !s.name().startsWith("?");
            String secName = autoload ? s.name() : s.name().substring(1);
            SectionDefs.Match match = SectionDefs.match(secName);
            for (ObjectSpec.Function f : functions) {
                if (!f.global()) {
                    throw error(Errno.EOPNOTSUPP, "program '" + f.name() + "' in section '" + s.name() + "' is static; "
                            + "entry programs must be global (libbpf refuses them too): drop 'static'");
                }
                programs.add(new ObjectSpec.ProgramSpec(f.name(), secName, match == null ? null : match.def(), f,
                        autoload, match == null ? "" : match.target()));
            }
        }
        return new ObjectSpec(name, license, btf, ext, maps, data, programs, text, kconfig);
    }

    // ---------------------------------------------------------------- global data

    private static boolean isData(ElfSection s) {
        String n = s.name();
        if (s.type() == ElfSection.SHT_PROGBITS) {
            return n.equals(".rodata") || n.startsWith(".rodata.") || n.equals(".data") || n.startsWith(".data.");
        }
        return s.nobits() && (n.equals(".bss") || n.startsWith(".bss."));
    }

    private Map<String, ObjectSpec.DataSection> dataSections(BtfData btf) {
        Map<String, ObjectSpec.DataSection> out = new LinkedHashMap<>();
        for (ElfSection s : elf.sections()) {
            if (!isData(s) || s.size() == 0) {
                continue;
            }
            boolean readOnly = s.name().startsWith(".rodata");
            ObjectSpec.MapDef m = new ObjectSpec.MapDef(s.name(), ObjectSpec.MapKind.DATA);
            m.type = ARRAY;
            m.keySize = 4;
            if (s.size() > Integer.MAX_VALUE) {
                throw error(Errno.ENOEXEC, "section '" + s.name() + "' is larger than 2 GiB");
            }
            m.valueSize = (int) s.size();
            m.maxEntries = 1;
            // Every data section is mmapable (the kernel allows it for any one-entry ARRAY), so that
            // every variable stays readable after load; libbpf maps only sections with a non-static variable.
            m.flags = F_MMAPABLE | (readOnly ? F_RDONLY_PROG : 0);
            Map<String, ObjectSpec.Variable> vars = new LinkedHashMap<>();
            int sec = btf == null ? -1 : btf.find(BtfKind.DATASEC, s.name());
            if (sec > 0) {
                m.btfValueType = sec;
                for (int i = 0; i < btf.vlen(sec); i++) {
                    int var = btf.secinfoType(sec, i);
                    vars.put(btf.name(var), new ObjectSpec.Variable(btf.name(var), s.name(), btf.secinfoOffset(sec, i),
                            btf.secinfoSize(sec, i), btf.type(var)));
                }
            } else {
                for (ElfSymbol sym : symbols) {
                    if (sym.section() == s.index() && sym.type() == ElfSymbol.STT_OBJECT && sym.bind() != ElfSymbol.STB_LOCAL
                            && sym.value() >= 0 && sym.size() >= 0 && sym.size() <= s.size()
                            && sym.value() <= s.size() - sym.size()) {
                        vars.put(sym.name(), new ObjectSpec.Variable(sym.name(), s.name(), sym.value(), sym.size(), 0));
                    }
                }
            }
            out.put(s.name(), new ObjectSpec.DataSection(m, elf.contents(s), readOnly, vars));
        }
        return out;
    }

    // ---------------------------------------------------------------- code

    private ElfSymbol symbol(int index, String where) {
        if (index < 0 || index >= symbols.size()) {
            throw error(Errno.ENOEXEC, where + " names symbol " + index + ", but the symbol table has "
                    + symbols.size());
        }
        return symbols.get(index);
    }

    private List<ObjectSpec.Function> functions(ElfSection s, Map<Long, ObjectSpec.MapDef> btfMaps,
                                                Map<String, ObjectSpec.DataSection> data,
                                                Map<String, ObjectSpec.Variable> kconfig, ElfSection textSection,
                                                BtfExt ext) {
        if (s.size() % 8 != 0) {
            throw error(Errno.ENOEXEC, "section '" + s.name() + "' is " + s.size() + " bytes, not whole instructions");
        }
        byte[] code = elf.contents(s);
        int slots = code.length / 8;
        // Relocations of this section, by instruction index.
        Map<Integer, ElfRelocation> relocs = new HashMap<>();
        for (ElfSection r : elf.sections()) {
            if (r.type() == ElfSection.SHT_RELA && r.info() == s.index()) {
                throw error(Errno.ENOEXEC, "section '" + r.name() + "' has RELA relocations; BPF objects use REL");
            }
            if (r.type() == ElfSection.SHT_REL && r.info() == s.index()) {
                for (ElfRelocation rel : elf.relocations(r)) {
                    if (rel.offset() % 8 != 0 || rel.offset() < 0 || rel.offset() >= code.length) {
                        throw error(Errno.ENOEXEC, "relocation at offset " + rel.offset() + " in '" + r.name()
                                + "' is not at an instruction of '" + s.name() + "'");
                    }
                    relocs.put((int) (rel.offset() / 8), rel);
                }
            }
        }
        ElfSection mapsSection = elf.section(".maps");
        List<ObjectSpec.Function> out = new ArrayList<>();
        for (ElfSymbol sym : symbols) {
            if (sym.section() != s.index() || sym.type() != ElfSymbol.STT_FUNC) {
                continue;
            }
            if (sym.value() % 8 != 0 || sym.size() % 8 != 0 || sym.size() <= 0 || sym.value() < 0
                    || sym.size() > code.length || sym.value() > code.length - sym.size()) {
                throw error(Errno.ENOEXEC, "function '" + sym.name() + "' (offset " + sym.value() + ", " + sym.size()
                        + " bytes) does not lie on instructions of section '" + s.name() + "'");
            }
            int start = (int) (sym.value() / 8);
            int n = (int) (sym.size() / 8);
            byte[] fcode = new byte[n * 8];
            System.arraycopy(code, start * 8, fcode, 0, fcode.length);
            List<ObjectSpec.Reloc> frel = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ElfRelocation rel = relocs.get(start + i);
                ObjectSpec.Reloc r = rel != null
                        ? classify(rel, fcode, i, sym.name(), s, btfMaps, data, kconfig, textSection, mapsSection)
                        : unrelocated(fcode, i, start, s, textSection);
                if (r != null) {
                    frel.add(r);
                }
            }
            long lo = start * 8L;
            long hi = (start + n) * 8L;
            List<BtfExt.FuncInfo> fi = new ArrayList<>();
            for (BtfExt.FuncInfo f : ext.funcInfo().getOrDefault(s.name(), List.of())) {
                if (f.insnOff() >= lo && f.insnOff() < hi) {
                    fi.add(new BtfExt.FuncInfo((f.insnOff() - lo) / 8, f.typeId()));
                }
            }
            List<BtfExt.LineInfo> li = new ArrayList<>();
            for (BtfExt.LineInfo l : ext.lineInfo().getOrDefault(s.name(), List.of())) {
                if (l.insnOff() >= lo && l.insnOff() < hi) {
                    li.add(new BtfExt.LineInfo((l.insnOff() - lo) / 8, l.fileNameOff(), l.lineOff(), l.lineCol()));
                }
            }
            List<BtfExt.CoreRelo> cr = new ArrayList<>();
            for (BtfExt.CoreRelo c : ext.coreRelos().getOrDefault(s.name(), List.of())) {
                if (c.insnOff() >= lo && c.insnOff() < hi) {
                    cr.add(new BtfExt.CoreRelo(c.insnOff() - lo, c.typeId(), c.accessStrOff(), c.kind()));
                }
            }
            out.add(new ObjectSpec.Function(sym.name(), s.name(), start, fcode, sym.bind() != ElfSymbol.STB_LOCAL,
                    List.copyOf(frel), fi, li, cr));
        }
        return out;
    }

    private static boolean isLdImm64(byte[] code, int i) {
        return (code[i * 8] & 0xff) == 0x18;
    }

    private static boolean isPseudoCall(byte[] code, int i) {
        return (code[i * 8] & 0xff) == 0x85 && ((code[i * 8 + 1] >> 4) & 0xf) == 1;
    }

    /** A call or callback address without a relocation: pc-relative within the same section. */
    private ObjectSpec.Reloc unrelocated(byte[] code, int i, int start, ElfSection s, ElfSection text) {
        boolean call = isPseudoCall(code, i);
        boolean funcAddr = isLdImm64(code, i) && ((code[i * 8 + 1] >> 4) & 0xf) == 4;
        if (!call && !funcAddr) {
            return null;
        }
        if (s != text) {
            throw error(Errno.ENOEXEC, "instruction " + (start + i) + " of section '" + s.name() + "' calls a function "
                    + "without a relocation; subprograms must live in .text");
        }
        if (funcAddr && i + 1 >= code.length / 8) {
            throw error(Errno.ENOEXEC, "instruction " + (start + i) + " of section '" + s.name() + "' is an ld_imm64 "
                    + "cut off by the end of its function");
        }
        int target = start + i + Bytes.le32(code, i * 8 + 4) + 1;
        return call ? new ObjectSpec.Reloc.Call(i, target) : new ObjectSpec.Reloc.FuncAddr(i, target);
    }

    private ObjectSpec.Reloc classify(ElfRelocation rel, byte[] code, int i, String function, ElfSection s,
                                      Map<Long, ObjectSpec.MapDef> btfMaps, Map<String, ObjectSpec.DataSection> data,
                                      Map<String, ObjectSpec.Variable> kconfig, ElfSection text, ElfSection maps) {
        String where = "relocation of instruction " + i + " of '" + function + "' (section '" + s.name() + "')";
        ElfSymbol sym = symbol(rel.symbol(), where);
        int imm = Bytes.le32(code, i * 8 + 4);
        if ((code[i * 8] & 0xff) == 0x85) {
            if (!isPseudoCall(code, i)) {
                if (sym.section() == ElfSymbol.SHN_UNDEF) {
                    throw error(Errno.EOPNOTSUPP, where + " calls kernel function '" + sym.name()
                            + "' (a kfunc); kfuncs are not supported by this loader yet");
                }
                throw error(Errno.ENOEXEC, where + " is a call that is not a BPF-to-BPF call");
            }
            if (text == null || sym.section() != text.index()) {
                throw error(Errno.ENOEXEC, where + " calls '" + sym.name() + "', which is not in .text "
                        + "(subprograms must live in .text)");
            }
            if (sym.value() % 8 != 0) {
                throw error(Errno.ENOEXEC, where + ": call target offset " + sym.value() + " is not an instruction");
            }
            return new ObjectSpec.Reloc.Call(i, (int) (sym.value() / 8 + imm + 1));
        }
        if (!isLdImm64(code, i) || i + 1 >= code.length / 8) {
            throw error(Errno.ENOEXEC, where + " is on an instruction (opcode 0x"
                    + Integer.toHexString(code[i * 8] & 0xff) + ") that is neither ld_imm64 nor a call");
        }
        if (sym.section() == ElfSymbol.SHN_UNDEF) {
            if (kconfig.containsKey(sym.name())) {
                return new ObjectSpec.Reloc.Kconfig(i, sym.name());
            }
            throw error(Errno.EOPNOTSUPP, where + " refers to extern '" + sym.name() + "'; this loader provides only "
                    + "the __kconfig variables " + KconfigValues.SUPPORTED);
        }
        if (text != null && sym.section() == text.index()
                && (sym.type() == ElfSymbol.STT_FUNC || (sym.type() == ElfSymbol.STT_SECTION))) {
            if (sym.value() % 8 != 0 || imm % 8 != 0) {
                throw error(Errno.ENOEXEC, where + ": function address is not at an instruction");
            }
            return new ObjectSpec.Reloc.FuncAddr(i, (int) (sym.value() / 8 + imm / 8));
        }
        if (maps != null && sym.section() == maps.index()) {
            ObjectSpec.MapDef m = btfMaps.get(sym.value());
            if (m == null) {
                throw error(Errno.ENOEXEC, where + " refers to offset " + sym.value() + " of .maps, where no map is defined");
            }
            if (sym.bind() == ElfSymbol.STB_LOCAL && sym.type() != ElfSymbol.STT_SECTION) {
                throw error(Errno.EOPNOTSUPP, "map '" + m.name + "' is static; BTF-defined maps must be global "
                        + "(drop 'static')");
            }
            return new ObjectSpec.Reloc.MapFd(i, m.name);
        }
        if (sym.section() > 0 && sym.section() < elf.sections().size()) {
            ElfSection target = elf.section(sym.section());
            if (data.containsKey(target.name())) {
                return new ObjectSpec.Reloc.MapValue(i, target.name(),
                        sym.type() == ElfSymbol.STT_SECTION ? 0 : sym.value());
            }
            throw error(Errno.ENOEXEC, where + " refers to '" + sym.name() + "' in section '" + target.name()
                    + "', which is neither a map, global data nor code");
        }
        throw error(Errno.ENOEXEC, where + " refers to symbol '" + sym.name() + "' in section index " + sym.section());
    }
}
