/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.loader;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.bin.Bytes;
import io.jringbuf.internal.btf.BtfExt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles one entry program for {@code BPF_PROG_LOAD}: its own instructions, then every
 * {@code .text} subprogram it reaches (through calls or callback addresses, transitively), each
 * once, in the order first reached. Calls and callback addresses get their final relative
 * offsets; map and global-data loads get map fds ({@code BPF_PSEUDO_MAP_FD},
 * {@code BPF_PSEUDO_MAP_VALUE} + offset); func_info, line_info and CO-RE records are rebased to
 * the final instruction positions.
 */
public final class Linker {
    private Linker() {
    }

    static final int PSEUDO_MAP_FD = 1;
    static final int PSEUDO_MAP_VALUE = 2;
    static final int PSEUDO_FUNC = 4;

    /**
     * A program ready for the kernel.
     *
     * @param code the instructions
     * @param funcInfo pairs of (instruction index, FUNC type id)
     * @param lineInfo quadruples of (instruction index, file name, line, line/column)
     * @param coreRelos quadruples of (byte offset, type id, access string, kind)
     * @param functions the functions in order with their first instruction (for messages)
     */
    public record Linked(byte[] code, int[] funcInfo, int[] lineInfo, int[] coreRelos, Map<String, Integer> functions) {
    }

    /**
     * @param spec the object
     * @param program the entry program
     * @param mapFds the fd of every map by name
     * @return the assembled program
     * @throws ErrnoException ENOEXEC for a call into something that is not a {@code .text} function
     */
    public static Linked link(ObjectSpec spec, ObjectSpec.ProgramSpec program, Map<String, Integer> mapFds) {
        Map<ObjectSpec.Function, Integer> base = new IdentityHashMap<>();
        List<ObjectSpec.Function> order = new ArrayList<>();
        Deque<ObjectSpec.Function> queue = new ArrayDeque<>();
        int total = program.main.slots();
        base.put(program.main, 0);
        order.add(program.main);
        queue.add(program.main);
        while (!queue.isEmpty()) {
            ObjectSpec.Function f = queue.poll();
            for (ObjectSpec.Reloc r : f.relocs()) {
                int target = switch (r) {
                    case ObjectSpec.Reloc.Call c -> c.target();
                    case ObjectSpec.Reloc.FuncAddr a -> a.target();
                    default -> -1;
                };
                if (target < 0 && !(r instanceof ObjectSpec.Reloc.Call || r instanceof ObjectSpec.Reloc.FuncAddr)) {
                    continue;
                }
                ObjectSpec.Function callee = spec.text().get(target);
                if (callee == null) {
                    throw new ErrnoException(Errno.ENOEXEC, spec.name() + ": instruction " + r.slot() + " of '" + f.name()
                            + "' calls .text instruction " + target + ", where no function starts");
                }
                if (!base.containsKey(callee)) {
                    base.put(callee, total);
                    total += callee.slots();
                    order.add(callee);
                    queue.add(callee);
                }
            }
        }
        byte[] code = new byte[total * 8];
        List<int[]> funcInfo = new ArrayList<>();
        List<int[]> lineInfo = new ArrayList<>();
        List<int[]> core = new ArrayList<>();
        Map<String, Integer> functions = new java.util.LinkedHashMap<>();
        for (ObjectSpec.Function f : order) {
            int b = base.get(f);
            functions.put(f.name(), b);
            System.arraycopy(f.code(), 0, code, b * 8, f.code().length);
            for (ObjectSpec.Reloc r : f.relocs()) {
                int at = (b + r.slot()) * 8;
                switch (r) {
                    case ObjectSpec.Reloc.Call c -> Bytes.putLe32(code, at + 4, base.get(spec.text().get(c.target())) - (b + c.slot()) - 1);
                    case ObjectSpec.Reloc.FuncAddr a -> {
                        setSrc(code, at, PSEUDO_FUNC);
                        Bytes.putLe32(code, at + 4, base.get(spec.text().get(a.target())) - (b + a.slot()) - 1);
                        Bytes.putLe32(code, at + 12, 0);
                    }
                    case ObjectSpec.Reloc.MapFd m -> {
                        setSrc(code, at, PSEUDO_MAP_FD);
                        Bytes.putLe32(code, at + 4, fd(mapFds, m.map(), spec));
                        Bytes.putLe32(code, at + 12, 0);
                    }
                    case ObjectSpec.Reloc.MapValue v -> {
                        int addend = Bytes.le32(code, at + 4);
                        setSrc(code, at, PSEUDO_MAP_VALUE);
                        Bytes.putLe32(code, at + 4, fd(mapFds, v.map(), spec));
                        Bytes.putLe32(code, at + 12, (int) (addend + v.offset()));
                    }
                    case ObjectSpec.Reloc.Kconfig k -> {
                        setSrc(code, at, PSEUDO_MAP_VALUE);
                        Bytes.putLe32(code, at + 4, fd(mapFds, ".kconfig", spec));
                        Bytes.putLe32(code, at + 12, (int) spec.kconfig().get(k.variable()).offset());
                    }
                }
            }
            for (BtfExt.FuncInfo fi : f.funcInfo()) {
                funcInfo.add(new int[] {(int) (b + fi.insnOff()), fi.typeId()});
            }
            for (BtfExt.LineInfo li : f.lineInfo()) {
                lineInfo.add(new int[] {(int) (b + li.insnOff()), li.fileNameOff(), li.lineOff(), li.lineCol()});
            }
            for (BtfExt.CoreRelo c : f.coreRelos()) {
                core.add(new int[] {(int) (b * 8L + c.insnOff()), c.typeId(), c.accessStrOff(), c.kind()});
            }
        }
        return new Linked(code, flatten(funcInfo, 2), flatten(lineInfo, 4), flatten(core, 4), functions);
    }

    private static void setSrc(byte[] code, int at, int src) {
        code[at + 1] = (byte) ((code[at + 1] & 0x0f) | src << 4);
    }

    private static int fd(Map<String, Integer> fds, String map, ObjectSpec spec) {
        Integer fd = fds.get(map);
        if (fd == null) {
            throw new ErrnoException(Errno.ENOENT, spec.name() + ": map '" + map + "' was not created");
        }
        return fd;
    }

    private static int[] flatten(List<int[]> rows, int width) {
        int[] out = new int[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, out, i * width, width);
        }
        return out;
    }
}
