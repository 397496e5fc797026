/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A BPF instruction builder with labels: jumps, calls of subprograms and function-pointer loads
 * name their targets, and {@link #build()} computes every offset (counting 64-bit immediate loads
 * as two slots). Small programs can be written and loaded from Java without clang.
 *
 * <pre>{@code
 * Program p = new Asm()
 *     .ldMap(Reg.R1, ring)                          // r1 = &ring
 *     .mov(Reg.R2, 16)                              // r2 = size
 *     .mov(Reg.R3, 0)                               // r3 = flags
 *     .call(Helper.RINGBUF_RESERVE)                 // r0 = record or NULL
 *     .jeq(Reg.R0, 0, "out")
 *     .call(Helper.KTIME_GET_NS).mov(Reg.R6, Reg.R0) // (a real program keeps the record in R6-R9)
 *     ...
 *     .label("out")
 *     .mov(Reg.R0, 0)
 *     .exit()
 *     .build();
 * }</pre>
 *
 * <p>Subprograms (for example callbacks of {@code bpf_user_ringbuf_drain} or {@code bpf_loop})
 * start with {@link #function(String, int)}; {@link BpfProgram} then generates the BTF
 * {@code func_info} the verifier needs. An instance is single-use and not thread-safe.
 */
public final class Asm {
    /** Operand sizes of loads and stores. */
    public enum Size {
        /** 1 byte. */
        B(0x10),
        /** 2 bytes. */
        H(0x08),
        /** 4 bytes. */
        W(0x00),
        /** 8 bytes. */
        DW(0x18);

        final int bits;

        Size(int bits) {
            this.bits = bits;
        }
    }

    // instruction classes
    private static final int LD = 0x00;
    private static final int LDX = 0x01;
    private static final int ST = 0x02;
    private static final int STX = 0x03;
    private static final int ALU = 0x04;
    private static final int JMP = 0x05;
    private static final int ALU64 = 0x07;
    // modes and sources
    private static final int IMM = 0x00;
    private static final int MEM = 0x60;
    private static final int ATOMIC = 0xc0;
    private static final int K = 0x00;
    private static final int X = 0x08;
    // ALU operations
    private static final int ADD = 0x00;
    private static final int SUB = 0x10;
    private static final int MUL = 0x20;
    private static final int DIV = 0x30;
    private static final int OR = 0x40;
    private static final int AND = 0x50;
    private static final int LSH = 0x60;
    private static final int RSH = 0x70;
    private static final int NEG = 0x80;
    private static final int MOD = 0x90;
    private static final int XOR = 0xa0;
    private static final int MOV = 0xb0;
    private static final int ARSH = 0xc0;
    // jump operations
    private static final int JA = 0x00;
    private static final int JEQ = 0x10;
    private static final int JGT = 0x20;
    private static final int JGE = 0x30;
    private static final int JSET = 0x40;
    private static final int JNE = 0x50;
    private static final int JSGT = 0x60;
    private static final int JSGE = 0x70;
    private static final int CALL = 0x80;
    private static final int EXIT = 0x90;
    private static final int JLT = 0xa0;
    private static final int JLE = 0xb0;
    private static final int JSLT = 0xc0;
    private static final int JSLE = 0xd0;
    private static final int FETCH = 0x01;
    // pseudo sources
    private static final int PSEUDO_MAP_FD = 1;
    private static final int PSEUDO_CALL = 1;
    private static final int PSEUDO_FUNC = 4;

    private enum Fixup { OFF, IMM }

    private record Pending(int slot, String label, Fixup kind) {
    }

    private final List<long[]> slots = new ArrayList<>(); // {code, regs, off, imm}
    private final Map<String, Integer> labels = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final List<Program.Function> functions = new ArrayList<>();
    private boolean built;

    /** Starts a program whose main function is called {@code "main"} (takes the context in R1). */
    public Asm() {
        this("main");
    }

    /**
     * Starts a program.
     *
     * @param mainName the main function's name (appears in BTF and in {@code bpftool})
     */
    public Asm(String mainName) {
        functions.add(new Program.Function(mainName, 0, 1));
    }

    private Asm emit(int code, Reg dst, Reg src, int off, int imm) {
        return emitRaw(code, dst == null ? 0 : dst.n(), src == null ? 0 : src.n(), off, imm);
    }

    /** Emits one slot; {@code src} may be a pseudo source (map fd, call, function). */
    private Asm emitRaw(int code, int dst, int src, int off, int imm) {
        if (built) {
            throw new IllegalStateException("this Asm was already built");
        }
        slots.add(new long[] {code, dst | (src << 4), off, imm});
        return this;
    }

    private int here() {
        return slots.size();
    }

    private static int imm32(long imm) {
        if (imm < Integer.MIN_VALUE || imm > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("immediate " + imm + " does not fit 32 bits; use ldImm64");
        }
        return (int) imm;
    }

    private static int off16(long off) {
        if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + off + " does not fit 16 bits");
        }
        return (int) off;
    }

    // ---------------------------------------------------------------- structure

    /**
     * Defines a label at the next instruction.
     *
     * @param name the label, unique in the program
     * @return this builder
     */
    public Asm label(String name) {
        Objects.requireNonNull(name, "name");
        if (labels.putIfAbsent(name, here()) != null) {
            throw new IllegalArgumentException("label '" + name + "' defined twice");
        }
        return this;
    }

    /**
     * Starts a subprogram (a static BPF function) at the next instruction; it is also a label for
     * {@link #callLocal} and {@link #ldFunc}.
     *
     * @param name the function name, unique in the program
     * @param arity its number of arguments (R1..R5), for the generated BTF
     * @return this builder
     */
    public Asm function(String name, int arity) {
        if (arity < 0 || arity > 5) {
            throw new IllegalArgumentException("a BPF function takes 0 to 5 arguments, not " + arity);
        }
        label(name);
        functions.add(new Program.Function(name, here(), arity));
        return this;
    }

    // ---------------------------------------------------------------- ALU

    private Asm alu64(int op, Reg dst, long imm) {
        return emit(ALU64 | op | K, dst, null, 0, imm32(imm));
    }

    private Asm alu64(int op, Reg dst, Reg src) {
        return emit(ALU64 | op | X, dst, src, 0, 0);
    }

    /**
     * {@code dst = imm} (64-bit, sign-extended).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm mov(Reg dst, long imm) {
        return alu64(MOV, dst, imm);
    }

    /**
     * {@code dst = src}.
     *
     * @param dst the destination register
     * @param src the source register
     * @return this builder
     */
    public Asm mov(Reg dst, Reg src) {
        return alu64(MOV, dst, src);
    }

    /**
     * {@code dst = (u32) imm} (32-bit move, zero-extends).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm mov32(Reg dst, int imm) {
        return emit(ALU | MOV | K, dst, null, 0, imm);
    }

    /**
     * {@code dst = (u32) src} (zero-extends).
     *
     * @param dst the destination register
     * @param src the source register
     * @return this builder
     */
    public Asm mov32(Reg dst, Reg src) {
        return emit(ALU | MOV | X, dst, src, 0, 0);
    }

    /**
     * {@code dst += imm}.
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm add(Reg dst, long imm) {
        return alu64(ADD, dst, imm);
    }

    /**
     * {@code dst += src}.
     *
     * @param dst the destination register
     * @param src the source register
     * @return this builder
     */
    public Asm add(Reg dst, Reg src) {
        return alu64(ADD, dst, src);
    }

    /**
     * {@code dst -= imm}.
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm sub(Reg dst, long imm) {
        return alu64(SUB, dst, imm);
    }

    /**
     * {@code dst -= src}.
     *
     * @param dst the destination register
     * @param src the source register
     * @return this builder
     */
    public Asm sub(Reg dst, Reg src) {
        return alu64(SUB, dst, src);
    }

    /**
     * {@code dst *= imm}.
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm mul(Reg dst, long imm) {
        return alu64(MUL, dst, imm);
    }

    /**
     * {@code dst *= src}.
     *
     * @param dst the destination register
     * @param src the source register
     * @return this builder
     */
    public Asm mul(Reg dst, Reg src) {
        return alu64(MUL, dst, src);
    }

    /**
     * {@code dst /= imm} (unsigned).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm div(Reg dst, long imm) {
        return alu64(DIV, dst, imm);
    }

    /**
     * {@code dst %= imm} (unsigned).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm mod(Reg dst, long imm) {
        return alu64(MOD, dst, imm);
    }

    /**
     * {@code dst &= imm}.
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm and(Reg dst, long imm) {
        return alu64(AND, dst, imm);
    }

    /**
     * {@code dst &= src}.
     *
     * @param dst the destination register
     * @param src the source register
     * @return this builder
     */
    public Asm and(Reg dst, Reg src) {
        return alu64(AND, dst, src);
    }

    /**
     * {@code dst |= imm}.
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm or(Reg dst, long imm) {
        return alu64(OR, dst, imm);
    }

    /**
     * {@code dst |= src}.
     *
     * @param dst the destination register
     * @param src the source register
     * @return this builder
     */
    public Asm or(Reg dst, Reg src) {
        return alu64(OR, dst, src);
    }

    /**
     * {@code dst ^= imm}.
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm xor(Reg dst, long imm) {
        return alu64(XOR, dst, imm);
    }

    /**
     * {@code dst ^= src}.
     *
     * @param dst the destination register
     * @param src the source register
     * @return this builder
     */
    public Asm xor(Reg dst, Reg src) {
        return alu64(XOR, dst, src);
    }

    /**
     * {@code dst <<= imm}.
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm lsh(Reg dst, int imm) {
        return alu64(LSH, dst, imm);
    }

    /**
     * {@code dst >>= imm} (logical).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm rsh(Reg dst, int imm) {
        return alu64(RSH, dst, imm);
    }

    /**
     * {@code dst >>= imm} (arithmetic).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm arsh(Reg dst, int imm) {
        return alu64(ARSH, dst, imm);
    }

    /**
     * {@code dst = -dst}.
     *
     * @param dst the destination register
     * @return this builder
     */
    public Asm neg(Reg dst) {
        return emit(ALU64 | NEG | K, dst, null, 0, 0);
    }

    // ---------------------------------------------------------------- 64-bit immediates

    /**
     * {@code dst = imm} for any 64-bit value (two slots).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @return this builder
     */
    public Asm ldImm64(Reg dst, long imm) {
        emit(LD | IMM | Size.DW.bits, dst, null, 0, (int) imm);
        return emit(0, null, null, 0, (int) (imm >>> 32));
    }

    /**
     * {@code dst = &map} (a map reference the verifier resolves from the fd).
     *
     * @param dst the destination register
     * @param map the map whose fd is loaded
     * @return this builder
     */
    public Asm ldMap(Reg dst, BpfMap map) {
        return ldMapFd(dst, map.fd());
    }

    /**
     * {@code dst = &map} by map fd.
     *
     * @param dst the destination register
     * @param mapFd the map fd
     * @return this builder
     */
    public Asm ldMapFd(Reg dst, int mapFd) {
        emitRaw(LD | IMM | Size.DW.bits, dst.n(), PSEUDO_MAP_FD, 0, mapFd);
        return emit(0, null, null, 0, 0);
    }

    /**
     * {@code dst = &function} (a callback for {@code bpf_user_ringbuf_drain}, {@code bpf_loop}, …).
     *
     * @param dst the register
     * @param function a name given to {@link #function}
     * @return this builder
     */
    public Asm ldFunc(Reg dst, String function) {
        pending.add(new Pending(here(), function, Fixup.IMM));
        emitRaw(LD | IMM | Size.DW.bits, dst.n(), PSEUDO_FUNC, 0, 0);
        return emit(0, null, null, 0, 0);
    }

    // ---------------------------------------------------------------- memory

    /**
     * {@code dst = *(size *)(src + off)}.
     *
     * @param size the access width
     * @param dst the destination register
     * @param src the source register
     * @param off the offset from the base register, in bytes
     * @return this builder
     */
    public Asm load(Size size, Reg dst, Reg src, int off) {
        return emit(LDX | MEM | size.bits, dst, src, off16(off), 0);
    }

    /**
     * {@code *(size *)(dst + off) = src}.
     *
     * @param size the access width
     * @param dst the destination register
     * @param off the offset from the base register, in bytes
     * @param src the source register
     * @return this builder
     */
    public Asm store(Size size, Reg dst, int off, Reg src) {
        return emit(STX | MEM | size.bits, dst, src, off16(off), 0);
    }

    /**
     * {@code *(size *)(dst + off) = imm}.
     *
     * @param size the access width
     * @param dst the destination register
     * @param off the offset from the base register, in bytes
     * @param imm the immediate value
     * @return this builder
     */
    public Asm storeImm(Size size, Reg dst, int off, int imm) {
        return emit(ST | MEM | size.bits, dst, null, off16(off), imm);
    }

    /**
     * Atomic {@code *(size *)(dst + off) += src} (size W or DW).
     *
     * @param size the access width
     * @param dst the destination register
     * @param off the offset from the base register, in bytes
     * @param src the source register
     * @return this builder
     */
    public Asm atomicAdd(Size size, Reg dst, int off, Reg src) {
        if (size != Size.W && size != Size.DW) {
            throw new IllegalArgumentException("atomic add works on W or DW, not " + size);
        }
        return emit(STX | ATOMIC | size.bits, dst, src, off16(off), ADD);
    }

    /**
     * Atomic fetch-and-add: {@code src = atomic_fetch_add((size *)(dst + off), src)} (size W or DW);
     * {@code src} receives the old value.
     *
     * @param size the access width
     * @param dst the destination register
     * @param off the offset from the base register, in bytes
     * @param src the source register
     * @return this builder
     */
    public Asm atomicFetchAdd(Size size, Reg dst, int off, Reg src) {
        if (size != Size.W && size != Size.DW) {
            throw new IllegalArgumentException("atomic fetch-add works on W or DW, not " + size);
        }
        return emit(STX | ATOMIC | size.bits, dst, src, off16(off), ADD | FETCH);
    }

    // ---------------------------------------------------------------- jumps and calls

    private Asm jump(int op, Reg dst, Reg src, int imm, String label) {
        Objects.requireNonNull(label, "label");
        pending.add(new Pending(here(), label, Fixup.OFF));
        return emit(JMP | op | (src == null ? K : X), dst, src, 0, imm);
    }

    // ---------------------------------------------------------------- lost-record counting

    /**
     * Reserve-or-count, the instruction-builder form of {@code include/jringbuf_lost.h}: reserves
     * {@code size} bytes in {@code ring} ({@code bpf_ringbuf_reserve}); if the ring refuses, adds
     * one to this CPU's entry of {@code lostCounter} (made by {@link BpfMap#createLostCounter}) and
     * jumps to {@code refused}. Goes on with the record in {@code R0} otherwise. Like any helper
     * call it clobbers {@code R1}-{@code R5}; it uses the 4 bytes at {@code R10 + stackSlot} for
     * the counter's key.
     *
     * @param ring the RINGBUF map
     * @param size the record's payload bytes
     * @param lostCounter the ring's per-CPU lost counter
     * @param stackSlot a free, 4-byte aligned stack offset (negative, e.g. -8)
     * @param refused the label to jump to when the ring refused the record
     * @return this builder
     */
    public Asm ringbufReserveOrCount(BpfMap ring, int size, BpfMap lostCounter, int stackSlot, String refused) {
        if (stackSlot >= 0 || stackSlot < -512 || (stackSlot & 3) != 0) {
            throw new IllegalArgumentException("stack slot " + stackSlot + " is not a 4-byte aligned offset in -512..-4");
        }
        String reserved = "ringbufReserveOrCount." + here();
        return ldMap(Reg.R1, ring).mov(Reg.R2, size).mov(Reg.R3, 0).call(Helper.RINGBUF_RESERVE)
                .jne(Reg.R0, 0, reserved)
                .storeImm(Size.W, Reg.R10, stackSlot, 0)
                .ldMap(Reg.R1, lostCounter).mov(Reg.R2, Reg.R10).add(Reg.R2, stackSlot)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jeq(Reg.R0, 0, refused)
                // Per-CPU entry: no other CPU writes it, so no atomic add is needed.
                .load(Size.DW, Reg.R1, Reg.R0, 0).add(Reg.R1, 1).store(Size.DW, Reg.R0, 0, Reg.R1)
                .ja(refused)
                .label(reserved);
    }

    /**
     * Unconditional jump.
     *
     * @param label the label to jump to
     * @return this builder
     */
    public Asm ja(String label) {
        return jump(JA, null, null, 0, label);
    }

    /**
     * {@code if dst == imm goto label}.
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jeq(Reg dst, int imm, String label) {
        return jump(JEQ, dst, null, imm, label);
    }

    /**
     * {@code if dst == src goto label}.
     *
     * @param dst the destination register
     * @param src the source register
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jeq(Reg dst, Reg src, String label) {
        return jump(JEQ, dst, src, 0, label);
    }

    /**
     * {@code if dst != imm goto label}.
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jne(Reg dst, int imm, String label) {
        return jump(JNE, dst, null, imm, label);
    }

    /**
     * {@code if dst != src goto label}.
     *
     * @param dst the destination register
     * @param src the source register
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jne(Reg dst, Reg src, String label) {
        return jump(JNE, dst, src, 0, label);
    }

    /**
     * {@code if dst > imm goto label} (unsigned).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jgt(Reg dst, int imm, String label) {
        return jump(JGT, dst, null, imm, label);
    }

    /**
     * {@code if dst > src goto label} (unsigned).
     *
     * @param dst the destination register
     * @param src the source register
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jgt(Reg dst, Reg src, String label) {
        return jump(JGT, dst, src, 0, label);
    }

    /**
     * {@code if dst >= imm goto label} (unsigned).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jge(Reg dst, int imm, String label) {
        return jump(JGE, dst, null, imm, label);
    }

    /**
     * {@code if dst >= src goto label} (unsigned).
     *
     * @param dst the destination register
     * @param src the source register
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jge(Reg dst, Reg src, String label) {
        return jump(JGE, dst, src, 0, label);
    }

    /**
     * {@code if dst < imm goto label} (unsigned).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jlt(Reg dst, int imm, String label) {
        return jump(JLT, dst, null, imm, label);
    }

    /**
     * {@code if dst < src goto label} (unsigned).
     *
     * @param dst the destination register
     * @param src the source register
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jlt(Reg dst, Reg src, String label) {
        return jump(JLT, dst, src, 0, label);
    }

    /**
     * {@code if dst <= imm goto label} (unsigned).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jle(Reg dst, int imm, String label) {
        return jump(JLE, dst, null, imm, label);
    }

    /**
     * {@code if dst > imm goto label} (signed).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jsgt(Reg dst, int imm, String label) {
        return jump(JSGT, dst, null, imm, label);
    }

    /**
     * {@code if dst >= imm goto label} (signed).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jsge(Reg dst, int imm, String label) {
        return jump(JSGE, dst, null, imm, label);
    }

    /**
     * {@code if dst < imm goto label} (signed).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jslt(Reg dst, int imm, String label) {
        return jump(JSLT, dst, null, imm, label);
    }

    /**
     * {@code if dst <= imm goto label} (signed).
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jsle(Reg dst, int imm, String label) {
        return jump(JSLE, dst, null, imm, label);
    }

    /**
     * {@code if dst & imm goto label}.
     *
     * @param dst the destination register
     * @param imm the immediate value
     * @param label the label to jump to
     * @return this builder
     */
    public Asm jset(Reg dst, int imm, String label) {
        return jump(JSET, dst, null, imm, label);
    }

    /**
     * Calls a helper; arguments in R1–R5, result in R0.
     *
     * @param helper the helper
     * @return this builder
     */
    public Asm call(Helper helper) {
        return emit(JMP | CALL, null, null, 0, helper.id());
    }

    /**
     * Calls a helper by number.
     *
     * @param helperId the helper's number (a {@code BPF_FUNC_*} value)
     * @return this builder
     */
    public Asm call(int helperId) {
        return emit(JMP | CALL, null, null, 0, helperId);
    }

    /**
     * Calls a subprogram of this program (see {@link #function}).
     *
     * @param function the subprogram, defined with {@link #function}
     * @return this builder
     */
    public Asm callLocal(String function) {
        pending.add(new Pending(here(), function, Fixup.IMM));
        return emitRaw(JMP | CALL, 0, PSEUDO_CALL, 0, 0);
    }

    /**
     * Returns from the current function with R0.
     *
     * @return this builder
     */
    public Asm exit() {
        return emit(JMP | EXIT, null, null, 0, 0);
    }

    // ---------------------------------------------------------------- build

    /**
     * Resolves labels and encodes the program.
     *
     * @return the program
     * @throws IllegalStateException for an undefined label or a jump that does not fit 16 bits
     */
    public Program build() {
        built = true;
        for (Pending p : pending) {
            Integer target = labels.get(p.label());
            if (target == null) {
                throw new IllegalStateException("undefined label '" + p.label() + "' used at instruction " + p.slot());
            }
            long rel = (long) target - (p.slot() + 1);
            if (p.kind() == Fixup.OFF) {
                if (rel < Short.MIN_VALUE || rel > Short.MAX_VALUE) {
                    throw new IllegalStateException("jump from " + p.slot() + " to '" + p.label() + "' is too far");
                }
                slots.get(p.slot())[2] = rel;
            } else {
                slots.get(p.slot())[3] = rel;
            }
        }
        ByteBuffer bb = ByteBuffer.allocate(slots.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] s : slots) {
            bb.put((byte) s[0]).put((byte) s[1]).putShort((short) s[2]).putInt((int) s[3]);
        }
        return new Program(bb.array(), functions);
    }
}
