/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.RingBuffer;
import io.jringbuf.UserRingBuffer;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.internal.memory.KernelRingMemory;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.jringbuf.kernel.Programs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ports of the kernel selftest {@code prog_tests/user_ringbuf.c}: a 4096-byte
 * USER_RINGBUF, 32-byte samples (40-byte records, 102 fit), drained by a BPF program built with
 * {@link io.jringbuf.bpf.Asm} calling {@code bpf_user_ringbuf_drain}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelUserRingbufTest {
    private static final int SIZE = 4096;
    private static final int SAMPLE = 32;
    private static final int FIT = SIZE / (SAMPLE + 8);

    private BpfMap ring;
    private BpfMap state;
    private BpfProgram drain;

    @BeforeAll
    static void kernel() {
        KernelSupport.requireBpf();
    }

    @BeforeEach
    void setUp() {
        ring = BpfMap.createUserRingbuf("urb", SIZE);
        state = BpfMap.createArray("urb_state", DRAIN_STATE_SIZE, 1);
        drain = drainProgram(ring, state);
    }

    @AfterEach
    void tearDown() {
        drain.close();
        state.close();
        ring.close();
    }

    /** Runs one drain; returns the helper's return value. */
    private long drain() {
        drain.testRun(1);
        return field(state, DR_RET);
    }

    private static void write(UserRingBuffer urb, long offset, long value) {
        urb.buffer().set(ValueLayout.JAVA_LONG, offset, value);
    }

    @Test
    void mappingsAreWhatTheKernelAllows() {
        int fd = ring.fd();
        int page = Sys.pageSize();
        MemorySegment cons = Sys.mmap(MemorySegment.NULL, page, Sys.PROT_READ, Sys.MAP_SHARED, fd, 0, "cons ro");
        assertTrue(Sys.rawMprotect(cons, page, Sys.PROT_READ | Sys.PROT_WRITE) < 0, "consumer page cannot become writable");
        assertTrue(Sys.rawMprotect(cons, page, Sys.PROT_READ | Sys.PROT_EXEC) < 0, "nor executable");
        assertTrue(Sys.rawMremap(cons, page, 2L * page, Sys.MREMAP_MAYMOVE) < 0, "nor remapped larger");
        Sys.rawMunmap(cons, page);
        KernelRingbufTest.assertErrno(Errno.EPERM, () -> Sys.mmap(MemorySegment.NULL, page,
                Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd, 0, "cons rw"));
        MemorySegment prod = Sys.mmap(MemorySegment.NULL, page, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd, page, "prod rw");
        assertTrue(Sys.rawMprotect(prod, page, Sys.PROT_READ | Sys.PROT_EXEC) < 0, "producer page not executable");
        Sys.rawMunmap(prod, page);
        MemorySegment data = Sys.mmap(MemorySegment.NULL, 2L * SIZE, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd,
                2L * page, "data rw");
        assertTrue(Sys.rawMprotect(data, 2L * SIZE, Sys.PROT_READ | Sys.PROT_EXEC) < 0, "data not executable");
        Sys.rawMunmap(data, 2L * SIZE);
        KernelRingbufTest.assertErrno(Errno.EINVAL, () -> Sys.mmap(MemorySegment.NULL, page + 2L * SIZE + page,
                Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd, page, "one page too long"));
    }

    /** Writes a raw header and producer position through the writable producer mapping. */
    private long postRaw(int header, long producerPos) {
        try (KernelRingMemory memory = KernelRingMemory.forUserProducer(ring.fd(), SIZE)) {
            RingView v = memory.view();
            v.data().set(ValueLayout.JAVA_INT, 0, header);
            v.producerPage().set(ValueLayout.JAVA_LONG, 0, producerPos);
        }
        long r = drain();
        assertEquals(0, field(state, DR_COUNT), "nothing read");
        return r;
    }

    @Test
    void postMisaligned_isEinval() {
        assertEquals(-Errno.EINVAL, postRaw(39, 47));
    }

    @Test
    void postProducerWrongOffset_isEinval() {
        assertEquals(-Errno.EINVAL, postRaw(32, 32));
    }

    @Test
    void postLargerThanRing_isE2big() {
        assertEquals(-Errno.E2BIG, postRaw(SIZE, SIZE + 8));
    }

    @Test
    void basic() {
        try (UserRingBuffer urb = UserRingBuffer.create(ring.fd())) {
            for (int i = 1; i <= 2; i++) {
                long off = urb.reserve(SAMPLE);
                write(urb, off, i * 10);
                urb.submit(off);
            }
            assertEquals(2, drain());
            assertEquals(30, field(state, DR_SUM));
        }
    }

    @Test
    void sampleFullRingBuffer() {
        try (UserRingBuffer urb = UserRingBuffer.create(ring.fd())) {
            long off = urb.reserve(SIZE - 8);
            assertTrue(off >= 0, "a sample filling the whole ring is allowed");
            write(urb, off, 5);
            urb.submit(off);
            assertEquals(-1, urb.reserve(8), "completely full");
            assertEquals(1, drain());
            assertEquals(5, field(state, DR_SUM));
            assertTrue(urb.reserve(8) >= 0, "space is back after the drain");
        }
    }

    @Test
    void postAlignmentAutoadjust() {
        try (UserRingBuffer urb = UserRingBuffer.create(ring.fd())) {
            long off = urb.reserve(33);
            write(urb, off, 7);
            urb.submit(off);
            assertEquals(1, drain());
            int page = Sys.pageSize();
            MemorySegment cons = Sys.mmap(MemorySegment.NULL, page, Sys.PROT_READ, Sys.MAP_SHARED, ring.fd(), 0, "cons ro");
            try {
                assertEquals(48, cons.get(ValueLayout.JAVA_LONG, 0), "33 + 8 rounds up to 48");
            } finally {
                Sys.rawMunmap(cons, page);
            }
        }
    }

    @Test
    void overfill_refusesBeyondTheRingAndDrainsExactly102() {
        try (UserRingBuffer urb = UserRingBuffer.create(ring.fd())) {
            int written = 0;
            int refused = 0;
            for (int i = 0; i < 5 * FIT; i++) {
                long off = urb.reserve(SAMPLE);
                if (off < 0) {
                    refused++;
                    continue;
                }
                write(urb, off, 1);
                urb.submit(off);
                written++;
            }
            assertEquals(FIT, written);
            assertEquals(4 * FIT, refused);
            assertEquals(FIT, drain());
        }
    }

    @Test
    void discardsAreIgnoredButFreeTheSpace() {
        try (UserRingBuffer urb = UserRingBuffer.create(ring.fd())) {
            int n = 0;
            for (long off; (off = urb.reserve(8)) >= 0; n++) {
                urb.discard(off);
            }
            assertEquals(SIZE / 16, n);
            assertEquals(0, drain(), "discarded samples are not handed to the callback");
            assertTrue(urb.reserve(8) >= 0, "but their space is free again");
        }
    }

    /** 8192 samples: the producer switches to its own code at 4096, so the kernel checks both. */
    @Test
    void loop_8192SamplesInBatches() {
        try (UserRingBuffer urb = UserRingBuffer.create(ring.fd())) {
            long expectedSum = 0;
            int total = 0;
            while (total < 8192) {
                int batch = Math.min(FIT, 8192 - total);
                for (int i = 0; i < batch; i++) {
                    long off = urb.reserve(SAMPLE);
                    assertTrue(off >= 0);
                    write(urb, off, total + i);
                    expectedSum += total + i;
                    urb.submit(off);
                }
                assertEquals(batch, drain());
                total += batch;
            }
            assertEquals(8192, field(state, DR_COUNT));
            assertEquals(expectedSum, field(state, DR_SUM));
        }
    }

    @Test
    void blockingReserveTimesOutWhenFullAndIsWokenByADrainInAnotherThread() throws Exception {
        try (UserRingBuffer urb = UserRingBuffer.create(ring.fd())) {
            int written = 0;
            for (long off; (off = urb.reserve(8)) >= 0; written++) {
                write(urb, off, 1);
                urb.submit(off);
            }
            assertEquals(SIZE / 16, written);
            long start = System.nanoTime();
            assertEquals(-1, urb.reserve(8, Duration.ofMillis(300)));
            assertTrue(System.nanoTime() - start >= 250_000_000L, "it waited for the timeout");
            CompletableFuture<Void> drainer = CompletableFuture.runAsync(() -> drain.testRun(1));
            long off = urb.reserve(8, Duration.ofSeconds(10));
            assertTrue(off >= 0, "a drain freed space and woke the reservation");
            urb.submit(off);
            drainer.get(10, TimeUnit.SECONDS);
            long read = field(state, DR_COUNT);
            assertTrue(read > 0 && read <= written + 1, "0 < read <= written: " + read);
        }
    }

    @Test
    void aSecondProducerInThisJvmIsRefusedUntilTheFirstCloses() {
        try (BpfMap sameMapOtherFd = BpfMap.openById(ring.info().id())) {
            UserRingBuffer first = UserRingBuffer.create(ring.fd());
            ErrnoException e = assertThrows(ErrnoException.class, () -> UserRingBuffer.create(sameMapOtherFd.fd()));
            assertEquals(Errno.EBUSY, e.errno());
            assertTrue(e.getMessage().contains("exactly one producer"), e.getMessage());
            long off = first.reserve(8);
            write(first, off, 5);
            first.submit(off);
            first.close();
            try (UserRingBuffer second = UserRingBuffer.create(sameMapOtherFd.fd())) {
                second.submit(second.reserve(8)); // continues after the first producer's sample
                assertEquals(2, drain(), "both samples drained, in order");
            }
        }
    }

    @Test
    void tooLargeIsE2bigNotAHang() {
        try (UserRingBuffer urb = UserRingBuffer.create(ring.fd())) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> urb.reserve(SIZE, Duration.ofSeconds(30)));
            assertEquals(Errno.E2BIG, e.errno());
            assertThrows(ErrnoException.class, () -> urb.reserve(1 << 30));
        }
    }

    /**
     * The message protocol: typed messages user → kernel (add/multiply on 64- and 32-bit values);
     * after every 8 messages the BPF program drains them and publishes the running value after each
     * through a RINGBUF; user space consumes exactly 8 replies each time and both sides agree.
     */
    @Test
    void messageProtocol() {
        try (BpfMap replies = BpfMap.createRingbuf("replies", 4096);
             BpfMap mstate = BpfMap.createArray("msg_state", 16, 1);
             BpfProgram program = messageProgram(ring, replies, mstate);
             UserRingBuffer urb = UserRingBuffer.create(ring.fd())) {
            List<Long> got = new ArrayList<>();
            try (RingBuffer rb = RingBuffer.create(replies.fd(), (b, o, l) -> got.add(b.get(ValueLayout.JAVA_LONG, o)))) {
                Random random = new Random(42);
                long value = 0;
                for (int round = 0; round < 8; round++) {
                    long[] expected = new long[8];
                    for (int i = 0; i < 8; i++) {
                        int op = random.nextInt(4);
                        long operand = random.nextInt(1000) + 1;
                        value = switch (op) {
                            case OP_ADD -> value + operand;
                            case OP_MUL -> value * operand;
                            case OP_ADD32 -> (value + operand) & 0xFFFF_FFFFL;
                            default -> (value * operand) & 0xFFFF_FFFFL;
                        };
                        expected[i] = value;
                        long off = urb.reserve(16);
                        urb.buffer().set(ValueLayout.JAVA_INT, off, op);
                        urb.buffer().set(ValueLayout.JAVA_LONG, off + 8, operand);
                        urb.submit(off);
                    }
                    program.testRun(1);
                    assertEquals(8, field(mstate, MP_RET), "the kernel drained 8 messages");
                    got.clear();
                    assertEquals(8, rb.consume(), "8 replies");
                    for (int i = 0; i < 8; i++) {
                        assertEquals(expected[i], got.get(i), "round " + round + " message " + i);
                    }
                    assertEquals(value, field(mstate, MP_VALUE));
                }
            }
        }
    }

    @Test
    void drainFlagsAreChecked() {
        setField(state, DR_FLAGS, 4);
        assertEquals(-Errno.EINVAL, drain(), "unknown drain flags");
        setField(state, DR_FLAGS, RingLayout.FORCE_WAKEUP);
        assertEquals(0, drain(), "an empty ring drains nothing");
    }
}
