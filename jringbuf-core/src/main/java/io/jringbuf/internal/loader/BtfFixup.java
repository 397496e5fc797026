/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.loader;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.btf.BtfData;
import io.jringbuf.internal.btf.BtfKind;
import io.jringbuf.internal.elf.ElfFile;
import io.jringbuf.internal.elf.ElfSection;
import io.jringbuf.internal.elf.ElfSymbol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BTF patches every kernel needs, made in place on the object's copy as libbpf makes them:
 * clang leaves DATASEC sizes and variable offsets at 0 ("too early" when it emits BTF), so they
 * come from the ELF section sizes and symbol values, entries sorted by offset; {@code extern
 * __kconfig} variables get a layout in the virtual {@code .kconfig} section and global linkage,
 * because the kernel refuses extern linkage.
 */
final class BtfFixup {
    private BtfFixup() {
    }

    /**
     * @return the {@code .kconfig} variables with their offsets (empty if there are none)
     * @throws ErrnoException ENOEXEC for a variable without its ELF symbol, EOPNOTSUPP for
     *     externs this loader cannot provide
     */
    static Map<String, ObjectSpec.Variable> apply(BtfData btf, ElfFile elf, List<ElfSymbol> symbols) {
        Map<String, ObjectSpec.Variable> kconfig = new LinkedHashMap<>();
        for (int id = 1; id < btf.count(); id++) {
            if (btf.kind(id) != BtfKind.DATASEC) {
                continue;
            }
            String name = btf.name(id);
            if (name.equals(".kconfig")) {
                layoutKconfig(btf, id, elf.name(), kconfig);
            } else if (name.equals(".ksyms")) {
                throw new ErrnoException(Errno.EOPNOTSUPP, elf.name() + ": extern __ksym variables and kfuncs "
                        + "(DATASEC .ksyms) are not supported by this loader yet");
            } else {
                ElfSection section = elf.section(name);
                if (section != null) {
                    fillDatasec(btf, id, section, symbols, elf.name());
                }
            }
        }
        return kconfig;
    }

    private static void fillDatasec(BtfData btf, int id, ElfSection section, List<ElfSymbol> symbols, String object) {
        if (section.size() > Integer.MAX_VALUE) {
            throw btf.malformed("section '" + section.name() + "' is larger than 2 GiB");
        }
        btf.setSize(id, (int) section.size());
        int n = btf.vlen(id);
        List<long[]> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int var = btf.secinfoType(id, i);
            if (btf.kind(var) != BtfKind.VAR) {
                throw btf.malformed("entry " + i + " of DATASEC " + section.name() + " is " + btf.describe(var) + ", not a VAR");
            }
            String vname = btf.name(var);
            ElfSymbol sym = null;
            for (ElfSymbol s : symbols) {
                if (s.section() == section.index() && s.name().equals(vname)
                        && (s.type() == ElfSymbol.STT_OBJECT || s.type() == ElfSymbol.STT_NOTYPE)) {
                    sym = s;
                    break;
                }
            }
            if (sym == null) {
                throw new ErrnoException(Errno.ENOEXEC, object + ": BTF variable '" + vname + "' of section '"
                        + section.name() + "' has no ELF symbol");
            }
            long size = btf.sizeOf(var);
            if (sym.value() < 0 || size > section.size() || sym.value() > section.size() - size) {
                throw new ErrnoException(Errno.ENOEXEC, object + ": variable '" + vname + "' at offset " + sym.value()
                        + " (" + size + " bytes) lies outside section '" + section.name() + "' (" + section.size() + " bytes)");
            }
            entries.add(new long[] {var, sym.value(), size});
        }
        entries.sort(Comparator.comparingLong(e -> e[1]));
        for (int i = 0; i < n; i++) {
            long[] e = entries.get(i);
            btf.setSecinfo(id, i, (int) e[0], (int) e[1], (int) e[2]);
        }
    }

    private static void layoutKconfig(BtfData btf, int id, String object, Map<String, ObjectSpec.Variable> out) {
        long offset = 0;
        for (int i = 0; i < btf.vlen(id); i++) {
            int var = btf.secinfoType(id, i);
            if (btf.kind(var) != BtfKind.VAR) {
                throw btf.malformed("entry " + i + " of DATASEC .kconfig is " + btf.describe(var) + ", not a VAR");
            }
            String name = btf.name(var);
            if (!KconfigValues.supported(name)) {
                throw new ErrnoException(Errno.EOPNOTSUPP, object + ": extern __kconfig variable '" + name
                        + "' is not supported: this loader provides " + KconfigValues.SUPPORTED);
            }
            long size = btf.sizeOf(var);
            int align = btf.alignOf(btf.type(var));
            offset = (offset + align - 1) / align * align;
            btf.setVarLinkage(var, BtfKind.VAR_GLOBAL_ALLOCATED);
            btf.setSecinfo(id, i, var, (int) offset, (int) size);
            out.put(name, new ObjectSpec.Variable(name, ".kconfig", offset, size, btf.type(var)));
            offset += size;
        }
        btf.setSize(id, (int) Math.max(offset, 1));
    }
}
