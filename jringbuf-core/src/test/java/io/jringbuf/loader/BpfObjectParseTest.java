/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.loader;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.BpfObjectProgram;
import io.jringbuf.bpf.ProgType;
import io.jringbuf.internal.bin.Bytes;
import io.jringbuf.internal.btf.BtfKind;
import io.jringbuf.internal.loader.Linker;
import io.jringbuf.internal.loader.ObjectParser;
import io.jringbuf.internal.loader.ObjectSpec;
import io.jringbuf.kernel.ClangFixtures;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the loader makes of clang's objects before anything reaches the kernel; no root needed. */
class BpfObjectParseTest {
    @Test
    void bigEndianNonElfAndMissingFilesAreRefusedClearly() throws Exception {
        ErrnoException be = assertThrows(ErrnoException.class,
                () -> BpfObject.open(ClangFixtures.bigEndianObject("rings")));
        assertEquals(io.jringbuf.base.Errno.ENOEXEC, be.errno());
        assertTrue(be.getMessage().contains("rings.bpfeb.o") && be.getMessage().contains("big-endian"), be.getMessage());
        ErrnoException source = assertThrows(ErrnoException.class,
                () -> BpfObject.open(ClangFixtures.SOURCES.resolve("rings.bpf.c")));
        assertTrue(source.getMessage().contains("not an ELF file"), source.getMessage());
        ErrnoException missing = assertThrows(ErrnoException.class,
                () -> BpfObject.open(java.nio.file.Path.of("/nonexistent/x.bpf.o")));
        assertEquals(io.jringbuf.base.Errno.ENOENT, missing.errno());
        // Without -g there is no .BTF, so .maps cannot be read: say so rather than fail on a relocation.
        java.nio.file.Path noBtf = java.nio.file.Files.createTempFile("maps-nobtf", ".o");
        try {
            Process strip = new ProcessBuilder("llvm-objcopy", "--remove-section=.BTF", "--remove-section=.BTF.ext",
                    "--remove-section=.rel.BTF", "--remove-section=.rel.BTF.ext",
                    ClangFixtures.object("maps").toString(), noBtf.toString()).redirectErrorStream(true).start();
            assertEquals(0, strip.waitFor(), new String(strip.getInputStream().readAllBytes()));
            ErrnoException e = assertThrows(ErrnoException.class, () -> BpfObject.open(noBtf));
            assertTrue(e.getMessage().contains("no .BTF") && e.getMessage().contains("-g"), e.getMessage());
        } finally {
            java.nio.file.Files.deleteIfExists(noBtf);
        }
        byte[] libc = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/exe"));
        ErrnoException notBpf = assertThrows(ErrnoException.class, () -> BpfObject.open(libc, "java"));
        assertTrue(notBpf.getMessage().contains("not a BPF object"), notBpf.getMessage());
    }

