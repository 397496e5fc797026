/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.BpfLink;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.BpfSupport;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.MapType;
import io.jringbuf.bpf.ProgType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.jringbuf.bpf.Reg.R0;
import static io.jringbuf.bpf.Reg.R1;
import static io.jringbuf.bpf.Reg.R2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live view on real kernel maps: {@code stat}'s lost count (the counter found by convention,
 * none, or given with {@code --lost-map}), {@code top}'s rows for kernel rings, {@code cat --peek},
 * and the warning of a consuming {@code cat} when another process holds the map.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveKernelTest {

    @BeforeAll
    static void kernel() {
        String refusal = BpfSupport.refusal();
        if (refusal != null) {
            if ("1".equals(System.getenv("JRINGBUF_REQUIRE_BPF"))) {
                Assertions.fail("JRINGBUF_REQUIRE_BPF=1 but the kernel refused bpf(): " + refusal);
            }
            Assumptions.abort("the kernel refused bpf(): " + refusal);
        }
    }

    /** Each run reserves 1 KiB (the record's first byte: 0x2a) or counts a refusal: a 4 KiB ring holds three. */
    private static BpfProgram dropper(BpfMap ring, BpfMap counter) {
        return BpfProgram.load(ProgType.SOCKET_FILTER, "live_drop", new Asm("live_drop")
                .ringbufReserveOrCount(ring, 1024, counter, -8, "out")
                .storeImm(Asm.Size.B, R0, 0, 0x2a)
                .mov(R1, R0).mov(R2, 0).call(Helper.RINGBUF_SUBMIT)
                .label("out").mov(R0, 0).exit().build());
    }

    @Test
    void statShowsTheLostCountOfTheCounterFoundByNameOrGivenOrSaysUnknown() {
        try (BpfMap ring = BpfMap.createRingbuf("live_lc", 4096);
             BpfMap lost = BpfMap.createLostCounter("live_lc");
             BpfProgram p = dropper(ring, lost)) {
            p.testRun(5);
            Cli.Result r = Cli.run("stat", "--map-id", Integer.toString(ring.info().id()));
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.lines().contains("lost: 2"), r.out());
        }
        try (BpfMap ring = BpfMap.createRingbuf("live_other", 4096);
             BpfMap counter = BpfMap.create(MapType.PERCPU_ARRAY, "other_cnt", 4, 8, 1, 0);
             BpfProgram p = dropper(ring, counter)) {
            p.testRun(4);
            String id = Integer.toString(ring.info().id());
            Cli.Result unknown = Cli.run("stat", "--map-id", id);
            assertTrue(unknown.lines().contains("lost: unknown (no live_other_lost counter map found)"), unknown.out());
            Cli.Result given = Cli.run("stat", "--map-id", id, "--lost-map", Integer.toString(counter.info().id()));
            assertEquals(0, given.exit(), given.toString());
            assertTrue(given.lines().contains("lost: 1"), given.out());
            Cli.Result wrong = Cli.run("stat", "--map-id", id, "--lost-map", id);
            assertEquals(1, wrong.exit(), "a ring is not a counter: " + wrong);
            assertTrue(wrong.err().contains("not a per-CPU map of u64"), wrong.err());
        }
    }

    @Test
    void topAndWatchShowKernelRingsWithTheirLostCountAndPeekLeavesThemUnconsumed() throws Exception {
        try (BpfMap ring = BpfMap.createRingbuf("live_top", 4096);
             BpfMap lost = BpfMap.createLostCounter("live_top");
             BpfProgram p = dropper(ring, lost)) {
            p.testRun(4); // 3 records of 1032 bytes, 1 lost
            String name = "map live_top (id " + ring.info().id() + ")";
            Cli.Result top = Cli.run("top", "--dir", System.getProperty("java.io.tmpdir"), "--interval", "100ms",
                    "--count", "1");
            assertEquals(0, top.exit(), top.toString());
            Map<String, String> row = top.lines().stream().map(LiveViewTest::parse)
                    .filter(m -> name.equals(m.get("ring"))).findFirst().orElseThrow(() -> new AssertionError(top.out()));
            assertEquals("ringbuf", row.get("type"));
            assertEquals("3096", row.get("producer_pos"));
            assertEquals("3096", row.get("backlog"));
            assertEquals("1", row.get("lost"));
            assertEquals("-", row.get("wakeups"), "a kernel ring counts no wakeups");

            Cli.Result watch = Cli.run("stat", "--map-id", Integer.toString(ring.info().id()), "--watch", "100ms",
                    "--count", "2");
            assertEquals(0, watch.exit(), watch.toString());
            assertEquals(2, watch.lines().size(), watch.out());
            assertEquals("1", LiveViewTest.parse(watch.lines().get(1)).get("lost"));

            Cli.Result peek = Cli.run("cat", "--peek", "--map-id", Integer.toString(ring.info().id()));
            assertEquals(0, peek.exit(), peek.toString());
            assertEquals(3, peek.lines().size());
            assertTrue(peek.lines().stream().allMatch(l -> l.length() == 2048 && l.startsWith("2a")), peek.out());
            Cli.Result stat = Cli.run("stat", "--map-id", Integer.toString(ring.info().id()));
            assertTrue(stat.lines().contains("consumer_pos: 0"), "peek consumed nothing: " + stat.out());
        }
    }

    @Test
    void theDemoTracerCountsWhatItsRingRefusesAndStatFindsTheCounter() throws Exception {
        // The demo's execve tracer on a ring too small for 20 execs (296 bytes each in 4 KiB).
        try (BpfMap ring = BpfMap.createRingbuf("live_execs", 4096);
             BpfMap lost = BpfMap.createLostCounter("live_execs");
             BpfProgram tracer = BpfProgram.load(ProgType.RAW_TRACEPOINT, "live_execs", BpfDemo.execsnoop(ring, lost))) {
            try (BpfLink link = tracer.attachRawTracepoint("sys_enter")) {
                for (int i = 0; i < 20; i++) {
                    assertEquals(0, new ProcessBuilder("/bin/true").start().waitFor());
                }
            }
            long counted = lost.sumPerCpuLong(0);
            Cli.Result peek = Cli.run("cat", "--peek", "--map-id", Integer.toString(ring.info().id()));
            assertTrue(counted >= 1 && peek.lines().size() + counted >= 20,
                    "kept " + peek.lines().size() + " + lost " + counted + " of at least 20 execve");
            Cli.Result stat = Cli.run("stat", "--map-id", Integer.toString(ring.info().id()));
            assertTrue(stat.lines().contains("lost: " + counted), "found through the tracer's maps: " + stat.out());
        }
    }

    /**
     * A small process that opens the map by id ({@code BPF_MAP_GET_FD_BY_ID} through
     * {@code syscall(2)}), prints the fd and holds it until its stdin closes: quicker to start than
     * a JVM, and a process other than the command's, as execsnoop or bpftool would be. Without
     * python3, the holder is a child JVM running {@code stat --watch} on the map.
     */
    private static Process holder(int mapId) throws java.io.IOException {
        String script = String.join("\n",
                "import ctypes, struct, sys",
                "libc = ctypes.CDLL(None, use_errno=True)",
                "attr = ctypes.create_string_buffer(struct.pack('I', int(sys.argv[1])) + bytes(140))",
                "fd = libc.syscall(321, 14, attr, 144)",  // SYS_bpf, BPF_MAP_GET_FD_BY_ID, sizeof(bpf_attr)
                "print(fd if fd >= 0 else 'errno %d' % ctypes.get_errno(), flush=True)",
                "sys.stdin.read()");
        return new ProcessBuilder("python3", "-c", script, Integer.toString(mapId)).start();
    }

    @Test
    void aConsumingCatWarnsOnceNamingTheOtherProcessesThatHoldTheMap() throws Exception {
        try (BpfMap ring = BpfMap.createRingbuf("live_held", 4096)) {
            int id = ring.info().id();
            Cli.Result alone = Cli.run("cat", "--map-id", Integer.toString(id), "--timeout", "0ms");
            assertEquals(0, alone.exit(), alone.toString());
            assertFalse(alone.err().contains("warning"), "only this process holds it: " + alone.err());

            boolean python = java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3"));
            Process other = python ? holder(id) : Cli.start("stat", "--map-id", Integer.toString(id), "--watch", "10s");
            try {
                String first = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream()))
                        .readLine();
                assertTrue(first != null && (python ? first.matches("\\d+") : first.startsWith("time=")),
                        "the other process opened the map: " + first);
                Cli.Result shared = Cli.run("cat", "--map-id", Integer.toString(id), "--timeout", "0ms");
                assertEquals(0, shared.exit(), shared.toString());
                List<String> warnings = shared.err().lines().filter(l -> l.contains("warning")).toList();
                assertEquals(1, warnings.size(), shared.err());
                assertEquals("jringbuf cat: warning: map " + id + " is also open in process " + other.pid()
                        + (python ? " (python3)" : " (java)") + ": if one of them consumes it, each record goes to only one reader; use --peek to "
                        + "look without taking", warnings.get(0));
                Cli.Result peek = Cli.run("cat", "--peek", "--map-id", Integer.toString(id));
                assertFalse(peek.err().contains("warning"), "a peek takes nothing, so it does not warn");
            } finally {
                other.getOutputStream().close(); // the holder exits
                other.destroyForcibly();
                other.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
