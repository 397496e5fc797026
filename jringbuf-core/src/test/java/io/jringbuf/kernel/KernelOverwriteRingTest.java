/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.KernelRingReader;
import io.jringbuf.RingBuffer;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.Asm.Size;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.ProgType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.jringbuf.bpf.Reg.R0;
import static io.jringbuf.bpf.Reg.R1;
import static io.jringbuf.bpf.Reg.R10;
import static io.jringbuf.bpf.Reg.R2;
import static io.jringbuf.bpf.Reg.R3;
import static io.jringbuf.bpf.Reg.R6;
import static io.jringbuf.bpf.Reg.R7;
import static io.jringbuf.bpf.Reg.R9;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernel RINGBUF maps made with {@code BPF_F_RB_OVERWRITE} (Linux 6.19). Where the kernel is older
 * the map is refused with EINVAL, and the library's error says that the feature needs 6.19 and
 * names the running kernel (checked here); the tests of the kernel path skip on exactly that
 * refusal, printing it, and fail on any other (also under {@code JRINGBUF_REQUIRE_BPF=1}, which
 * only governs whether {@code bpf()} itself may be refused).
 */
class KernelOverwriteRingTest {
    private static final int SIZE = 4096;

    private static String release() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    }

    private static boolean atLeast619() throws IOException {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release());
        assertTrue(m.find(), "kernel release " + release());
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 6 || (major == 6 && minor >= 19);
    }

    /** Creates the map, or skips the test on the one refusal allowed: a kernel older than 6.19. */
    private static BpfMap overwriteMapOrSkip() throws IOException {
        KernelSupport.requireBpf();
        try {
            return BpfMap.createRingbuf("ow_ring", SIZE, BpfMap.F_RB_OVERWRITE);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EINVAL && !atLeast619() && e.getMessage().contains("need Linux 6.19")) {
                System.out.println("skipped: " + e.getMessage());
                Assumptions.abort("the kernel refused BPF_F_RB_OVERWRITE: " + e.getMessage());
            }
            throw e;
        }
    }

    @Test
    void beforeLinux619TheRefusalSaysSoAndNamesTheKernel() throws IOException {
        KernelSupport.requireBpf();
        Assumptions.assumeFalse(atLeast619(), "this kernel (" + release() + ") has BPF_F_RB_OVERWRITE");
        ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class,
                () -> BpfMap.createRingbuf("ow_ring", SIZE, BpfMap.F_RB_OVERWRITE));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("BPF_F_RB_OVERWRITE"), e.getMessage());
        assertTrue(e.getMessage().contains("need Linux 6.19"), e.getMessage());
        assertTrue(e.getMessage().contains(release()), "names the running kernel: " + e.getMessage());
        // The flag alone was the problem: the same map without it is created.
        BpfMap.createRingbuf("ow_ring", SIZE, 0).close();
    }

    /**
     * A program that, per run, takes {@code seq} from its state map, reserves 16 bytes, writes
     * seq into both words and submits without a wakeup.
     */
    private static BpfProgram sequenceProducer(BpfMap ring, BpfMap state) {
        Asm a = new Asm("ow_seq")
                .storeImm(Size.W, R10, -4, 0)
                .ldMap(R1, state).mov(R2, R10).add(R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "out")
                .mov(R9, R0)
                .mov(R7, 1).atomicFetchAdd(Size.DW, R9, 0, R7)   // r7 = seq++
                .ldMap(R1, ring).mov(R2, 16).mov(R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jeq(R0, 0, "out")
                .mov(R6, R0)
                .store(Size.DW, R6, 0, R7).store(Size.DW, R6, 8, R7)
                .mov(R1, R6).mov(R2, 1)                            // BPF_RB_NO_WAKEUP
                .call(Helper.RINGBUF_SUBMIT)
                .label("out")
                .mov(R0, 0)
                .exit();
        return BpfProgram.load(ProgType.SOCKET_FILTER, "ow_seq", a.build());
    }

    @Test
    void aLappedKernelRingIsReadFromOverwritePosWithTheNewestRecordsIntact() throws IOException {
        try (BpfMap ring = overwriteMapOrSkip();
             BpfMap state = BpfMap.createArray("ow_state", 8, 1);
             BpfProgram prog = sequenceProducer(ring, state);
             KernelRingReader reader = KernelRingReader.open(ring)) {
            int runs = 1000; // 24 bytes per record: a 4 KiB ring keeps 170
            prog.testRun(runs);
            List<Long> got = new ArrayList<>();
            reader.consume((b, o, l) -> {
                long a = b.get(ValueLayout.JAVA_LONG, o);
                assertEquals(a, b.get(ValueLayout.JAVA_LONG, o + 8), "intact");
                return got.add(a);
            });
            assertEquals(SIZE / 24, got.size(), "the ring's worth of newest records");
            for (int i = 0; i < got.size(); i++) {
                assertEquals(runs - got.size() + i, got.get(i), "in order, newest last");
            }
            assertEquals(0, reader.availableBytes(), "producer_pos - max(consumer_pos, overwrite_pos)");
            assertEquals(-1, reader.statistics().lost(), "the kernel keeps no lost count");
        }
    }

    @Test
    void aRingBufferReadsAnOverwriteMapWithTheOverwriteReader() throws IOException {
        try (BpfMap ring = overwriteMapOrSkip();
             BpfMap state = BpfMap.createArray("ow_state", 8, 1);
             BpfProgram prog = sequenceProducer(ring, state)) {
            List<Long> got = new ArrayList<>();
            try (RingBuffer rb = RingBuffer.create(ring, (b, o, l) -> got.add(b.get(ValueLayout.JAVA_LONG, o)))) {
                prog.testRun(500);
                rb.consume();
            }
            assertEquals(SIZE / 24, got.size());
            assertEquals(499L, got.getLast());
        }
    }
}
