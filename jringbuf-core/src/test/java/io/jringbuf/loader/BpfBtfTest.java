/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.loader;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.Btf;
import io.jringbuf.bpf.BtfType;
import io.jringbuf.internal.btf.BtfData;
import io.jringbuf.internal.btf.BtfExt;
import io.jringbuf.internal.btf.BtfKind;
import io.jringbuf.internal.elf.ElfFile;
import io.jringbuf.internal.elf.ElfSection;
import io.jringbuf.kernel.ClangFixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BTF parser on clang's output, on the kernel's BTF, and on the builder's blobs; no root needed. */
class BpfBtfTest {
    private static BtfData objectBtf(String fixture) {
        ElfFile elf = ElfFile.parse(ClangFixtures.bytes(fixture), fixture);
        return BtfData.parse(elf.contents(elf.section(".BTF")), fixture + " .BTF");
    }

    @Test
    void resolvesTypesOfAClangObject() {
        BtfData btf = objectBtf("globals");
        int sec = btf.find(BtfKind.DATASEC, ".rodata");
        assertTrue(sec > 0, "clang emits a DATASEC for .rodata");
        int knobName = -1;
        for (int i = 0; i < btf.vlen(sec); i++) {
            int var = btf.secinfoType(sec, i);
            if (btf.name(var).equals("knob_name")) {
                knobName = var;
            }
        }
        assertTrue(knobName > 0);
        assertEquals(BtfKind.VAR, btf.kind(knobName));
        assertEquals(16, btf.sizeOf(knobName), "const volatile char[16] through VAR, CONST, VOLATILE, ARRAY");
        int array = btf.resolve(btf.type(knobName));
        assertEquals(BtfKind.ARRAY, btf.kind(array));
        assertEquals(16, btf.arrayLength(array));
        int elem = btf.resolve(btf.arrayElement(array));
        assertEquals(1, btf.sizeOf(elem));
        int mode = btf.find(BtfKind.ENUM, "mode");
        assertEquals(3, btf.vlen(mode));
        assertEquals("MODE_MUL", btf.enumName(mode, 2));
        assertEquals(7, btf.enumValue(mode, 2));
    }

    @Test
    void publicModelMatchesTheRawDecoder() {
        Btf btf = Btf.vmlinux();
        int task = btf.find(BtfType.Struct.class, "task_struct");
        assertTrue(task > 0);
        BtfType.Struct s = assertInstanceOf(BtfType.Struct.class, btf.type(task));
        assertEquals(btf.sizeOf(task), s.size());
        BtfType.Member pid = s.members().stream().filter(m -> m.name().equals("pid")).findFirst().orElseThrow();
        assertEquals(4, btf.sizeOf(pid.type()), "pid_t is 4 bytes");
        assertInstanceOf(BtfType.Typedef.class, btf.type(pid.type()));
        assertInstanceOf(BtfType.Int.class, btf.type(btf.resolve(pid.type())));
        // A bitfield member somewhere in task_struct (sched_reset_on_fork and friends).
        assertTrue(s.members().stream().anyMatch(m -> m.bitfieldSize() > 0), "task_struct has bitfields");
        assertTrue(btf.find(BtfType.Typedef.class, "btf_trace_sys_enter") > 0);
    }

    @Test
    void dotBtfExtHasFuncLineAndCoreRecordsPerSection() {
        ElfFile elf = ElfFile.parse(ClangFixtures.bytes("core"), "core");
        BtfData btf = BtfData.parse(elf.contents(elf.section(".BTF")), "core .BTF");
        BtfExt ext = BtfExt.parse(elf.contents(elf.section(".BTF.ext")), btf, "core .BTF.ext");
        List<BtfExt.FuncInfo> funcs = ext.funcInfo().get("raw_tp/sys_enter");
        assertEquals(1, funcs.size());
        assertEquals("read_task", btf.name(funcs.get(0).typeId()));
        assertFalse(ext.lineInfo().get("raw_tp/sys_enter").isEmpty());
        List<BtfExt.CoreRelo> relos = ext.coreRelos().get("raw_tp/sys_enter");
        assertTrue(relos.size() >= 4, "pid, tgid, real_parent, tgid, field_exists: " + relos);
        assertTrue(relos.stream().anyMatch(r -> r.kind() == 2), "a FIELD_EXISTS record");
        for (BtfExt.CoreRelo r : relos) {
            assertTrue(btf.string(r.accessStrOff()).matches("\\d+(:\\d+)*"), btf.string(r.accessStrOff()));
        }
    }

