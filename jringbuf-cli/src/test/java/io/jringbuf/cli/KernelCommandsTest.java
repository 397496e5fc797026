/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.BpfFs;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.BpfSupport;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.ProgType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.jringbuf.bpf.Reg.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands on real kernel maps, pinned in a private bpffs and by id: {@code cat} of a RINGBUF
 * fed by a BPF program, {@code send} into a USER_RINGBUF drained by a BPF program, {@code stat},
 * the wrong-direction and wrong-type errors, and the BPF demo.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelCommandsTest {
    private static Path bpffs;

    @BeforeAll
    static void kernel() throws Exception {
        String refusal = BpfSupport.refusal();
        if (refusal != null) {
            if ("1".equals(System.getenv("JRINGBUF_REQUIRE_BPF"))) {
                Assertions.fail("JRINGBUF_REQUIRE_BPF=1 but the kernel refused bpf(): " + refusal);
            }
            Assumptions.abort("the kernel refused bpf(): " + refusal);
        }
        bpffs = Files.createTempDirectory("jringbuf-cli-bpffs");
        BpfFs.ensureMounted(bpffs);
    }

    @AfterAll
    static void unmount() throws Exception {
        if (bpffs != null && BpfFs.isBpffs(bpffs)) {
            BpfFs.unmount(bpffs);
            Files.deleteIfExists(bpffs);
        }
    }

    /** Each run writes one 8-byte record: 0x0102030405060708 + run number (little-endian). */
    private static BpfProgram producer(BpfMap ring, BpfMap counter) {
        return BpfProgram.load(ProgType.SOCKET_FILTER, "cli_prod", new Asm()
                .storeImm(Asm.Size.W, R10, -4, 0).ldMap(R1, counter).mov(R2, R10).add(R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM).jeq(R0, 0, "out").mov(R9, R0)
                .ldMap(R1, ring).mov(R2, 8).mov(R3, 0).call(Helper.RINGBUF_RESERVE)
                .jeq(R0, 0, "out").mov(R6, R0)
                .mov(R7, 1).atomicFetchAdd(Asm.Size.DW, R9, 0, R7)
                .ldImm64(R1, 0x0807060504030201L).add(R1, R7).store(Asm.Size.DW, R6, 0, R1)
                .mov(R1, R6).mov(R2, 0).call(Helper.RINGBUF_SUBMIT)
                .label("out").mov(R0, 0).exit().build());
    }

    @Test
    void catPrintsRecordsOfAPinnedRingbufAndStatReportsIt() {
        Path pin = bpffs.resolve("events");
        try (BpfMap ring = BpfMap.createRingbuf("cli_events", 4096);
             BpfMap counter = BpfMap.createArray("cli_cnt", 8, 1);
             BpfProgram p = producer(ring, counter)) {
            ring.pin(pin);
            p.testRun(3);
            Cli.Result cat = Cli.run("cat", "--pinned", pin.toString(), "--count", "3", "--timeout", "5s");
            assertEquals(0, cat.exit(), cat.toString());
            assertEquals(List.of("0102030405060708", "0202030405060708", "0302030405060708"), cat.lines());
            Cli.Result stat = Cli.run("stat", "--map-id", Integer.toString(ring.info().id()));
            assertEquals(0, stat.exit(), stat.toString());
            Map<String, String> v = keyValues(stat.lines());
            assertEquals("ringbuf", v.get("type"));
            assertEquals("4096", v.get("max_entries"));
            assertEquals("48", v.get("consumer_pos"));
            assertEquals("48", v.get("producer_pos"));
            assertEquals("0", v.get("available"));
            Cli.Result timeout = Cli.run("cat", "--pinned", pin.toString(), "--count", "1", "--timeout", "200ms");
            assertEquals(1, timeout.exit(), timeout.toString());
            assertTrue(timeout.err().contains("timeout"), timeout.err());
        } finally {
            pin.toFile().delete();
        }
    }

    @Test
    void sendWritesIntoAUserRingbufThatABpfProgramDrains() {
        Path pin = bpffs.resolve("requests");
        try (BpfMap ring = BpfMap.createUserRingbuf("cli_requests", 4096);
             BpfMap sum = BpfMap.createArray("cli_sum", 8, 1)) {
            ring.pin(pin);
            Cli.Result send = Cli.runWithInput("0100000000000000\n0200000000000000\n\n2a00000000000000\n",
                    "send", "--pinned", pin.toString());
            assertEquals(0, send.exit(), send.toString());
            Map<String, String> v = keyValues(Cli.run("stat", "--pinned", pin.toString()).lines());
            assertEquals("user_ringbuf", v.get("type"));
            assertEquals("48", v.get("producer_pos"));
            assertEquals("48", v.get("available"));
            // The BPF side: drain and add the first 8 bytes of every sample into sum[0].
            try (BpfProgram drain = BpfProgram.load(ProgType.SOCKET_FILTER, "cli_drain", new Asm()
                    .storeImm(Asm.Size.DW, R10, -8, 0)
                    .ldMap(R1, ring).ldFunc(R2, "cb").mov(R3, R10).add(R3, -8).mov(R4, 0)
                    .call(Helper.USER_RINGBUF_DRAIN)
                    .storeImm(Asm.Size.W, R10, -12, 0).ldMap(R1, sum).mov(R2, R10).add(R2, -12)
                    .call(Helper.MAP_LOOKUP_ELEM).jeq(R0, 0, "out")
                    .load(Asm.Size.DW, R1, R10, -8).store(Asm.Size.DW, R0, 0, R1)
                    .label("out").mov(R0, 0).exit()
                    .function("cb", 2)
                    .mov(R6, R2).mov(R3, R1).mov(R1, R10).add(R1, -8).mov(R2, 8).mov(R4, 0).mov(R5, 0)
                    .call(Helper.DYNPTR_READ)
                    .load(Asm.Size.DW, R1, R10, -8).load(Asm.Size.DW, R2, R6, 0).add(R2, R1).store(Asm.Size.DW, R6, 0, R2)
                    .mov(R0, 0).exit().build())) {
                drain.testRun(1);
            }
            assertEquals(1 + 2 + 42, sum.lookupLong(0));
        } finally {
            pin.toFile().delete();
        }
    }

    @Test
    void theWrongDirectionOrMapTypeIsAOneLineError() {
        try (BpfMap rb = BpfMap.createRingbuf("cli_rb", 4096);
             BpfMap urb = BpfMap.createUserRingbuf("cli_urb", 4096);
             BpfMap array = BpfMap.createArray("cli_arr", 8, 1)) {
            Cli.Result send = Cli.runWithInput("00\n", "send", "--map-id", Integer.toString(rb.info().id()));
            assertEquals(1, send.exit(), send.toString());
            assertTrue(send.err().contains("EINVAL") && send.err().contains("written by BPF programs"), send.err());
            Cli.Result cat = Cli.run("cat", "--map-id", Integer.toString(urb.info().id()), "--count", "1");
            assertEquals(1, cat.exit(), cat.toString());
            assertTrue(cat.err().contains("drained by BPF programs"), cat.err());
            Cli.Result wrong = Cli.run("stat", "--map-id", Integer.toString(array.info().id()));
            assertEquals(1, wrong.exit(), wrong.toString());
            assertTrue(wrong.err().contains("ARRAY map, not a RINGBUF or USER_RINGBUF map"), wrong.err());
            Cli.Result missing = Cli.run("stat", "--pinned", bpffs.resolve("nothing").toString());
            assertEquals(1, missing.exit(), missing.toString());
            assertTrue(missing.err().startsWith("jringbuf stat: ENOENT (2): "), missing.err());
            assertEquals(1, missing.err().lines().count(), "one line");
        }
    }

    @Test
    void theBpfDemoTracesExecveAndMakesRoundTrips() {
        Cli.Result demo = Cli.run("demo", "--duration", "2s", "--mode", "bpf");
        assertEquals(0, demo.exit(), demo.toString());
        List<String> lines = demo.lines();
        assertTrue(lines.get(0).startsWith("PID"), lines.get(0));
        if (Files.exists(Path.of("/sys/kernel/btf/vmlinux"))) {
            // The object's CO-RE needs the kernel's BTF; with it, the demo must use the object.
            assertTrue(demo.err().contains("examples/execsnoop/execsnoop.bpf.o (clang-built"), demo.err());
            // The demo (in this JVM) starts /bin/true: its parent, read by CO-RE, is this JVM.
            String me = Long.toString(ProcessHandle.current().pid());
            assertTrue(lines.stream().anyMatch(l -> l.endsWith("/bin/true") && l.split(" +")[1].equals(me)), demo.out());
        } else {
            assertTrue(demo.err().contains("the execsnoop object did not load ("), demo.err());
            assertTrue(lines.stream().anyMatch(l -> l.endsWith("/bin/true")), demo.out());
        }
        assertDemoTail(demo);
    }

    @Test
    void whereTheObjectDoesNotLoadTheDemoSaysWhyAndFallsBack() throws Exception {
        Path notAnObject = Files.createTempFile("not-an-object", ".o");
        Files.writeString(notAnObject, "not ELF");
        System.setProperty(ObjectExecsnoop.OVERRIDE, notAnObject.toString());
        try {
            Cli.Result demo = Cli.run("demo", "--duration", "2s", "--mode", "bpf");
            assertEquals(0, demo.exit(), demo.toString());
            assertTrue(demo.err().contains("the execsnoop object did not load (") && demo.err().contains("ENOEXEC"),
                    demo.err());
            assertTrue(demo.lines().stream().anyMatch(l -> l.endsWith("/bin/true")), demo.out());
            assertDemoTail(demo);
        } finally {
            System.clearProperty(ObjectExecsnoop.OVERRIDE);
            Files.deleteIfExists(notAnObject);
        }
    }

    private static void assertDemoTail(Cli.Result demo) {
        List<String> lines = demo.lines();
        Map<String, String> v = keyValues(lines.stream().filter(l -> l.contains(": ")).toList());
        assertTrue(Long.parseLong(v.get("execve_seen")) >= 1, demo.out());
        assertEquals("0", v.get("execve_lost"), "a 1 MiB ring read live loses nothing: " + demo.out());
        assertEquals("bpf", v.get("mode"));
        assertTrue(Long.parseLong(v.get("round_trips")) > 100, demo.out());
        assertTrue(Double.parseDouble(v.get("latency_p50_us")) <= Double.parseDouble(v.get("latency_p99_us")));
    }

    private static Map<String, String> keyValues(List<String> lines) {
        Map<String, String> m = new HashMap<>();
        for (String l : lines) {
            String[] kv = l.split(": ", 2);
            if (kv.length == 2) {
                m.put(kv[0], kv[1]);
            }
        }
        return m;
    }
}
