/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.BpfObjectMap;
import io.jringbuf.bpf.BpfObjectProgram;
import io.jringbuf.bpf.BpfVariable;
import io.jringbuf.bpf.BtfLayout;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The demo's committed object ({@code examples/execsnoop/execsnoop.bpf.o}) is the one its source
 * builds: the source's SHA-256 is the one build.sh recorded when it built the object, and a fresh
 * build with clang has the same programs, sections, maps, variables and {@code struct exec_event}
 * layout, and, where this machine has the clang and the kernel BTF that build.sh recorded, the
 * same instructions byte for byte (elsewhere the instructions' CO-RE offsets may differ, and the
 * object is checked by loading it: {@code KernelCommandsTest} runs the demo and checks the
 * records' pid and parent pid). The jar carries the same bytes.
 */
class ExampleObjectTest {
    static final Path DIR = BpfFixtures.MODULE.resolveSibling("examples").resolve("execsnoop");

    @Test
    void theCommittedObjectIsBuiltFromTheCommittedSource() throws Exception {
        byte[] source = Files.readAllBytes(DIR.resolve("execsnoop.bpf.c"));
        String recorded = Files.readString(DIR.resolve("execsnoop.bpf.c.sha256")).strip();
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source));
        assertEquals(recorded, actual, "execsnoop.bpf.c changed since execsnoop.bpf.o was built: run "
                + "examples/execsnoop/build.sh and commit both");
        assertArrayEquals(Files.readAllBytes(DIR.resolve("execsnoop.bpf.o")), ObjectExecsnoop.objectBytes(),
                "the jar's object is the committed one");
    }

    @Test
    void aFreshBuildHasTheSameProgramsMapsVariablesAndRecord() throws Exception {
        BpfFixtures.requireTools();
        Path fresh = BpfFixtures.compile(DIR.resolve("execsnoop.bpf.c"),
                BpfFixtures.MODULE.resolve("target/bpf/execsnoop-fresh.bpf.o"));
        try (BpfObject committed = BpfObject.open(DIR.resolve("execsnoop.bpf.o"));
             BpfObject rebuilt = BpfObject.open(fresh)) {
            assertEquals(describe(rebuilt), describe(committed));
            assertEquals(BtfLayout.of(rebuilt.btf(), "exec_event").layout(),
                    BtfLayout.of(committed.btf(), "exec_event").layout());
            assertNotNull(committed.program("trace_execve"));
        }
        // The instructions depend on the compiler and on the kernel types vmlinux.h was written
        // from; where both are the ones build.sh recorded, they must be the same bytes.
        List<String> builtWith = Files.readAllLines(DIR.resolve("execsnoop.bpf.o.built-with"));
        String clang = "clang: " + firstLine(List.of(BpfFixtures.which("clang"), "--version"));
        String vmlinux = "vmlinux: " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux"))));
        if (builtWith.equals(List.of(clang, vmlinux))) {
            String section = "tracepoint/syscalls/sys_enter_execve";
            assertArrayEquals(section(Files.readAllBytes(fresh), section),
                    section(Files.readAllBytes(DIR.resolve("execsnoop.bpf.o")), section), "the program's instructions");
        } else {
            System.out.println("ExampleObjectTest: instructions not compared: the object was built with " + builtWith
                    + ", this machine has [" + clang + ", " + vmlinux + "]");
        }
    }

    private static String firstLine(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().findFirst().orElse("").strip();
    }

    /** The bytes of an ELF64 little-endian file's section by name (enough ELF for this test). */
    static byte[] section(byte[] elf, String name) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(elf).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3e));
        long names = b.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        for (int i = 0; i < shnum; i++) {
            int at = (int) (shoff + (long) i * shentsize);
            int nameAt = (int) (names + Integer.toUnsignedLong(b.getInt(at)));
            int end = nameAt;
            while (elf[end] != 0) {
                end++;
            }
            if (new String(elf, nameAt, end - nameAt, java.nio.charset.StandardCharsets.US_ASCII).equals(name)) {
                int offset = (int) b.getLong(at + 0x18);
                int size = (int) b.getLong(at + 0x20);
                return java.util.Arrays.copyOfRange(elf, offset, offset + size);
            }
        }
        throw new AssertionError("no section " + name);
    }

    private static List<String> describe(BpfObject o) {
        List<String> d = new java.util.ArrayList<>();
        d.add("license " + o.license());
        for (BpfObjectProgram p : o.programs()) {
            d.add("program " + p.name() + " " + p.section() + " " + p.type() + " autoload " + p.autoload());
        }
        for (BpfObjectMap m : o.maps()) {
            d.add(m.toString());
        }
        for (BpfVariable v : o.variables()) {
            d.add("variable " + v.name() + " " + v.section() + " " + v.size() + " " + v.type());
        }
        return d;
    }
}