    @Test
    void builderAndParserShareOneModel() {
        Btf.Builder b = new Btf.Builder();
        int u32 = b.addInt("unsigned int", 4, false);
        int chr = b.add(new BtfType.Int("char", 1, true, true, false, 0, 8));
        int arr = b.add(new BtfType.Array(chr, u32, 16));
        int event = b.add(new BtfType.Struct("event", 24, List.of(
                new BtfType.Member("pid", u32, 0, 0),
                new BtfType.Member("flags", u32, 32, 3),
                new BtfType.Member("comm", arr, 64, 0))));
        int td = b.add(new BtfType.Typedef("event_t", event));
        int e64 = b.add(new BtfType.Enum("big", 8, false, List.of(new BtfType.Enumerator("HUGE", 1L << 40)), true));
        Btf btf = b.toBtf();
        assertEquals(24, btf.sizeOf(td));
        assertEquals(event, btf.resolve(td));
        BtfType.Struct s = assertInstanceOf(BtfType.Struct.class, btf.type(event));
        assertEquals(3, s.members().get(1).bitfieldSize());
        assertEquals(32, s.members().get(1).bitOffset());
        assertEquals(new BtfType.Array(chr, u32, 16), btf.type(arr));
        assertEquals(1L << 40, ((BtfType.Enum) btf.type(e64)).values().get(0).value());
        assertEquals(e64, btf.find(BtfType.Enum.class, "big"), "Enum.class finds ENUM64 too");
        // Re-encoding every parsed type gives the same bytes.
        Btf.Builder again = new Btf.Builder();
        for (int id = 1; id < btf.count(); id++) {
            again.add(btf.type(id));
        }
        assertEquals(java.util.HexFormat.of().formatHex(btf.toBytes()), java.util.HexFormat.of().formatHex(again.build()));
    }

    @Test
    void longerHeadersAreHonoured() {
        Btf.Builder b = new Btf.Builder();
        int u32 = b.addInt("unsigned int", 4, false);
        b.add(new BtfType.Typedef("u32_t", u32));
        byte[] blob = b.build();
        // A 32-byte header (as newer kernels write, with a layout section): offsets stay relative to its end.
        byte[] longer = new byte[blob.length + 8];
        System.arraycopy(blob, 0, longer, 0, 24);
        System.arraycopy(blob, 24, longer, 32, blob.length - 24);
        java.nio.ByteBuffer.wrap(longer).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4, 32);
        Btf btf = Btf.parse(longer);
        assertEquals(3, btf.count());
        assertEquals(new BtfType.Typedef("u32_t", 1), btf.type(2));
        assertEquals(4, btf.sizeOf(2));
    }

    @Test
    void malformedBtfIsAnErrnoException() {
        byte[] blob = new Btf.Builder().toBtf().toBytes();
        blob[0] = (byte) 0xeb;
        blob[1] = (byte) 0x9f;
        ErrnoException e = assertThrows(ErrnoException.class, () -> Btf.parse(blob));
        assertTrue(e.getMessage().contains("big-endian"), e.getMessage());
        assertThrows(ErrnoException.class, () -> Btf.parse(new byte[10]));
    }

    @Test
    void elfSectionsOfAClangObject() throws Exception {
        Path o = ClangFixtures.object("attach");
        ElfFile elf = ElfFile.parse(Files.readAllBytes(o), o.toString());
        assertEquals(ElfFile.EM_BPF, elf.machine());
        ElfSection tp = elf.section("tracepoint/syscalls/sys_enter_getppid");
        assertTrue(tp.executable());
        long funcs = elf.symbols().stream().filter(s -> s.section() == tp.index() && s.type() == 2).count();
        assertEquals(2, funcs, "two programs in one section");
        byte[] be = Files.readAllBytes(o);
        be[5] = 2;
        ErrnoException e = assertThrows(ErrnoException.class, () -> ElfFile.parse(be, "be.o"));
        assertTrue(e.getMessage().contains("big-endian"), e.getMessage());
    }
}
