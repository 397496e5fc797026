/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.RingBuffer;
import io.jringbuf.UserRingBuffer;
import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.BpfFs;
import io.jringbuf.bpf.BpfLink;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.BpfVerifierException;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.MapInfo;
import io.jringbuf.bpf.MapType;
import io.jringbuf.bpf.ProgType;
import io.jringbuf.internal.sys.Sys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.jringbuf.bpf.Reg.R0;
import static io.jringbuf.bpf.Reg.R1;
import static io.jringbuf.bpf.Reg.R2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bpf layer against the real kernel: maps, pins, ids, program load/log, test_run, attach. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BpfObjectsTest {
    @BeforeAll
    static void kernel() {
        KernelSupport.requireBpf();
    }

    @Test
    void createsRingMapsAndReportsTheirInfo() {
        try (BpfMap rb = BpfMap.createRingbuf("rb_info", 1 << 14);
             BpfMap urb = BpfMap.createUserRingbuf("urb_info", 1 << 13)) {
            MapInfo i = rb.info();
            assertEquals(MapType.RINGBUF.number(), i.type());
            assertEquals(1 << 14, i.maxEntries());
            assertEquals("rb_info", i.name());
            assertTrue(i.id() > 0);
            assertEquals(MapType.USER_RINGBUF, urb.type());
            assertEquals(1 << 13, urb.info().maxEntries());
        }
    }

    @Test
    void ringSizesAreCheckedAndRoundedUpLikeLibbpf() {
        int page = Sys.pageSize();
        assertEquals(0, BpfMap.roundUpRingSize(0));
        assertEquals(page, BpfMap.roundUpRingSize(1));
        assertEquals(page, BpfMap.roundUpRingSize(page));
        assertEquals(2L * page, BpfMap.roundUpRingSize(page + 1));
        assertEquals(4L * page, BpfMap.roundUpRingSize(3L * page));
        ErrnoException e = assertThrows(ErrnoException.class, () -> BpfMap.createRingbuf("bad", 3L * page));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("roundUpRingSize gives " + 4L * page), e.getMessage());
        // The kernel's own check, reached through the general create call.
        ErrnoException k = assertThrows(ErrnoException.class, () -> BpfMap.create(MapType.RINGBUF, "bad", 0, 0, 12288, 0));
        assertEquals("EINVAL", k.errnoName());
        assertTrue(k.getMessage().contains("BPF_MAP_CREATE"), k.getMessage());
        assertThrows(ErrnoException.class, () -> BpfMap.createRingbuf("a name that is far too long", 4096));
        assertThrows(ErrnoException.class, () -> BpfMap.createRingbuf("bad/name", 4096));
    }

    @Test
    void pinsAProgramAndOpensItPinnedInAnotherDescriptor(@TempDir Path dir) throws Exception {
        Path fs = Files.createDirectory(dir.resolve("bpffs"));
        BpfFs.ensureMounted(fs);
        try (BpfMap state = BpfMap.createArray("pin_state", Programs.SEQ_STATE_SIZE, 1);
             BpfMap rb = BpfMap.createRingbuf("pin_rb", 1 << 14);
             BpfProgram p = Programs.sequenceProducer(rb, state, 8)) {
            Path pin = fs.resolve("producer");
            p.pin(pin);
            assertEquals(Errno.EEXIST, assertThrows(ErrnoException.class, () -> p.pin(pin)).errno());
            rb.pin(fs.resolve("ring"));
            try (BpfProgram pinned = BpfProgram.openPinned(pin)) {
                assertTrue(pinned.fd() != p.fd());
                assertEquals(ProgType.SOCKET_FILTER, pinned.type());
                assertEquals("rb_seq", pinned.name());
                // The pinned descriptor runs the same program: it bumps the same sequence.
                pinned.testRun(3);
                assertEquals(3, Programs.field(state, Programs.SQ_SEQ));
            }
            ErrnoException map = assertThrows(ErrnoException.class, () -> BpfProgram.openPinned(fs.resolve("ring")));
            assertEquals(Errno.EINVAL, map.errno());
            assertTrue(map.getMessage().contains("is not a BPF program"), map.getMessage());
            // And the other way round: a pinned program is not a map (it used to read its info as one's).
            long fdsBefore = openFds();
            ErrnoException prog = assertThrows(ErrnoException.class, () -> BpfMap.openPinned(pin));
            assertEquals(Errno.EINVAL, prog.errno());
            assertTrue(prog.getMessage().contains("is a BPF program, not a BPF map"), prog.getMessage());
            assertEquals(fdsBefore, openFds(), "the opened fd was closed");
            ErrnoException adoptProg = assertThrows(ErrnoException.class, () -> BpfMap.adopt(p.fd()));
            assertEquals(Errno.EINVAL, adoptProg.errno());
        } finally {
            BpfFs.unmount(fs);
        }
        ErrnoException missing = assertThrows(ErrnoException.class, () -> BpfProgram.openPinned(fs.resolve("producer")));
        assertEquals(Errno.ENOENT, missing.errno());
        ErrnoException closed = assertThrows(ErrnoException.class, () -> {
            BpfProgram p;
            try (BpfMap state = BpfMap.createArray("pin_state", Programs.SEQ_STATE_SIZE, 1);
                 BpfMap rb = BpfMap.createRingbuf("pin_rb", 1 << 14)) {
                p = Programs.sequenceProducer(rb, state, 8);
            }
            p.close();
            p.pin(fs.resolve("x"));
        });
        assertEquals(Errno.EBADF, closed.errno());
    }

    @Test
    void pinsOpensPinnedOpensByIdAndAdopts(@TempDir Path dir) throws Exception {
        Path fs = Files.createDirectory(dir.resolve("bpffs"));
        BpfFs.ensureMounted(fs);
        try (BpfMap rb = BpfMap.createRingbuf("rb_pin", 4096)) {
            assertTrue(BpfFs.isBpffs(fs));
            Path pin = fs.resolve("events");
            rb.pin(pin);
            ErrnoException twice = assertThrows(ErrnoException.class, () -> rb.pin(pin));
            assertEquals(Errno.EEXIST, twice.errno());
            try (BpfMap pinned = BpfMap.openPinned(pin); BpfMap byId = BpfMap.openById(rb.info().id())) {
                assertEquals(rb.info().id(), pinned.info().id());
                assertEquals(rb.info().id(), byId.info().id());
                assertEquals(MapType.RINGBUF, pinned.requireType(MapType.RINGBUF).type());
                ErrnoException wrong = assertThrows(ErrnoException.class, () -> pinned.requireType(MapType.USER_RINGBUF));
                assertEquals(Errno.EINVAL, wrong.errno());
                assertTrue(wrong.getMessage().contains("RINGBUF map, expected USER_RINGBUF"), wrong.getMessage());
            }
            // adopt: take over a raw fd (here one obtained by id) and close it through the wrapper
            BpfMap byId = BpfMap.openById(rb.info().id());
            try (BpfMap adopted = BpfMap.adopt(byId.fd())) {
                assertEquals(rb.info().id(), adopted.info().id());
                assertEquals("rb_pin", adopted.info().name());
            }
        } finally {
            BpfFs.unmount(fs);
        }
        ErrnoException missing = assertThrows(ErrnoException.class, () -> BpfMap.openPinned(fs.resolve("events")));
        assertEquals(Errno.ENOENT, missing.errno());
        assertThrows(ErrnoException.class, () -> BpfMap.openById(Integer.MAX_VALUE));
    }

    @Test
    void adoptTakesAnExistingFdAndConsumersRefuseTheWrongMapType() {
        try (BpfMap array = BpfMap.createArray("arr", 8, 4);
             BpfMap urb = BpfMap.createUserRingbuf("urb_wrong", 4096);
             BpfMap rb = BpfMap.createRingbuf("rb_wrong", 4096)) {
            MapInfo adopted = BpfMap.info(array.fd());
            assertEquals(MapType.ARRAY.number(), adopted.type());
            ErrnoException a = assertThrows(ErrnoException.class, () -> RingBuffer.create(array.fd(), (b, o, l) -> true));
            assertEquals(Errno.EINVAL, a.errno());
            ErrnoException b = assertThrows(ErrnoException.class, () -> RingBuffer.create(urb.fd(), (s, o, l) -> true));
            assertEquals(Errno.EINVAL, b.errno());
            ErrnoException c = assertThrows(ErrnoException.class, () -> UserRingBuffer.create(rb.fd()));
            assertEquals(Errno.EINVAL, c.errno());
            ErrnoException notAMap = assertThrows(ErrnoException.class, () -> BpfMap.adopt(0));
            assertTrue(notAMap.getMessage().contains("fd 0 is not a BPF object, not a BPF map"), notAMap.getMessage());
            array.updateLong(3, 99);
            assertEquals(99, array.lookupLong(3));
        }
    }

    @Test
    void aRefusedProgramCarriesTheVerifierLog() {
        // Reads R2 before anything set it: the verifier refuses with "R2 !read_ok".
        BpfVerifierException e = assertThrows(BpfVerifierException.class,
                () -> BpfProgram.load(ProgType.SOCKET_FILTER, "bad", new Asm().mov(R0, R2).exit().build()));
        assertEquals(Errno.EACCES, e.errno());
        assertTrue(e.log().contains("R2 !read_ok"), e.log());
        assertTrue(e.getMessage().contains("R2 !read_ok"), e.getMessage());
    }

    @Test
    void testRunRepeatsAndRawTracepointAttachSeesSyscalls() throws Exception {
        try (BpfMap counter = BpfMap.createArray("cnt", 8, 1)) {
            // Counts runs: counter[0] += 1 (atomic); filtered by this process for the tracepoint.
            Asm a = new Asm("count");
            a.storeImm(Asm.Size.W, io.jringbuf.bpf.Reg.R10, -4, 0)
                    .call(Helper.GET_CURRENT_PID_TGID).rsh(R0, 32)
                    .jne(R0, Sys.getpid(), "out")
                    .ldMap(R1, counter)
                    .mov(R2, io.jringbuf.bpf.Reg.R10).add(R2, -4)
                    .call(Helper.MAP_LOOKUP_ELEM)
                    .jeq(R0, 0, "out")
                    .mov(R1, 1).atomicAdd(Asm.Size.DW, R0, 0, R1)
                    .label("out").mov(R0, 0).exit();
            var program = a.build();
            try (BpfProgram p = BpfProgram.load(ProgType.SOCKET_FILTER, "count", program)) {
                BpfProgram.TestRun r = p.testRun(1000);
                assertEquals(0, r.retval());
                assertEquals(1000, counter.lookupLong(0));
            }
            counter.updateLong(0, 0);
            try (BpfProgram p = BpfProgram.load(ProgType.RAW_TRACEPOINT, "count_raw", program)) {
                try (BpfLink link = p.attachRawTracepoint("sys_enter")) {
                    for (int i = 0; i < 100; i++) {
                        Sys.rawKill(Sys.getpid(), 0);
                    }
                }
                long seen = counter.lookupLong(0);
                assertTrue(seen >= 100, "every kill(2) of this process was seen, and the JVM's own syscalls: " + seen);
                long after = counter.lookupLong(0);
                Sys.rawKill(Sys.getpid(), 0);
                assertEquals(after, counter.lookupLong(0), "detached after close");
            }
            counter.updateLong(0, 0);
            try (BpfProgram p = BpfProgram.load(ProgType.TRACEPOINT, "count_tp", program)) {
                ErrnoException noTestRun = assertThrows(ErrnoException.class, () -> p.testRun(1));
                assertEquals("ENOTSUPP", noTestRun.errnoName());
                try (BpfLink link = p.attachTracepoint("syscalls", "sys_enter_kill")) {
                    for (int i = 0; i < 100; i++) {
                        Sys.rawKill(Sys.getpid(), 0);
                    }
                }
                assertEquals(100, counter.lookupLong(0), "the tracepoint fires once per kill(2) of this process");
            }
        }
    }

    private static long openFds() throws java.io.IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
