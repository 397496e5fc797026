/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.KernelRingReader;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.Btf;
import io.jringbuf.bpf.BtfLayout;
import io.jringbuf.bpf.BtfType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records by their BTF type: the layout of a clang-compiled struct with every kind of member
 * (offsets as clang placed them, names, padding, nested structs, arrays, bitfields), VarHandles
 * and JSON over a record a BPF program really wrote into a ring, and every struct of this
 * kernel's BTF.
 */
class BtfLayoutTest {
    /** What the fixture's program writes, as JSON. */
    static final String EXPECTED_JSON = "{\"u8\":250,\"s8\":-5,\"u16\":65000,\"s16\":-30000,\"u32\":4000000000,"
            + "\"s32\":-2000000000,\"u64\":18364758544493064720,\"s64\":-9000000000000000000,\"flag\":true,"
            + "\"name\":\"say \\\"hi\\\"\\n\u00e9\",\"nums\":[1,2,3],\"in\":{\"a\":7,\"b\":-7},"
            + "\"pair\":[{\"a\":10,\"b\":11},{\"a\":20,\"b\":-21}],\"color\":\"GREEN\",\"odd_color\":3,\"bf_a\":5,"
            + "\"bf_b\":17,\"bf_neg\":-3,\"as_u32\":1069547520,\"as_float\":1.5,\"ptr\":18446612682375452280,"
            + "\"matrix\":[\"ab\",\"wxyz\"],\"ratio\":0.25,\"wide\":\"WIDE_TOP\"}";

