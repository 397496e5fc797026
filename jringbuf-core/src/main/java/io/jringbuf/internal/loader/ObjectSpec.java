/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.loader;

import io.jringbuf.internal.btf.BtfData;
import io.jringbuf.internal.btf.BtfExt;

import java.util.List;
import java.util.Map;

/**
 * A parsed BPF object, before anything is in the kernel: its maps (BTF {@code .maps}, global data
 * sections, {@code .kconfig}), its programs, the {@code .text} subprograms they call, and the
 * object's BTF with DATASEC sizes, variable offsets and {@code extern __kconfig} linkage already
 * patched as libbpf does. Map sizes, variables, autoload and attach targets may still be edited.
 *
 * @param name the object's name (file name without {@code .o}/{@code .bpf.o})
 * @param license the {@code license} section's string ("" if absent)
 * @param btf the object's BTF (patched), or null if the object has none
 * @param ext the {@code .BTF.ext} records
 * @param maps every map in creation order
 * @param data the global data sections by section name (their maps are in {@code maps} too)
 * @param programs the entry programs in section order
 * @param text the {@code .text} subprograms by first instruction index
 * @param kconfig the {@code extern __kconfig} variables by name, with their offsets
 */
public record ObjectSpec(String name, String license, BtfData btf, BtfExt ext, List<MapDef> maps,
                         Map<String, DataSection> data, List<ProgramSpec> programs, Map<Integer, Function> text,
                         Map<String, Variable> kconfig) {

    /** @return the map named {@code name}, or null */
    public MapDef map(String name) {
        for (MapDef m : maps) {
            if (m.name.equals(name)) {
                return m;
            }
        }
        return null;
    }

    /**
     * One function's code, cut from its section at its symbol.
     *
     * @param name the symbol's name
     * @param section the section's name
     * @param start its first instruction's index in the section
     * @param code its instructions (8 bytes each; copy before patching)
     * @param global whether the symbol is global
     * @param relocs the relocations inside it, by instruction index relative to its start
     * @param funcInfo its func_info records, offsets relative to its start (instructions)
     * @param lineInfo its line_info records, offsets relative to its start (instructions)
     * @param coreRelos its CO-RE records, offsets relative to its start (bytes)
     */
    public record Function(String name, String section, int start, byte[] code, boolean global, List<Reloc> relocs,
                           List<BtfExt.FuncInfo> funcInfo, List<BtfExt.LineInfo> lineInfo,
                           List<BtfExt.CoreRelo> coreRelos) {
        /** @return the number of instruction slots */
        public int slots() {
            return code.length / 8;
        }
    }

    /** What an instruction refers to. */
    public sealed interface Reloc {
        /** @return the instruction index relative to the function's start */
        int slot();

        /** {@code ld_imm64} of a map's fd. @param slot instruction @param map map name */
        record MapFd(int slot, String map) implements Reloc {
        }

        /**
         * {@code ld_imm64} of an address inside a global data section.
         *
         * @param slot instruction
         * @param map the data map's name (the section name)
         * @param offset the symbol's offset, added to the instruction's own immediate
         */
        record MapValue(int slot, String map, long offset) implements Reloc {
        }

        /** {@code ld_imm64} of an {@code extern __kconfig} variable. @param slot instruction @param variable name */
        record Kconfig(int slot, String variable) implements Reloc {
        }

        /** A call of a {@code .text} subprogram. @param slot instruction @param target callee's index in .text */
        record Call(int slot, int target) implements Reloc {
        }

        /** {@code ld_imm64} of a {@code .text} function's address (a callback). @param slot instruction @param target index in .text */
        record FuncAddr(int slot, int target) implements Reloc {
        }
    }

    /** Where a map comes from. */
    public enum MapKind {
        /** A BTF-defined map in {@code .maps}. */
        BTF,
        /** A global data section ({@code .rodata*}, {@code .data*}, {@code .bss}). */
        DATA,
        /** The {@code extern __kconfig} values. */
        KCONFIG
    }

    /** A map to create; its size and flags may be edited before load. */
    public static final class MapDef {
        public final String name;
        public final MapKind kind;
        public int type;
        public int keySize;
        public int valueSize;
        public long maxEntries;
        public int flags;
        public int numaNode;
        public long mapExtra;
        /** {@code LIBBPF_PIN_BY_NAME} (1) or none (0). */
        public int pinning;
        public int btfKeyType;
        public int btfValueType;

        public MapDef(String name, MapKind kind) {
            this.name = name;
            this.kind = kind;
        }
    }

    /**
     * A global variable's place.
     *
     * @param name its name
     * @param section the section (map) it lives in
     * @param offset its offset in the section
     * @param size its size
     * @param btfType its type id in the object's BTF (the VAR's type), 0 if unknown
     */
    public record Variable(String name, String section, long offset, long size, int btfType) {
    }

    /**
     * A global data section.
     *
     * @param map its map
     * @param image the initial value (edited through variables before load)
     * @param readOnly whether it is {@code .rodata*} (frozen before programs load)
     * @param variables its variables by name
     */
    public record DataSection(MapDef map, byte[] image, boolean readOnly, Map<String, Variable> variables) {
    }

    /** An entry program: its function, where it came from, and what may be edited before load. */
    public static final class ProgramSpec {
        public final String name;
        public final String section;
        public final SectionDefs.Def def;
        public final Function main;
        public boolean autoload;
        public String attachTarget;

        public ProgramSpec(String name, String section, SectionDefs.Def def, Function main, boolean autoload,
                           String attachTarget) {
            this.name = name;
            this.section = section;
            this.def = def;
            this.main = main;
            this.autoload = autoload;
            this.attachTarget = attachTarget;
        }
    }
}
