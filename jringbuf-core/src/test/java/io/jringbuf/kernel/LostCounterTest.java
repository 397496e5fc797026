/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.CommitMode;
import io.jringbuf.KernelRingReader;
import io.jringbuf.RingBuffer;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.MapType;
import io.jringbuf.bpf.ProgType;
import io.jringbuf.bpf.Program;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import static io.jringbuf.bpf.Reg.R0;
import static io.jringbuf.bpf.Reg.R1;
import static io.jringbuf.bpf.Reg.R2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lost records of kernel rings, end to end: BPF programs that drop on purpose into a tiny ring
 * count the refusals in the ring's per-CPU lost counter (the {@code Asm} helper and the C header
 * {@code include/jringbuf_lost.h}), and the Java readers report the counter's total as the ring's
 * lost count.
 */
class LostCounterTest {
    private static final RecordHandler ALL = (b, o, l) -> RecordHandler.CONTINUE;

    @BeforeAll
    static void kernel() {
        KernelSupport.requireBpf();
    }

    @Test
    void anAsmProgramCountsWhatTheRingRefusesAndTheReaderReportsIt() {
        try (BpfMap ring = BpfMap.createRingbuf("tiny", 4096);
             BpfMap lost = BpfMap.createLostCounter("tiny")) {
            assertEquals("tiny_lost", lost.info().name());
            assertEquals(MapType.PERCPU_ARRAY, lost.type());
            // Each run reserves a 1 KiB record: a 4 KiB ring holds three (1032 bytes each).
            Program p = new Asm("drop")
                    .ringbufReserveOrCount(ring, 1024, lost, -8, "out")
                    .mov(R1, R0).mov(R2, 0).call(Helper.RINGBUF_SUBMIT)
                    .label("out")
                    .mov(R0, 0)
                    .exit()
                    .build();
            try (BpfProgram prog = BpfProgram.load(ProgType.SOCKET_FILTER, "drop", p);
                 KernelRingReader reader = KernelRingReader.open(ring, CommitMode.PER_RECORD, lost)) {
                assertEquals(0, reader.statistics().lost());
                prog.testRun(10);
                assertEquals(7, lost.sumPerCpuLong(0));
                assertEquals(7, reader.statistics().lost(), "the counter's total");
                assertEquals(3, reader.consume(ALL));
                prog.testRun(2);
                assertEquals(2, reader.consume(ALL));
                assertEquals(7, reader.statistics().lost(), "nothing refused once there was room");
            }
        }
    }

    @Test
    void theCHeaderCountsAndAnObjectsReadersFindTheCounterByName() {
        ClangFixtures.requireTools();
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("lost"))) {
            obj.load();
            BpfMap counter = obj.lostCounter("events").orElseThrow();
            assertEquals("events_lost", counter.info().name());
            assertTrue(obj.lostCounter("nothing").isEmpty());
            try (KernelRingReader reader = KernelRingReader.open(obj, "events", CommitMode.PER_RECORD);
                 RingBuffer rb = RingBuffer.create(obj, "events", ALL, RingBuffer.Options.DEFAULT)) {
                // Each run: a reserve and an output of 1 KiB; three records fit, the other five
                // attempts are refused and counted.
                obj.program("produce").program().testRun(4);
                assertEquals(5, reader.statistics().lost());
                assertEquals(5, rb.ring(0).statistics().lost());
                assertEquals(3, rb.consume(), "committed with NO_WAKEUP: consumed without waiting");
            }
            ErrnoException notARing = assertThrows(ErrnoException.class,
                    () -> KernelRingReader.open(obj, "events_lost", CommitMode.PER_RECORD));
            assertEquals(Errno.EINVAL, notARing.errno());
            assertTrue(notARing.getMessage().contains("events_lost") && notARing.getMessage().contains("PERCPU_ARRAY")
                    && notARing.getMessage().contains("RINGBUF"), notARing.getMessage());
        }
    }

    @Test
    void aMapThatIsNotAPerCpuCounterIsRefused() {
        try (BpfMap ring = BpfMap.createRingbuf("tiny2", 4096);
             BpfMap array = BpfMap.createArray("notpercpu", 8, 1)) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> KernelRingReader.open(ring, CommitMode.PER_RECORD, array));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().contains("not a per-CPU map"), e.getMessage());
        }
    }
}
