/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.Asm.Size;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.ProgType;
import io.jringbuf.bpf.Program;

import static io.jringbuf.bpf.Reg.R0;
import static io.jringbuf.bpf.Reg.R1;
import static io.jringbuf.bpf.Reg.R10;
import static io.jringbuf.bpf.Reg.R2;
import static io.jringbuf.bpf.Reg.R3;
import static io.jringbuf.bpf.Reg.R4;
import static io.jringbuf.bpf.Reg.R5;
import static io.jringbuf.bpf.Reg.R6;
import static io.jringbuf.bpf.Reg.R7;
import static io.jringbuf.bpf.Reg.R8;
import static io.jringbuf.bpf.Reg.R9;

/**
 * The BPF programs the kernel tests run, written with {@link Asm}. Each keeps its inputs and
 * counters in a one-element ARRAY map ("state") of 8-byte fields, read by Java with
 * {@link BpfMap#lookup}.
 */
final class Programs {
    private Programs() {
    }

    /** Loads element 0 of {@code state} into R9, or jumps to {@code out}. Clobbers R1-R5, R0. */
    private static Asm stateInto9(Asm a, BpfMap state, String out) {
        return a.storeImm(Size.W, R10, -4, 0)
                .ldMap(R1, state)
                .mov(R2, R10).add(R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, out)
                .mov(R9, R0);
    }

    /** Fields of the selftest producer's state (index × 8 bytes). */
    static final int ST_SEQ = 0, ST_VALUE = 1, ST_FLAGS = 2, ST_TOTAL = 3, ST_DISCARDED = 4, ST_DROPPED = 5,
            ST_AVAIL = 6, ST_RING_SIZE = 7, ST_CONS = 8, ST_PROD = 9;
    static final int SELFTEST_STATE_SIZE = 80;
    /** The selftest's sample: {pid, seq, value, comm[8]}, 32 bytes (40 with the header). */
    static final int SELFTEST_SAMPLE = 32;

