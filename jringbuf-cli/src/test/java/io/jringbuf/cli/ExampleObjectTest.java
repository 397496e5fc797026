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
 * layout (the instructions' CO-RE offsets depend on the kernel whose vmlinux.h built them, so they
 * are compared by loading: {@code KernelCommandsTest} runs the demo and checks the records' pid
 * and parent pid). The jar carries the same bytes.
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
