/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Encoded BPF instructions ({@link Asm#build()}), ready for {@link BpfProgram#load}.
 *
 * @param code the instructions, 8 bytes each, native (little-endian) byte order
 * @param functions the program's functions in order: the main function at slot 0, then each
 *     subprogram declared with {@link Asm#function}
 */
public record Program(byte[] code, List<Function> functions) {
    /**
     * A function inside the program.
     *
     * @param name its name (used for BTF)
     * @param slot the index of its first instruction
     * @param arity the number of arguments (pointers in the generated BTF)
     */
    public record Function(String name, int slot, int arity) {
    }

    /** Copies the arrays. */
    public Program {
        code = code.clone();
        functions = List.copyOf(functions);
    }

    /** {@return a copy of the encoded instructions} */
    @Override
    public byte[] code() {
        return code.clone();
    }

    /** {@return the number of instruction slots (a 64-bit immediate load takes two)} */
    public int slots() {
        return code.length / 8;
    }

    /** {@return true if the program has subprograms (and then needs BTF {@code func_info} to load)} */
    public boolean hasSubprograms() {
        return functions.size() > 1;
    }

    /** {@return one line per slot: index and the 8 bytes in hex, for comparing with bpftool} */
    public String dump() {
        StringBuilder sb = new StringBuilder();
        ByteBuffer bb = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < slots(); i++) {
            for (Function f : functions) {
                if (f.slot() == i) {
                    sb.append(f.name()).append(":\n");
                }
            }
            byte[] one = Arrays.copyOfRange(code, i * 8, i * 8 + 8);
            sb.append(String.format("%4d: %s  code=0x%02x dst=r%d src=r%d off=%d imm=%d%n", i,
                    HexFormat.of().formatHex(one), one[0] & 0xff, one[1] & 0xf, (one[1] >> 4) & 0xf,
                    bb.getShort(i * 8 + 2), bb.getInt(i * 8 + 4)));
        }
        return sb.toString();
    }
}