    @Test
    void programsPerFunctionAndAutoloadFromTheQuestionMark() {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("attach"))) {
            List<String> names = obj.programs().stream().map(BpfObjectProgram::name).toList();
            assertEquals(List.of("tp_getpgid", "raw_getpgid", "btf_getpgid", "uprobe_getpid", "uretprobe_getpid", "getppid_first",
                    "getppid_second", "kprobe_getpgid", "ksyscall_getpgid", "fentry_getpgid"), names);
            assertFalse(obj.program("fentry_getpgid").autoload());
            assertEquals("fentry/__x64_sys_getpgid", obj.program("fentry_getpgid").section());
            assertEquals("__x64_sys_getpgid", obj.program("fentry_getpgid").attachTarget());
            assertEquals(ProgType.TRACING, obj.program("fentry_getpgid").type());
            assertEquals("GPL", obj.license());
            assertThrows(ErrnoException.class, () -> obj.program("nope"));
            assertThrows(ErrnoException.class, () -> obj.map("events"), "kernel maps exist only after load");
            assertEquals(0, obj.objectMap("events").btfValueTypeId(), "a ring has no value type");
        }
    }

    @Test
    void linkerAppendsSubprogramsOnceAndRebasesEverything() {
        ObjectSpec spec = ObjectParser.parse(ClangFixtures.bytes("globals"), "globals");
        assertEquals(3, spec.text().size(), "twice, global_add and the bpf_loop callback: " + spec.text().values());
        ObjectSpec.ProgramSpec p = spec.programs().get(0);
        Map<String, Integer> fds = new HashMap<>();
        for (ObjectSpec.MapDef m : spec.maps()) {
            fds.put(m.name, 100 + fds.size());
        }
        Linker.Linked linked = Linker.link(spec, p, fds);
        int total = p.main.slots() + spec.text().values().stream().mapToInt(ObjectSpec.Function::slots).sum();
        assertEquals(total * 8, linked.code().length, "each subprogram appended once");
        assertEquals(4, linked.functions().size());
        // func_info: one per function, at each function's first instruction, increasing.
        int[] fi = linked.funcInfo();
        assertEquals(8, fi.length);
        assertEquals(0, fi[0]);
        for (int i = 1; i < 4; i++) {
            assertTrue(fi[2 * i] > fi[2 * (i - 1)]);
            assertTrue(linked.functions().containsValue(fi[2 * i]));
            assertEquals(BtfKind.FUNC, spec.btf().kind(fi[2 * i + 1]));
        }
        byte[] code = linked.code();
        int calls = 0;
        int callbacks = 0;
        int values = 0;
        for (int i = 0; i < code.length / 8; i++) {
            int op = code[i * 8] & 0xff;
            int src = (code[i * 8 + 1] >> 4) & 0xf;
            int imm = Bytes.le32(code, i * 8 + 4);
            if (op == 0x85 && src == 1) {
                calls++;
                assertTrue(linked.functions().containsValue(i + imm + 1), "call at " + i + " lands on a function start");
            } else if (op == 0x18 && src == 4) {
                callbacks++;
                assertTrue(linked.functions().containsValue(i + imm + 1), "callback address at " + i);
            } else if (op == 0x18 && src == 2) {
                values++;
                assertTrue(fds.containsValue(imm), "map fd in the first half");
                assertTrue(Bytes.le32(code, i * 8 + 12) >= 0, "offset in the second half");
            }
        }
        assertEquals(2, calls, "twice and global_add");
        assertEquals(1, callbacks, "bpf_loop's callback");
        assertTrue(values > 10, "global data loads became BPF_PSEUDO_MAP_VALUE: " + values);
        // line_info sorted and inside the program.
        int[] li = linked.lineInfo();
        for (int i = 4; i < li.length; i += 4) {
            assertTrue(li[i] >= li[i - 4]);
            assertTrue(li[i] < code.length / 8);
        }
    }

    @Test
    void coreRecordsKeepTheirInstructionsAfterLinking() {
        ObjectSpec spec = ObjectParser.parse(ClangFixtures.bytes("core"), "core");
        Map<String, Integer> fds = new HashMap<>();
        spec.maps().forEach(m -> fds.put(m.name, 3));
        Linker.Linked linked = Linker.link(spec, spec.programs().get(0), fds);
        int[] core = linked.coreRelos();
        assertTrue(core.length >= 16);
        for (int i = 0; i < core.length; i += 4) {
            assertEquals(0, core[i] % 8, "byte offset of an instruction");
            assertTrue(core[i] < linked.code().length);
            assertTrue(spec.btf().string(core[i + 2]).matches("\\d+(:\\d+)*"));
        }
    }

    @Test
    void typesOfVariablesAndMapValuesComeFromTheObjectsBtf() {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("globals"))) {
            io.jringbuf.bpf.Btf btf = obj.btf();
            io.jringbuf.bpf.BtfType name = obj.variable("knob_name").type();
            // C qualifies the elements: ARRAY of CONST/VOLATILE char.
            io.jringbuf.bpf.BtfType.Array array = (io.jringbuf.bpf.BtfType.Array) name;
            assertEquals(16, array.length());
            assertTrue(btf.type(btf.resolve(array.elementType())) instanceof io.jringbuf.bpf.BtfType.Int i && i.size() == 1);
            assertEquals(16, btf.sizeOf(obj.variable("knob_name").typeId()));
            int datasec = obj.objectMap(".rodata").btfValueTypeId();
            assertEquals(".rodata", btf.type(datasec).name());
        }
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("maps"))) {
            int value = obj.objectMap("counts").btfValueTypeId();
            assertEquals(8, obj.btf().sizeOf(value));
            assertEquals("__u64", obj.btf().type(value).name());
        }
    }

    @Test
    void variablesParseTextByTheirType() {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("globals"))) {
            obj.variable("knob_u8").setFromText("0xff");
            assertEquals(255, obj.variable("knob_u8").getLong());
            obj.variable("knob_s16").setFromText("-300");
            assertEquals(-300, obj.variable("knob_s16").getLong());
            obj.variable("knob_u32").setFromText("4000000000");
            assertEquals(4_000_000_000L, obj.variable("knob_u32").getLong());
            obj.variable("knob_s64").setFromText("-9223372036854775808");
            assertEquals(Long.MIN_VALUE, obj.variable("knob_s64").getLong());
            obj.variable("knob_bool").setFromText("true");
            assertTrue(obj.variable("knob_bool").getBoolean());
            obj.variable("knob_mode").setFromText("MODE_MUL");
            assertEquals(7, obj.variable("knob_mode").getLong());
            obj.variable("knob_mode").setFromText("3");
            assertEquals("MODE_SUM", obj.variable("knob_mode").getEnum());
            obj.variable("knob_name").setFromText("sshd");
            assertEquals("sshd", obj.variable("knob_name").getString());
            obj.variable("knob_array").setFromText("5, 6, 7, 0x8");
            assertEquals(java.util.List.of(5L, 6L, 7L, 8L),
                    java.util.Arrays.stream(obj.variable("knob_array").getLongs()).boxed().toList());
            for (String[] bad : new String[][] {{"knob_u8", "256"}, {"knob_u8", "ten"}, {"knob_bool", "yes"},
                    {"knob_mode", "MODE_NONE"}, {"knob_array", "1,2"}, {"knob_s64", "-9223372036854775809"},
                    {"knob_name", "a name far too long for sixteen"}}) {
                ErrnoException e = assertThrows(ErrnoException.class,
                        () -> obj.variable(bad[0]).setFromText(bad[1]), bad[0] + "=" + bad[1]);
                assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
            }
        }
    }

    @Test
    void datasecSizesAndOffsetsComeFromTheElf() {
        ObjectSpec spec = ObjectParser.parse(ClangFixtures.bytes("globals"), "globals");
        int rodata = spec.btf().find(BtfKind.DATASEC, ".rodata");
        assertEquals(spec.data().get(".rodata").image().length, spec.btf().sizeOrType(rodata));
        long last = -1;
        for (int i = 0; i < spec.btf().vlen(rodata); i++) {
            assertTrue(spec.btf().secinfoOffset(rodata, i) > last, "sorted by offset");
            last = spec.btf().secinfoOffset(rodata, i);
        }
        ObjectSpec.Variable name = spec.data().get(".rodata").variables().get("knob_name");
        assertEquals(16, name.size());
        assertEquals("default", new String(spec.data().get(".rodata").image(), (int) name.offset(), 7));
    }
}
