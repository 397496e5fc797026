/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.BpfLink;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.BpfObjectProgram;
import io.jringbuf.bpf.ProgType;
import io.jringbuf.internal.sys.Sys;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Programs attached by section name really fire: tracepoint, raw_tp, tp_btf, uprobe, and two
 * programs of one section; each writes {kind, tid, arg} for this process into one ring. kprobe,
 * ksyscall and fentry run where the kernel allows them and skip only on this kernel's specific
 * refusal (no kprobe PMU; BPF trampolines refused with EPERM), printing it.
 */
class BpfObjectAttachTest {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETPGID = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getpgid").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GETPPID = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getppid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPID = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getpid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));

    @BeforeEach
    void gate() {
        KernelSupport.requireBpf();
        ClangFixtures.requireTools();
    }

    static Path libc() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash > 0 && line.contains("libc.so")) {
                return Path.of(line.substring(slash).strip());
            }
        }
        throw new AssertionError("libc is not mapped into this process");
    }

    private static void trigger() throws Throwable {
        int r = (int) GETPGID.invokeExact(4242); // no such process: ESRCH, but sys_enter fires
        r = (int) GETPPID.invokeExact();
        r = (int) GETPID.invokeExact();
    }

    /** Reads records until every wanted kind arrived from this thread, or 10 s. */
    private static Map<Integer, Long> collect(BpfMap events, Set<Integer> kinds) throws Throwable {
        Map<Integer, Long> seen = new HashMap<>();
        int tid = Sys.gettid();
        try (RawRings.Reader reader = new RawRings.Reader(events.fd(), events.info().maxEntries())) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!seen.keySet().containsAll(kinds) && System.nanoTime() < deadline) {
                trigger();
                for (byte[] rec : reader.readRecords()) {
                    ByteBuffer b = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
                    int kind = b.getInt(0);
                    if (b.getInt(4) == tid) {
                        seen.put(kind, b.getLong(8));
                    }
                }
            }
        }
        return seen;
    }

    @Test
    void tracepointRawTpTpBtfUprobeAndTwoProgramsInOneSectionFire() throws Throwable {
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("attach"))) {
            obj.variable("target_tgid").set(ProcessHandle.current().pid());
            assertEquals(ProgType.TRACEPOINT, obj.program("tp_getpgid").type());
            assertEquals(ProgType.RAW_TRACEPOINT, obj.program("raw_getpgid").type());
            assertEquals(ProgType.TRACING, obj.program("btf_getpgid").type());
            assertEquals(ProgType.KPROBE, obj.program("uprobe_getpid").type());
            assertEquals("syscalls/sys_enter_getpgid", obj.program("tp_getpgid").attachTarget());
            assertEquals("tracepoint/syscalls/sys_enter_getppid", obj.program("getppid_second").section());
            assertFalse(obj.program("kprobe_getpgid").autoload(), "SEC(\"?kprobe/...\") is not autoloaded");
            obj.program("uprobe_getpid").setAttachTarget(libc() + ":getpid");
            obj.program("uretprobe_getpid").setAttachTarget(libc() + ":getpid");
            obj.load();
            List<BpfLink> links = obj.attachAll();
            assertEquals(7, links.size(), links.toString());
            Map<Integer, Long> seen = collect(obj.map("events"), Set.of(1, 2, 3, 4, 5, 6, 10));
            assertEquals(4242L, seen.get(1), "tracepoint: args[0] of getpgid");
            assertEquals(4242L, seen.get(2), "raw_tp: regs->di of getpgid");
            assertEquals(4242L, seen.get(3), "tp_btf: regs->di of getpgid");
            assertTrue(seen.containsKey(4), "uprobe on libc getpid fired: " + seen);
            assertEquals(ProcessHandle.current().pid(), seen.get(10), "uretprobe saw getpid's return value");
            assertTrue(seen.containsKey(5) && seen.containsKey(6), "both programs of one section fired: " + seen);
            // Closing a link detaches its program.
            links.get(0).close();
        }
    }

    /**
     * Attaches a program that this kernel may refuse. Only the named refusal skips (printing it);
     * any other failure fails the test.
     */
    private static void attachOrSkipOn(BpfObject obj, String program, int kind, int refusalErrno, String mark,
                                       String refusal)
            throws Throwable {
        BpfObjectProgram p = obj.program(program);
        p.setAutoload(true);
        try {
            obj.load();
            p.attach();
        } catch (ErrnoException e) {
            if (e.errno() == refusalErrno && e.getMessage().contains(mark)) {
                System.out.println("BpfObjectAttachTest: " + program + " refused by this kernel (" + refusal + "): "
                        + e.getMessage().lines().findFirst().orElse(""));
                Assumptions.abort(refusal + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
            throw e;
        }
        Map<Integer, Long> seen = collect(obj.map("events"), Set.of(kind));
        assertTrue(seen.containsKey(kind), program + " fired");
    }

    private static BpfObject attachObject() {
        BpfObject obj = BpfObject.open(ClangFixtures.object("attach"));
        obj.variable("target_tgid").set(ProcessHandle.current().pid());
        return obj;
    }

    @Test
    void kprobeRunsOrIsRefusedForLackOfTheKprobePmu() throws Throwable {
        try (BpfObject obj = attachObject()) {
            attachOrSkipOn(obj, "kprobe_getpgid", 7, Errno.ENOENT, "no kprobe PMU", "no kprobe PMU (CONFIG_KPROBES off)");
        }
    }

    @Test
    void ksyscallRunsOrIsRefusedForLackOfTheKprobePmu() throws Throwable {
        try (BpfObject obj = attachObject()) {
            attachOrSkipOn(obj, "ksyscall_getpgid", 8, Errno.ENOENT, "no kprobe PMU", "no kprobe PMU (CONFIG_KPROBES off)");
        }
    }

    @Test
    void fentryRunsOrIsRefusedForLackOfBpfTrampolines() throws Throwable {
        try (BpfObject obj = attachObject()) {
            attachOrSkipOn(obj, "fentry_getpgid", 9, Errno.EPERM, "BPF_PROG_LOAD", "BPF trampolines refused with EPERM");
        }
    }
}
