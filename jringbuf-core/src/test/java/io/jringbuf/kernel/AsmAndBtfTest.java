/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.Btf;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.Program;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

import static io.jringbuf.bpf.Reg.R0;
import static io.jringbuf.bpf.Reg.R1;
import static io.jringbuf.bpf.Reg.R2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encoding checks that need no kernel: instruction bytes, label offsets, the BTF blob layout. */
class AsmAndBtfTest {
    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void encodesInstructionsAndResolvesForwardAndBackwardLabels() {
        Program p = new Asm()
                .label("top")                 // 0
                .mov(R1, 7)                   // 0: b7 01 0000 07000000
                .ldImm64(R2, 0x1_0000_0002L)  // 1-2
                .jeq(R1, 0, "end")            // 3: forward, skips slot 4 → off 1
                .ja("top")                    // 4: back to 0 → off -5
                .label("end")
                .call(Helper.RINGBUF_OUTPUT)  // 5
                .mov(R0, R1)                  // 6
                .exit()                       // 7
                .build();
        assertEquals(8, p.slots());
        ByteBuffer b = le(p.code());
        assertEquals("b701000007000000", HexFormat.of().formatHex(p.code(), 0, 8));
        assertEquals(0x18, b.get(8) & 0xff);
        assertEquals(2, b.getInt(12));
        assertEquals(1, b.getInt(20), "high half of the 64-bit immediate in the second slot");
        assertEquals(0x15, b.get(24) & 0xff);
        assertEquals(1, b.getShort(26), "jump offsets count from the next instruction, ld_imm64 as two slots");
        assertEquals(0x05, b.get(32) & 0xff);
        assertEquals(-5, b.getShort(34));
        assertEquals(0x85, b.get(40) & 0xff);
        assertEquals(130, b.getInt(44));
        assertEquals(0xbf, b.get(48) & 0xff);
        assertEquals(0x10, b.get(49) & 0xff, "dst r0, src r1");
        assertEquals(0x95, b.get(56) & 0xff);
    }

    @Test
    void functionPointerAndLocalCallOffsetsAreRelativeToTheNextSlot() {
        Program p = new Asm()
                .ldFunc(R2, "cb")          // 0-1, target 4 → imm 3 (the kernel adds i + 1, not i + 2)
                .callLocal("cb")           // 2, → imm 1
                .exit()                    // 3
                .function("cb", 2)         // 4
                .mov(R0, 0)
                .exit()
                .build();
        ByteBuffer b = le(p.code());
        assertEquals(0x42, b.get(1) & 0xff, "src 4 = BPF_PSEUDO_FUNC, dst r2");
        assertEquals(3, b.getInt(4));
        assertEquals(0x10, b.get(17) & 0xff, "src 1 = BPF_PSEUDO_CALL");
        assertEquals(1, b.getInt(20));
        assertEquals(2, p.functions().size());
        assertEquals(4, p.functions().get(1).slot());
        assertTrue(p.hasSubprograms());
    }

    @Test
    void undefinedAndDuplicateLabelsAreErrors() {
        assertThrows(IllegalStateException.class, () -> new Asm().ja("nowhere").build());
        assertThrows(IllegalArgumentException.class, () -> new Asm().label("x").label("x"));
        assertThrows(IllegalArgumentException.class, () -> new Asm().mov(R1, 1L << 40));
    }

    /** The 148-byte blob measured to load on this kind of machine (a minimal BTF for one callback: types, func_info). */
    @Test
    void btfBuilderReproducesTheBlobTheKernelAccepted() {
        String expected = "9feb0100180000000000000064000000640000001800000001000000000000010400000020000001"
                + "000000000000000200000000000000000100000d0100000005000000020000000900000001"
                + "00000c03000000000000000200000d010000000e0000000200000005000000020000001500"
                + "00000000000c0500000000696e74006374780070726f670064796e707472006362 00".replace(" ", "");
        Btf.Builder b = new Btf.Builder();
        int i = b.addInt("int", 4, true);
        int ptr = b.addPtr(0);
        int proto = b.addFuncProto(i, new String[] {"ctx"}, new int[] {ptr});
        b.addFunc("prog", proto, Btf.Linkage.GLOBAL);
        int cbProto = b.addFuncProto(i, new String[] {"dynptr", "ctx"}, new int[] {ptr, ptr});
        int cb = b.addFunc("cb", cbProto, Btf.Linkage.STATIC);
        assertEquals(6, cb);
        byte[] blob = b.build();
        assertEquals(148, blob.length);
        assertArrayEquals(HexFormat.of().parseHex(expected), blob);
    }
}
