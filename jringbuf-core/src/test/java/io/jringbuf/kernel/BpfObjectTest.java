/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.BpfFs;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.BpfObjectMap;
import io.jringbuf.bpf.BpfVariable;
import io.jringbuf.bpf.BpfVerifierException;
import io.jringbuf.bpf.MapType;
import io.jringbuf.bpf.ProgType;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.sys.Sys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clang-built objects loaded into the real kernel: maps, global data, subprograms, callbacks, rejections. */
class BpfObjectTest {
    @BeforeEach
    void gate() {
        KernelSupport.requireBpf();
        ClangFixtures.requireTools();
    }

    private static long lookupLong(BpfMap map, long key, int keySize) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(keySize, 8);
            if (keySize == 4) {
                k.set(ValueLayout.JAVA_INT, 0, (int) key);
            } else {
                k.set(ValueLayout.JAVA_LONG, 0, key);
            }
            MemorySegment v = arena.allocate(Math.max(8, map.info().valueSize()), 8);
            assertTrue(map.lookup(k, v), "key " + key + " in " + map);
            return map.info().valueSize() == 4 ? v.get(ValueLayout.JAVA_INT, 0) : v.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    @Test
    void btfMapsOfSeveralTypes() throws Exception {
        Path pins = Files.createTempDirectory("pins");
        BpfFs.ensureMounted(pins);
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("maps"))) {
            obj.pinRoot(pins);
            BpfObjectMap events = obj.objectMap("events");
            assertEquals(MapType.RINGBUF.number(), events.type());
            assertEquals(RingLayout.roundUpRingSize(10000, Sys.pageSize()), events.maxEntries(), "rounded as libbpf does");
            assertEquals(8, obj.objectMap("counts").valueSize());
            assertEquals(4, obj.objectMap("counts").keySize());
            assertEquals(8, obj.objectMap("recent").keySize());
            assertEquals(4, obj.objectMap("percpu_hash").keySize(), "key_size given as a number");
            assertTrue(obj.objectMap("pinned_counter").pinnedByName());
            obj.load();
            assertEquals(MapType.HASH, obj.map("counts").type());
            assertEquals(MapType.ARRAY, obj.map("slots").type());
            assertEquals(MapType.PERCPU_ARRAY, obj.map("percpu").type());
            assertEquals(MapType.LRU_HASH, obj.map("recent").type());
            assertEquals(MapType.PERCPU_HASH, obj.map("percpu_hash").type());
            assertEquals(ProgType.SOCKET_FILTER, obj.program("touch_maps").type());
            obj.program("touch_maps").program().testRun(3);
            assertEquals(3, lookupLong(obj.map("counts"), 7, 4), "3 runs: 1 insert + 2 atomic adds");
            assertEquals(120, obj.map("slots").lookupLong(2));
            assertEquals(5, lookupLong(obj.map("recent"), 99, 8));
            assertTrue(Files.exists(pins.resolve("pinned_counter")), "pinned by name under the pin root");
            assertEquals(3, obj.map("pinned_counter").lookupLong(0));
        }
        // A second object reuses the pinned map and its contents.
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("maps"))) {
            obj.pinRoot(pins).load();
            obj.program("touch_maps").program().testRun(1);
            assertEquals(4, obj.map("pinned_counter").lookupLong(0));
        } finally {
            Files.deleteIfExists(pins.resolve("pinned_counter"));
            BpfFs.unmount(pins);
            Files.deleteIfExists(pins);
        }
    }

    @Test
    void globalDataSubprogramsAndCallbacks() {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("globals"))) {
            assertEquals(8, obj.variable("knob_u8").getLong());
            assertEquals(-16, obj.variable("knob_s16").getLong());
            assertEquals("default", obj.variable("knob_name").getString());
            assertEquals("MODE_SUM", obj.variable("knob_mode").getEnum());
            assertArrayEquals(new long[] {1, 2, 3, 4}, obj.variable("knob_array").getLongs());
            obj.variable("knob_u8").set(200);
            obj.variable("knob_s16").set(-300);
            obj.variable("knob_u32").set(4_000_000_000L);
            obj.variable("knob_s64").set(Long.MIN_VALUE);
            obj.variable("knob_bool").set(true);
            obj.variable("knob_mode").setEnum("MODE_MUL");
            obj.variable("knob_name").set("jringbuf");
            obj.variable("knob_array").set(new long[] {10, 20, 30, 40});
            assertThrows(ErrnoException.class, () -> obj.variable("knob_u8").set(256));
            assertThrows(ErrnoException.class, () -> obj.variable("knob_s16").set(40000));
            assertThrows(ErrnoException.class, () -> obj.variable("knob_name").set("a name that is too long"));
            assertThrows(ErrnoException.class, () -> obj.variable("knob_name").set(5));
            assertThrows(ErrnoException.class, () -> obj.variable("knob_mode").setEnum("MODE_NONE"));
            assertThrows(ErrnoException.class, () -> obj.variable("knob_bool").set(2));
            assertThrows(ErrnoException.class, () -> obj.variable("no_such_variable"));
            obj.load();
            assertEquals("globals.rodata", obj.map(".rodata").info().name(), "libbpf's internal map names");
            assertEquals(".data.custom", obj.map(".data.custom").info().name(), "no prefix with a second dot");
            assertEquals("globals.bss", obj.map(".bss").info().name());
            assertEquals(1, obj.program("use_globals").program().testRun(1).retval());
            BpfVariable counter = obj.variable("bss_counter");
            assertEquals(2, counter.getLong(), "twice(0 + 1) through a static subprogram");
            assertEquals(4_000_000_000L + 200 - 300, obj.variable("bss_seen_u32").getLong(),
                    "u32 + u8 + global_add(s16, 0) through a global subprogram");
            assertEquals(Long.MIN_VALUE, obj.variable("bss_seen_s64").getLong());
            assertEquals(8, obj.variable("bss_name_len").getLong());
            assertEquals(100, obj.variable("bss_array_sum").getLong());
            assertEquals(1 | 7 << 8, obj.variable("bss_flags").getLong());
            assertEquals(45, obj.variable("loop_sum").getLong(), "bpf_loop callback summed 0..9");
            assertEquals(0x1122334455667789L, obj.variable("data_value").getLong());
            assertEquals("hello", obj.variable("data_greeting").getString());
            assertEquals(78, obj.variable("custom_value").getLong(), ".data.custom");
            // After load .bss/.data stay writable through the mapping; .rodata is frozen.
            counter.set(1000);
            obj.variable("data_value").set(1);
            obj.program("use_globals").program().testRun(1);
            assertEquals(1000 + 2002, counter.getLong(), "the program saw the value written from Java");
            assertEquals(2, obj.variable("data_value").getLong());
            ErrnoException frozen = assertThrows(ErrnoException.class, () -> obj.variable("knob_u8").set(1));
            assertTrue(frozen.getMessage().contains("frozen"), frozen.getMessage());
            assertEquals(200, obj.variable("knob_u8").getLong(), ".rodata readable after load");
        }
    }

    @Test
    void rodataKnobIsFoldedByTheVerifier() {
        // read_past_ctx = 1 makes the socket program read 1000 bytes into its 200-byte context,
        // which the verifier refuses; with 0 that branch is dead only because .rodata is frozen.
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("globals"))) {
            obj.load();
            assertEquals(1, obj.program("use_globals").program().testRun(1).retval());
        }
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("globals"))) {
            obj.variable("read_past_ctx").set(1);
            BpfVerifierException e = assertThrows(BpfVerifierException.class, obj::load);
            assertEquals("use_globals", e.program());
            assertTrue(e.log().contains("invalid bpf_context access"), e.log());
        }
    }

    @Test
    void userRingToCallbackToRing() {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("rings"))) {
            obj.load();
            BpfMap requests = obj.map("requests");
            BpfMap replies = obj.map("replies");
            assertEquals(MapType.USER_RINGBUF, requests.type());
            assertEquals(MapType.RINGBUF, replies.type());
            RawRings.UserWriter in = new RawRings.UserWriter(requests.fd(), requests.info().maxEntries());
            RawRings.Reader out = new RawRings.Reader(replies.fd(), replies.info().maxEntries());
            try {
                for (long v = 1; v <= 5; v++) {
                    assertTrue(in.write(v));
                }
                obj.program("echo").program().testRun(1);
                assertEquals(5, obj.variable("drained").getLong());
                long[] got = out.readLongs();
                assertArrayEquals(new long[] {1001, 1002, 1003, 1004, 1005}, got);
            } finally {
                in.close();
                out.close();
            }
        }
    }

    @Test
    void verifierRejectionCarriesTheSourceLine() {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("reject"))) {
            BpfVerifierException e = assertThrows(BpfVerifierException.class, obj::load);
            assertEquals("unchecked_lookup", e.program());
            assertTrue(e.sourceLine().contains("reject.bpf.c:"), e.sourceLine());
            assertTrue(e.sourceLine().contains("REJECTED HERE"), e.sourceLine());
            assertTrue(e.getMessage().contains("unchecked_lookup") && e.getMessage().contains("REJECTED HERE"),
                    e.getMessage());
            assertTrue(e.log().contains("map_value_or_null"), e.log());
            // A failed load closed what it made; the object only closes now.
            assertThrows(ErrnoException.class, obj::load);
        }
    }

    @Test
    void kconfigExternsGetTheKernelsValues() throws Exception {
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        String[] v = release.split("[.-]");
        long expected = Long.parseLong(v[0]) << 16 | Long.parseLong(v[1]) << 8 | Math.min(255, Long.parseLong(v[2]));
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("kconfig"))) {
            assertTrue(obj.objectMap(".kconfig").globalData());
            obj.load();
            obj.program("read_kconfig").program().testRun(1);
            assertEquals(expected, obj.variable("seen_version").getLong(), "KERNEL_VERSION of " + release);
            assertEquals(1, obj.variable("seen_wrapper").getLong(), "x86-64 kernels >= 4.17 wrap syscalls");
        }
        ErrnoException e = assertThrows(ErrnoException.class, () -> BpfObject.open(ClangFixtures.object("kconfig_unknown")));
        assertTrue(e.getMessage().contains("CONFIG_HZ") && e.getMessage().contains("LINUX_KERNEL_VERSION"), e.getMessage());
    }

    @Test
    void failedCoreRelocationIsNamed() {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("core_missing"))) {
            BpfVerifierException e = assertThrows(BpfVerifierException.class, obj::load);
            assertEquals("read_missing", e.program());
            assertTrue(e.getMessage().contains("CO-RE relocation #0 failed")
                    && e.getMessage().contains("no_such_field_in_any_kernel"), e.getMessage());
            assertTrue(e.sourceLine().contains("core_missing.bpf.c:"), e.sourceLine());
        }
    }

    @Test
    void unknownSectionFailsAtLoadUnlessAutoloadIsOff() {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("odd"))) {
            assertEquals(null, obj.program("unknown_kind").type());
            ErrnoException e = assertThrows(ErrnoException.class, obj::load);
            assertTrue(e.getMessage().contains("unknown_kind") && e.getMessage().contains("no_such_kind/at_all"),
                    e.getMessage());
        }
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("odd"))) {
            obj.program("unknown_kind").setAutoload(false);
            obj.objectMap("small_ring").setMaxEntries(5000);
            assertEquals(8192, obj.objectMap("small_ring").maxEntries(), "ring sizes rounded as libbpf does");
            obj.load();
            assertEquals(8192, obj.map("small_ring").info().maxEntries());
            assertEquals(7, obj.program("ordinary").program().testRun(1).retval(), "bpf_printk's string and a subprogram");
            assertEquals(42, obj.program("another").program().testRun(1).retval(), "the same subprogram, its own copy");
            assertEquals(2, obj.variable("shared_calls").getLong());
            assertThrows(ErrnoException.class, () -> obj.program("unknown_kind").program(), "not loaded");
            assertThrows(ErrnoException.class, () -> obj.objectMap("small_ring").setMaxEntries(4096), "after load");
            assertThrows(ErrnoException.class, () -> obj.program("ordinary").setAutoload(false), "after load");
            assertThrows(ErrnoException.class, () -> obj.program("ordinary").attach(), "socket filters do not attach by name");
        }
    }

    @Test
    void variablesAndMapsAreGoneAfterClose() throws Exception {
        long mappedBefore = bpfMappings();
        BpfObject obj = BpfObject.open(ClangFixtures.object("globals"));
        obj.load();
        assertEquals(mappedBefore + 4, bpfMappings(), ".rodata, .data, .data.custom and .bss are mapped");
        BpfVariable counter = obj.variable("bss_counter");
        BpfMap data = obj.map(".data");
        obj.close();
        obj.close(); // idempotent
        assertEquals(mappedBefore, bpfMappings(), "unmapped at close");
        ErrnoException e = assertThrows(ErrnoException.class, counter::getLong);
        assertEquals(io.jringbuf.base.Errno.EBADF, e.errno());
        assertThrows(ErrnoException.class, data::fd);
        assertThrows(ErrnoException.class, () -> obj.map(".data"));
    }

    @Test
    void pinnedMapOfAnotherShapeIsRefusedNamingBoth() throws Exception {
        Path pins = Files.createTempDirectory("pins");
        BpfFs.ensureMounted(pins);
        try (BpfMap other = BpfMap.createArray("pinned_counter", 4, 1)) {
            other.pin(pins.resolve("pinned_counter"));
            try (BpfObject obj = BpfObject.open(ClangFixtures.object("maps"))) {
                obj.pinRoot(pins);
                ErrnoException e = assertThrows(ErrnoException.class, obj::load);
                assertTrue(e.getMessage().contains("pinned_counter") && e.getMessage().contains("value=4")
                        && e.getMessage().contains("value=8"), e.getMessage());
            }
        } finally {
            Files.deleteIfExists(pins.resolve("pinned_counter"));
            BpfFs.unmount(pins);
            Files.deleteIfExists(pins);
        }
    }

    @Test
    void execsnoopLikeToolSeesAChildsExec() throws Exception {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("execsnoop"))) {
            long self = ProcessHandle.current().pid();
            obj.variable("parent_tgid").set(self);
            obj.load();
            obj.attachAll();
            BpfMap execs = obj.map("execs");
            try (RawRings.Reader reader = new RawRings.Reader(execs.fd(), execs.info().maxEntries())) {
                Process child = new ProcessBuilder("/bin/true").start();
                long childPid = child.pid();
                assertTrue(child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
                long deadline = System.nanoTime() + 10_000_000_000L;
                boolean found = false;
                while (!found && System.nanoTime() < deadline) {
                    for (byte[] r : reader.readRecords()) {
                        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(r).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                        String file = new String(r, 24, 64, java.nio.charset.StandardCharsets.UTF_8).split("\0")[0];
                        if (b.getInt(0) == childPid && file.equals("/bin/true")) {
                            assertEquals(self, b.getInt(4), "ppid by CO-RE");
                            found = true;
                        }
                    }
                    Thread.onSpinWait();
                }
                assertTrue(found, "an exec record for child " + childPid);
            }
        }
    }

    private static long bpfMappings() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("bpf-map")).count();
    }

    /** The id in {@code /proc/self/fdinfo} ({@code map_id:} or {@code prog_id:}). */
    private static String fdinfoId(int fd, String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith(key + ":")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        throw new AssertionError("no " + key + " in fdinfo of fd " + fd);
    }

    /** The btf_id bpftool reports for a map or program id. */
    private static String btfIdOf(String kind, String id) throws Exception {
        Process p = new ProcessBuilder("bpftool", "-j", kind, "show", "id", id).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"btf_id\":(\\d+)").matcher(out);
        assertTrue(m.find(), kind + " " + id + ": " + out);
        return m.group(1);
    }

    @Test
    void theObjectsBtfIsUploadedOnceForMapsAndPrograms() throws Exception {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("globals"))) {
            obj.load();
            java.util.Set<String> ids = new java.util.TreeSet<>();
            for (String map : java.util.List.of(".rodata", ".bss", ".data", ".data.custom")) {
                ids.add(btfIdOf("map", fdinfoId(obj.map(map).fd(), "map_id")));
            }
            ids.add(btfIdOf("prog", fdinfoId(obj.program("use_globals").program().fd(), "prog_id")));
            assertEquals(1, ids.size(), "one BTF object for every map and the program: " + ids);
        }
    }

    @Test
    void legacyMapsSectionIsRefusedWithTheReason() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> BpfObject.open(ClangFixtures.object("legacy")));
        assertTrue(e.getMessage().contains("legacy map definitions") && e.getMessage().contains("libbpf 1.0"),
                e.getMessage());
    }

    @Test
    void coreReadsOfTaskStructDoneByTheKernel() {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("core"))) {
            int tid = Sys.gettid();
            obj.variable("target_tid").set(tid);
            obj.load();
            obj.attachAll();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (obj.variable("hits").getLong() == 0 && System.nanoTime() < deadline) {
                Sys.gettid(); // any syscall from this thread fires sys_enter
                Thread.onSpinWait();
            }
            assertEquals(1, obj.variable("hits").getLong(), "the raw tracepoint fired for this thread");
            assertEquals(tid, obj.variable("seen_pid").getLong(), "task->pid is the thread id");
            assertEquals(ProcessHandle.current().pid(), obj.variable("seen_tgid").getLong());
            assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), obj.variable("seen_ppid").getLong(),
                    "task->real_parent->tgid");
            assertEquals(1, obj.variable("pid_exists").getLong());
            assertEquals(0, obj.variable("fake_exists").getLong(), "bpf_core_field_exists of a field no kernel has");
            io.jringbuf.bpf.Btf vmlinux = io.jringbuf.bpf.Btf.vmlinux();
            int task = vmlinux.find(io.jringbuf.bpf.BtfType.Struct.class, "task_struct");
            assertEquals(vmlinux.sizeOf(task), obj.variable("task_size").getLong(),
                    "bpf_core_type_size agrees with this library's reading of vmlinux BTF");
            assertEquals(1, obj.variable("task_type_exists").getLong());
            io.jringbuf.bpf.BtfType.Enum pidType = (io.jringbuf.bpf.BtfType.Enum) vmlinux.type(
                    vmlinux.find(io.jringbuf.bpf.BtfType.Enum.class, "pid_type"));
            long pgid = pidType.values().stream().filter(v -> v.name().equals("PIDTYPE_PGID")).findFirst()
                    .orElseThrow().value();
            assertEquals(pgid, obj.variable("pidtype_pgid").getLong(), "bpf_core_enum_value");
            assertEquals(0, obj.variable("reset_on_fork").getLong(), "a bitfield read through CO-RE shifts");
        }
    }
}