    /**
     * The shape of the kernel selftest {@code test_ringbuf.c}: each run reserves a 32-byte sample
     * {pid, seq, value, comm}; an even seq is submitted, an odd seq is copied with
     * {@code bpf_ringbuf_output} and the reservation discarded; flags come from the state; the
     * four query values are stored after each run.
     */
    static BpfProgram selftestProducer(BpfMap ring, BpfMap state) {
        Asm a = new Asm("rb_selftest");
        stateInto9(a, state, "out");
        a.load(Size.DW, R8, R9, 8 * ST_FLAGS)
                .mov(R7, 1).atomicFetchAdd(Size.DW, R9, 8 * ST_SEQ, R7)     // r7 = seq++
                .ldMap(R1, ring).mov(R2, SELFTEST_SAMPLE).mov(R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jeq(R0, 0, "dropped")
                .mov(R6, R0)
                .call(Helper.GET_CURRENT_PID_TGID).rsh(R0, 32).store(Size.DW, R6, 0, R0)
                .store(Size.DW, R6, 8, R7)
                .load(Size.DW, R1, R9, 8 * ST_VALUE).store(Size.DW, R6, 16, R1)
                .mov(R1, R6).add(R1, 24).mov(R2, 8).call(Helper.GET_CURRENT_COMM)
                .mov(R1, 1).atomicAdd(Size.DW, R9, 8 * ST_TOTAL, R1)
                .mov(R1, R7).and(R1, 1).jne(R1, 0, "odd")
                .mov(R1, R6).mov(R2, R8).call(Helper.RINGBUF_SUBMIT)
                .ja("query")
                .label("odd")
                .ldMap(R1, ring).mov(R2, R6).mov(R3, SELFTEST_SAMPLE).mov(R4, R8)
                .call(Helper.RINGBUF_OUTPUT)
                .mov(R1, R6).mov(R2, R8).call(Helper.RINGBUF_DISCARD)
                .mov(R1, 1).atomicAdd(Size.DW, R9, 8 * ST_DISCARDED, R1)
                .label("query");
        for (int q = 0; q < 4; q++) {
            a.ldMap(R1, ring).mov(R2, q).call(Helper.RINGBUF_QUERY).store(Size.DW, R9, 8 * (ST_AVAIL + q), R0);
        }
        a.ja("out")
                .label("dropped")
                .mov(R1, 1).atomicAdd(Size.DW, R9, 8 * ST_DROPPED, R1)
                .label("out")
                .mov(R0, 0)
                .exit();
        return BpfProgram.load(ProgType.SOCKET_FILTER, "rb_selftest", a.build());
    }

    /** Fields of the sequence producer's state. */
    static final int SQ_SEQ = 0, SQ_FLAGS = 1, SQ_DROPPED = 2;
    static final int SEQ_STATE_SIZE = 24;

    /**
     * Each run reserves {@code payload} bytes (≥ 8), writes a sequence number (from the state,
     * incremented atomically) into the first 8 bytes, and submits with the state's flags; a failed
     * reservation counts a drop.
     */
    static BpfProgram sequenceProducer(BpfMap ring, BpfMap state, int payload) {
        Program p = sequenceProgram(ring, state, payload);
        return BpfProgram.load(ProgType.SOCKET_FILTER, "rb_seq", p);
    }

    static Program sequenceProgram(BpfMap ring, BpfMap state, int payload) {
        Asm a = new Asm("rb_seq");
        stateInto9(a, state, "out");
        return a.ldMap(R1, ring).mov(R2, payload).mov(R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jeq(R0, 0, "dropped")
                .mov(R6, R0)
                .mov(R7, 1).atomicFetchAdd(Size.DW, R9, 8 * SQ_SEQ, R7)
                .store(Size.DW, R6, 0, R7)
                .load(Size.DW, R2, R9, 8 * SQ_FLAGS)
                .mov(R1, R6).call(Helper.RINGBUF_SUBMIT)
                .ja("out")
                .label("dropped")
                .mov(R1, 1).atomicAdd(Size.DW, R9, 8 * SQ_DROPPED, R1)
                .label("out")
                .mov(R0, 0)
                .exit()
                .build();
    }

    /** Fields of the drain program's state. */
    static final int DR_RET = 0, DR_SUM = 1, DR_COUNT = 2, DR_FLAGS = 3, DR_CALLS = 4;
    static final int DRAIN_STATE_SIZE = 40;

    /**
     * Each run calls {@code bpf_user_ringbuf_drain} once with the state's flags; the callback adds
     * the first 8 bytes of each sample (0 if shorter) to a sum and counts callbacks; the program
     * stores the helper's return value and adds sum and count to the state.
     */
    static BpfProgram drainProgram(BpfMap userRing, BpfMap state) {
        Asm a = new Asm("urb_drain");
        stateInto9(a, state, "out");
        a.storeImm(Size.DW, R10, -16, 0)            // ctx: sum
                .storeImm(Size.DW, R10, -24, 0)     // ctx: count
                .ldMap(R1, userRing)
                .ldFunc(R2, "cb")
                .mov(R3, R10).add(R3, -24)
                .load(Size.DW, R4, R9, 8 * DR_FLAGS)
                .call(Helper.USER_RINGBUF_DRAIN)
                .store(Size.DW, R9, 8 * DR_RET, R0)
                .load(Size.DW, R1, R10, -16).atomicAdd(Size.DW, R9, 8 * DR_SUM, R1)
                .load(Size.DW, R1, R10, -24).atomicAdd(Size.DW, R9, 8 * DR_COUNT, R1)
                .mov(R1, 1).atomicAdd(Size.DW, R9, 8 * DR_CALLS, R1)
                .label("out")
                .mov(R0, 0)
                .exit()
                // long cb(struct bpf_dynptr *sample, void *ctx): ctx -> {count, sum}
                .function("cb", 2)
                .mov(R6, R2)
                .storeImm(Size.DW, R10, -8, 0)
                .mov(R3, R1)
                .mov(R1, R10).add(R1, -8)
                .mov(R2, 8)
                .mov(R4, 0).mov(R5, 0)
                .call(Helper.DYNPTR_READ)
                .load(Size.DW, R1, R10, -8)
                .load(Size.DW, R2, R6, 8).add(R2, R1).store(Size.DW, R6, 8, R2)
                .load(Size.DW, R2, R6, 0).add(R2, 1).store(Size.DW, R6, 0, R2)
                .mov(R0, 0)
                .exit();
        return BpfProgram.load(ProgType.SOCKET_FILTER, "urb_drain", a.build());
    }

    /** Message operations of the message protocol. */
    static final int OP_ADD = 0, OP_MUL = 1, OP_ADD32 = 2, OP_MUL32 = 3;
    /** State of the message protocol: the kernel's running value and the drain's return value. */
    static final int MP_VALUE = 0, MP_RET = 1;

    /**
     * The message protocol: the program drains messages {u32 op, u32 pad, u64 operand}, applies
     * each to a running value kept in the state, and publishes the new value through the reply
     * RINGBUF after each message.
     */
    static BpfProgram messageProgram(BpfMap requests, BpfMap replies, BpfMap state) {
        Asm a = new Asm("urb_msg");
        stateInto9(a, state, "out");
        a.load(Size.DW, R1, R9, 8 * MP_VALUE).store(Size.DW, R10, -16, R1)   // ctx: running value
                .ldMap(R1, requests)
                .ldFunc(R2, "on_msg")
                .mov(R3, R10).add(R3, -16)
                .mov(R4, 0)
                .call(Helper.USER_RINGBUF_DRAIN)
                .store(Size.DW, R9, 8 * MP_RET, R0)
                .load(Size.DW, R1, R10, -16).store(Size.DW, R9, 8 * MP_VALUE, R1)
                .label("out")
                .mov(R0, 0)
                .exit()
                .function("on_msg", 2)
                .mov(R6, R2)                        // r6 = ctx (running value)
                .mov(R3, R1)
                .mov(R1, R10).add(R1, -16)
                .mov(R2, 16)
                .mov(R4, 0).mov(R5, 0)
                .call(Helper.DYNPTR_READ)
                .jne(R0, 0, "bad")
                .load(Size.W, R1, R10, -16)         // op
                .load(Size.DW, R2, R10, -8)         // operand
                .load(Size.DW, R3, R6, 0)           // value
                .jeq(R1, OP_ADD, "add")
                .jeq(R1, OP_MUL, "mul")
                .jeq(R1, OP_ADD32, "add32")
                .jeq(R1, OP_MUL32, "mul32")
                .label("bad")
                .mov(R0, 1)                         // stop draining on a malformed message
                .exit()
                .label("add").add(R3, R2).ja("store")
                .label("mul").mul(R3, R2).ja("store")
                .label("add32").add(R3, R2).mov32(R3, R3).ja("store")
                .label("mul32").mul(R3, R2).mov32(R3, R3)
                .label("store")
                .store(Size.DW, R6, 0, R3)
                .store(Size.DW, R10, -24, R3)
                .ldMap(R1, replies)
                .mov(R2, R10).add(R2, -24)
                .mov(R3, 8)
                .mov(R4, 0)
                .call(Helper.RINGBUF_OUTPUT)
                .mov(R0, 0)
                .exit();
        return BpfProgram.load(ProgType.SOCKET_FILTER, "urb_msg", a.build());
    }

    /** Reads field {@code index} (8 bytes) of element 0 of a state map. */
    static long field(BpfMap state, int index) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment key = arena.allocate(4);
            java.lang.foreign.MemorySegment value = arena.allocate(state.info().valueSize(), 8);
            if (!state.lookup(key, value)) {
                throw new AssertionError("state element 0 missing");
            }
            return value.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8L * index);
        }
    }

    /** Writes field {@code index} of element 0 of a state map (other fields unchanged). */
    static void setField(BpfMap state, int index, long v) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment key = arena.allocate(4);
            java.lang.foreign.MemorySegment value = arena.allocate(state.info().valueSize(), 8);
            state.lookup(key, value);
            value.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8L * index, v);
            state.update(key, value);
        }
    }
}