    @Test
    void theLayoutOfAStructWithEveryKindIsWhereClangPutIt() {
        ClangFixtures.requireTools();
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("records"))) {
            Btf btf = obj.btf();
            BtfLayout every = BtfLayout.of(btf, "every");
            StructLayout layout = every.layout();
            assertEquals("every", layout.name().orElseThrow());
            assertEquals(128, every.size());
            assertEquals(8, layout.byteAlignment(), "as C aligns it (u64 members)");
            // Every named, non-bitfield member is where the BTF says clang put it.
            BtfType.Struct s = (BtfType.Struct) btf.type(every.typeId());
            for (BtfType.Member m : s.members()) {
                if (!m.name().isEmpty() && m.bitfieldSize() == 0) {
                    assertEquals(m.bitOffset() / 8, every.offsetOf(m.name()), m.name());
                }
            }
            assertEquals(ValueLayout.JAVA_INT.withName("u32"), layout.select(MemoryLayout.PathElement.groupElement("u32")));
            assertEquals(ValueLayout.JAVA_BOOLEAN.withName("flag"), layout.select(MemoryLayout.PathElement.groupElement("flag")));
            assertInstanceOf(SequenceLayout.class, layout.select(MemoryLayout.PathElement.groupElement("name")));
            assertEquals(8, every.offsetOf("u32"));
            assertEquals(MemoryLayout.paddingLayout(2), layout.memberLayouts().get(4), "padding between s16 and u32");
            assertEquals(64 + 2, every.offsetOf("in.b"));
            assertEquals(68 + 4 + 2, every.offsetOf("pair[1].b"));
            assertEquals(88, every.offsetOf("as_float"), "a member of the anonymous union, found as C finds it");
            assertEquals(104 + 4 + 1, every.offsetOf("matrix[1][1]"));
            // The three bitfields: one padding named after them, covering their bytes.
            PaddingLayout bits = (PaddingLayout) layout.memberLayouts().stream()
                    .filter(l -> l.name().orElse("").equals("bf_a,bf_b,bf_neg")).findFirst().orElseThrow();
            assertEquals(2, bits.byteSize());
            BtfLayout.Bitfield neg = every.bitfield("bf_neg");
            assertEquals(84 * 8 + 8, neg.bitOffset());
            assertEquals(4, neg.bits());
            assertTrue(neg.signed());
            assertTrue(!every.bitfield("bf_b").signed());
            // Errors name the member and the struct.
            ErrnoException bitfield = assertThrows(ErrnoException.class, () -> every.varHandle("bf_a"));
            assertTrue(bitfield.getMessage().contains("bitfield(\"bf_a\")"), bitfield.getMessage());
            ErrnoException missing = assertThrows(ErrnoException.class, () -> every.varHandle("nope"));
            assertTrue(missing.getMessage().contains("struct 'every' has no member 'nope'"), missing.getMessage());
            ErrnoException array = assertThrows(ErrnoException.class, () -> every.varHandle("nums"));
            assertTrue(array.getMessage().contains("nums[0]"), array.getMessage());
            assertThrows(ErrnoException.class, () -> every.bitfield("u8"));
            ErrnoException noStruct = assertThrows(ErrnoException.class, () -> BtfLayout.of(btf, "no_such_struct"));
            assertTrue(noStruct.getMessage().contains("no struct 'no_such_struct'")
                    && noStruct.getMessage().contains("every"), noStruct.getMessage());
        }
    }

    @Test
    void aRecordWrittenByBpfReadsThroughVarHandlesAndAsJson() {
        KernelSupport.requireBpf();
        ClangFixtures.requireTools();
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("records"))) {
            obj.load();
            BtfLayout every = BtfLayout.of(obj.btf(), "every");
            VarHandle u32 = every.varHandle("u32");
            VarHandle u64 = every.varHandle("u64");
            VarHandle flag = every.varHandle("flag");
            VarHandle pairB = every.varHandle("pair[1].b");
            VarHandle asFloat = every.varHandle("as_float");
            VarHandle ratio = every.varHandle("ratio");
            BtfLayout.Bitfield bfB = every.bitfield("bf_b");
            BtfLayout.Bitfield bfNeg = every.bitfield("bf_neg");
            obj.program("emit").program().testRun(2);
            List<String> json = new ArrayList<>();
            List<long[]> values = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            try (KernelRingReader reader = KernelRingReader.open(obj.map("records"))) {
                int n = reader.poll((buffer, offset, length) -> {
                    assertEquals(128, length);
                    values.add(new long[] {
                        Integer.toUnsignedLong((int) u32.get(buffer, offset)), (long) u64.get(buffer, offset),
                        (boolean) flag.get(buffer, offset) ? 1 : 0, (byte) pairB.get(buffer, offset),
                        (long) ((float) asFloat.get(buffer, offset) * 10), (long) ((double) ratio.get(buffer, offset) * 100),
                        bfB.get(buffer, offset), bfNeg.get(buffer, offset)});
                    sb.setLength(0);
                    json.add(every.appendJson(buffer, offset, length, sb).toString());
                    return true;
                }, Duration.ofSeconds(5));
                assertEquals(2, n);
            }
            assertArrayEquals(new long[] {4_000_000_000L, 0xfedcba9876543210L, 1, -21, 15, 25, 17, -3}, values.get(0));
            assertEquals(4_000_000_001L, values.get(1)[0], "the second run's u32 counts on");
            String expected = EXPECTED_JSON;
            int wide = obj.btf().find(BtfType.Enum.class, "wide");
            if (!((BtfType.Enum) obj.btf().type(wide)).wide()) {
                // clang before 15 writes a 32-bit ENUM record, truncating WIDE_TOP: no name matches.
                expected = expected.replace("\"WIDE_TOP\"", "18364758544493064720");
            }
            assertEquals(expected, json.get(0));
            assertEquals(expected.replace("\"u32\":4000000000", "\"u32\":4000000001"), json.get(1));
        }
    }

    @Test
    void aShortRecordLeavesOutTheMembersThatDoNotFit() {
        ClangFixtures.requireTools();
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("records"))) {
            BtfLayout every = BtfLayout.of(obj.btf(), "every");
            MemorySegment zero = MemorySegment.ofArray(new byte[128]);
            assertEquals("{\"u8\":0,\"s8\":0,\"u16\":0}", every.appendJson(zero, 0, 5, new StringBuilder()).toString());
            assertEquals("{}", every.appendJson(zero, 0, 0, new StringBuilder()).toString());
        }
    }

    @Test
    void everyStructOfTheKernelHasALayoutOrANamedRefusal() {
        Btf vmlinux;
        try {
            vmlinux = Btf.vmlinux();
        } catch (ErrnoException e) {
            KernelSupport.requireBpf();
            throw e;
        }
        BtfLayout task = BtfLayout.of(vmlinux, "task_struct");
        BtfType.Struct ts = (BtfType.Struct) vmlinux.type(task.typeId());
        long pidBits = ts.members().stream().filter(m -> m.name().equals("pid")).findFirst().orElseThrow().bitOffset();
        assertEquals(pidBits / 8, task.offsetOf("pid"));
        assertEquals(vmlinux.sizeOf(task.typeId()), task.size());
        int built = 0;
        List<String> refused = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int id = 1; id < vmlinux.count(); id++) {
            if (vmlinux.type(id) instanceof BtfType.Struct s && s.size() > 0) {
                try {
                    BtfLayout l = BtfLayout.of(vmlinux, id);
                    assertEquals(s.size(), l.size(), s.name());
                    sb.setLength(0);
                    l.appendJson(MemorySegment.ofArray(new byte[(int) Math.min(s.size(), 1 << 20)]), 0,
                            Math.min(s.size(), 1 << 20), sb);
                    built++;
                } catch (ErrnoException e) {
                    refused.add(s.name() + ": " + e.getMessage());
                }
            }
        }
        System.out.println("vmlinux: " + built + " struct layouts built, " + refused.size() + " refused"
                + (refused.isEmpty() ? "" : ", e.g. " + refused.getFirst()));
        assertTrue(built > 1000, "built " + built);
        assertTrue(refused.isEmpty(), refused.toString());
    }
}
