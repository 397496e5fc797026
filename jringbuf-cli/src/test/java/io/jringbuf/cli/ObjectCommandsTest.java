/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.KernelRingReader;
import io.jringbuf.bpf.BpfFs;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.BtfLayout;
import io.jringbuf.bpf.BtfType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code run}, {@code cat --btf} and {@code gen} on real clang-compiled objects
 * ({@code records.bpf.c}: a struct with every kind of member, written by a socket program run
 * with BPF_PROG_TEST_RUN and by a tracepoint program on execve of the test's children).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ObjectCommandsTest {
    /** {@code struct every} as the fixture's program fills it (u32 = 4000000000 + seq_base + records before). */
    static final String EVERY = "{\"u8\":250,\"s8\":-5,\"u16\":65000,\"s16\":-30000,\"u32\":4000000000,"
            + "\"s32\":-2000000000,\"u64\":18364758544493064720,\"s64\":-9000000000000000000,\"flag\":true,"
            + "\"name\":\"say \\\"hi\\\"\\n\u00e9\",\"nums\":[1,2,3],\"in\":{\"a\":7,\"b\":-7},"
            + "\"pair\":[{\"a\":10,\"b\":11},{\"a\":20,\"b\":-21}],\"color\":\"GREEN\",\"odd_color\":3,\"bf_a\":5,"
            + "\"bf_b\":17,\"bf_neg\":-3,\"as_u32\":1069547520,\"as_float\":1.5,\"ptr\":18446612682375452280,"
            + "\"matrix\":[\"ab\",\"wxyz\"],\"ratio\":0.25,\"wide\":\"WIDE_TOP\"}";

    private static Path bpffs;

    @BeforeAll
    static void mount() throws Exception {
        BpfFixtures.requireBpf();
        bpffs = Files.createTempDirectory("jringbuf-cli-objects");
        BpfFs.ensureMounted(bpffs);
    }

    @AfterAll
    static void unmount() throws Exception {
        if (bpffs != null && BpfFs.isBpffs(bpffs)) {
            BpfFs.unmount(bpffs);
            Files.deleteIfExists(bpffs);
        }
    }

    /** The expected JSON for the record with this u32 (clang before 15 truncates the 64-bit enum). */
    static String every(long u32, Path object) {
        String json = EVERY.replace("\"u32\":4000000000", "\"u32\":" + u32);
        try (BpfObject obj = BpfObject.open(object)) {
            int wide = obj.btf().find(BtfType.Enum.class, "wide");
            if (!((BtfType.Enum) obj.btf().type(wide)).wide()) {
                json = json.replace("\"WIDE_TOP\"", "18364758544493064720");
            }
        }
        return json;
    }

    /** Runs the command in-process while a thread starts /bin/true (children of this JVM) every 50 ms. */
    static Cli.Result runWhileExecing(String... args) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Thread spawner = new Thread(() -> {
            while (!done.get()) {
                try {
                    new ProcessBuilder("/bin/true").start().waitFor(5, TimeUnit.SECONDS);
                    Thread.sleep(50); // a pace for the spawner, not a wait for a condition
                } catch (Exception e) {
                    return;
                }
            }
        });
        spawner.start();
        try {
            return Cli.run(args);
        } finally {
            done.set(true);
            spawner.join(10_000);
        }
    }

    @Test
    void runLoadsSetsAttachesAndPrintsJsonUntilTheCount() throws Exception {
        Path object = BpfFixtures.object("records");
        String pid = Long.toString(ProcessHandle.current().pid());
        Cli.Result r = runWhileExecing("run", object.toString(), "--set", "parent_tgid=" + pid, "--set", "seq_base=5",
                "--type", "every", "--count", "2", "--timeout", "60s");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of(every(4_000_000_005L, object), every(4_000_000_006L, object)), r.lines(),
                "--set seq_base=5 was folded into the program, one record per execve");
        assertEquals("", r.err());
        // Everything it made is gone: no program of that name stays loaded.
        assertGone("emit_on_exec");
    }

    @Test
    void runPrintsHexByDefaultAndASummaryWithNone() throws Exception {
        Path object = BpfFixtures.object("records");
        String pid = Long.toString(ProcessHandle.current().pid());
        Cli.Result hex = runWhileExecing("run", object.toString(), "--set", "parent_tgid=" + pid, "--count", "1",
                "--timeout", "60s");
        assertEquals(0, hex.exit(), hex.toString());
        assertEquals(1, hex.lines().size(), hex.toString());
        assertTrue(hex.lines().getFirst().matches("fa fb e8fd".replace(" ", "") + "[0-9a-f]{248}"), hex.out());
        Cli.Result none = runWhileExecing("run", object.toString(), "--set", "parent_tgid=" + pid, "--count", "3",
                "--format", "none", "--timeout", "60s");
        assertEquals(0, none.exit(), none.toString());
        assertEquals("", none.out());
        assertTrue(none.err().startsWith("run: 3 records, 384 bytes, "), none.err());
    }

    @Test
    void runStoppedBySigintExitsZeroAndLeavesNothingLoaded() throws Exception {
        Path object = BpfFixtures.object("records");
        Process run = Cli.start("run", object.toString(), "--type", "every");
        try {
            // Loaded and attached once bpftool sees its program (bounded wait).
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (bpftool("prog", "show", "name", "emit_on_exec").isBlank()) {
                assertTrue(System.nanoTime() < end && run.isAlive(), "run loaded its object: "
                        + (run.isAlive() ? "" : new String(run.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)));
                Thread.onSpinWait();
            }
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor());
            assertTrue(run.waitFor(20, TimeUnit.SECONDS), "run stopped on SIGINT");
            assertEquals(0, run.exitValue(), new String(run.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            assertGone("emit_on_exec");
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void runWithoutRecordsInTimeFailsAsCatDoes() {
        Path object = BpfFixtures.object("records");
        // parent_tgid 0: the program writes nothing.
        Cli.Result r = Cli.run("run", object.toString(), "--count", "1", "--timeout", "300ms");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("jringbuf run: timeout after 300ms: 0 of 1 records received"), r.err());
    }

    @Test
    void runErrorsAreOneLineNamingTheCulprit() {
        Path object = BpfFixtures.object("records");
        String o = object.toString();
        record Case(int exit, String contains, String... args) {
        }
        List<Case> cases = List.of(
                new Case(1, "/no/such/object.bpf.o", "run", "/no/such/object.bpf.o"),
                new Case(1, "no global variable 'nope'", "run", o, "--set", "nope=1"),
                new Case(1, "parent_tgid", "run", o, "--set", "parent_tgid=twelve"),
                new Case(1, "no struct 'nothing'", "run", o, "--type", "nothing"),
                new Case(1, "no map 'nomap'", "run", o, "--ring", "nomap"),
                new Case(1, "map 'counts' is a HASH map, not a RINGBUF map", "run",
                        BpfFixtures.object("maps").toString(), "--ring", "counts"),
                new Case(1, "no RINGBUF map", "run", BpfFixtures.object("globals").toString()),
                new Case(2, "has 2 RINGBUF maps [first, second]: choose one with --ring MAP", "run",
                        BpfFixtures.object("two_rings").toString()),
                new Case(1, "timeout after 100ms: 0 of 1 records received", "run", BpfFixtures.object("two_rings").toString(),
                        "--ring", "second", "--count", "1", "--timeout", "100ms"),
                new Case(2, "--format json needs --type", "run", o, "--format", "json"),
                new Case(2, "is not NAME=VALUE", "run", o, "--set", "parent_tgid"),
                new Case(2, "--count must be at least 1", "run", o, "--count", "0"));
        for (Case c : cases) {
            Cli.Result r = Cli.run(c.args);
            assertEquals(c.exit, r.exit(), String.join(" ", c.args) + ": " + r);
            assertEquals(1, r.err().lines().count(), String.join(" ", c.args) + ": " + r);
            assertTrue(r.err().startsWith("jringbuf run: ") && r.err().contains(c.contains), String.join(" ", c.args)
                    + ": " + r.err());
        }
    }

    @Test
    void aVerifierRejectionNamesTheProgramAndItsSourceLine() {
        Cli.Result r = Cli.run("run", BpfFixtures.object("run_reject").toString(), "--count", "1", "--timeout", "5s");
        assertEquals(1, r.exit(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("count_execs") && r.err().contains("run_reject.bpf.c:")
                && r.err().contains("REJECTED HERE") && r.err().contains("verifier: "), r.err());
        assertGone("count_execs");
    }

    @Test
    void catDecodesAPinnedRingWithTheTypeFromAnObject() {
        Path object = BpfFixtures.object("records");
        Path pin = bpffs.resolve("records");
        try (BpfObject obj = BpfObject.open(object)) {
            obj.load();
            obj.map("records").pin(pin);
            obj.program("emit").program().testRun(2);
            Cli.Result r = Cli.run("cat", "--pinned", pin.toString(), "--btf", object.toString(), "--type", "every",
                    "--count", "2", "--timeout", "5s");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(List.of(every(4_000_000_000L, object), every(4_000_000_001L, object)), r.lines());
            Cli.Result noType = Cli.run("cat", "--pinned", pin.toString(), "--btf", object.toString());
            assertEquals(2, noType.exit(), noType.toString());
            Cli.Result badType = Cli.run("cat", "--pinned", pin.toString(), "--btf", object.toString(), "--type", "x");
            assertEquals(1, badType.exit(), badType.toString());
            assertTrue(badType.err().contains("no struct 'x'"), badType.err());
        } finally {
            pin.toFile().delete();
        }
    }

    @Test
    void genWritesARecordThatCompilesAndReadsRealRecords(@TempDir Path dir) throws Exception {
        Path object = BpfFixtures.object("records");
        Cli.Result r = Cli.run("gen", object.toString(), "--type", "every", "--package", "gen.test", "--out",
                dir.toString());
        assertEquals(0, r.exit(), r.toString());
        Path source = dir.resolve("gen/test/Every.java");
        assertEquals(source.toString(), r.out().strip());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path classes = Files.createDirectories(dir.resolve("classes"));
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, null, diagnostics, "-d", classes.toString(), "-Xlint:all", "-Werror",
                source.toString());
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8) + "\n" + Files.readString(source));

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
             BpfObject obj = BpfObject.open(object)) {
            Class<?> every = loader.loadClass("gen.test.Every");
            Method read = every.getMethod("read", MemorySegment.class, long.class);
            Method u32InPlace = every.getMethod("u32", MemorySegment.class, long.class);
            assertEquals(BtfLayout.of(obj.btf(), "every").layout(), every.getField("LAYOUT").get(null),
                    "the generated layout is the library's");
            obj.load();
            obj.program("emit").program().testRun(2);
            List<Object> records = new ArrayList<>();
            List<Integer> inPlace = new ArrayList<>();
            try (KernelRingReader reader = KernelRingReader.open(obj.map("records"))) {
                assertEquals(2, reader.poll((buffer, offset, length) -> {
                    try {
                        records.add(read.invoke(null, buffer, offset));
                        inPlace.add((Integer) u32InPlace.invoke(null, buffer, offset));
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                    return true;
                }, Duration.ofSeconds(5)));
            }
            Object e = records.getFirst();
            assertEquals(List.of((int) 4_000_000_000L, (int) 4_000_000_001L), inPlace, "unsigned u32 in an int");
            assertEquals((byte) 250, get(e, "u8"));
            assertEquals((short) -30000, get(e, "s16"));
            assertEquals(0xfedcba9876543210L, get(e, "u64"));
            assertEquals(true, get(e, "flag"));
            assertEquals("say \"hi\"\n\u00e9", get(e, "name"));
            assertArrayEquals(new int[] {1, 2, 3}, (int[]) get(e, "nums"));
            assertEquals((byte) -7, get(get(e, "in"), "b"));
            Object[] pair = (Object[]) get(e, "pair");
            assertEquals((short) 20, get(pair[1], "a"));
            assertEquals((byte) -21, get(pair[1], "b"));
            assertEquals(2, get(e, "color"), "enum color GREEN");
            assertEquals(5L, get(e, "bf_a"));
            assertEquals(17L, get(e, "bf_b"));
            assertEquals(-3L, get(e, "bf_neg"));
            assertEquals(1.5f, get(e, "as_float"), "a member of the anonymous union, inline");
            assertEquals(1069547520, get(e, "as_u32"));
            assertArrayEquals(new String[] {"ab", "wxyz"}, (String[]) get(e, "matrix"));
            assertEquals(0.25, get(e, "ratio"));
            assertEquals(0xffff888012345678L, get(e, "ptr"));
        }
    }

    private static Object get(Object record, String component) throws ReflectiveOperationException {
        return record.getClass().getMethod(component).invoke(record);
    }

    @Test
    void genErrorsNameTheCulprit(@TempDir Path dir) {
        Path object = BpfFixtures.object("records");
        Cli.Result noType = Cli.run("gen", object.toString(), "--type", "nothing", "--out", dir.toString());
        assertEquals(1, noType.exit(), noType.toString());
        assertTrue(noType.err().contains("no struct 'nothing'"), noType.err());
        Cli.Result badPackage = Cli.run("gen", object.toString(), "--type", "every", "--package", "1bad");
        assertEquals(2, badPackage.exit(), badPackage.toString());
        Cli.Result missing = Cli.run("gen", "/no/such.o", "--type", "every");
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("/no/such.o"), missing.err());
    }

    /** No BPF program of this name is loaded (the kernel frees a closed program after an RCU grace period). */
    static void assertGone(String program) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String shown = "";
        while (System.nanoTime() < end) {
            shown = bpftool("prog", "show", "name", program);
            if (shown.isBlank()) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("program " + program + " is still loaded: " + shown);
    }

    static String bpftool(String... args) {
        List<String> command = new ArrayList<>(List.of(BpfFixtures.which("bpftool")));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bpftool finished");
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
