/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.RingBuffer;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.BpfFs;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.jringbuf.kernel.Programs.SEQ_STATE_SIZE;
import static io.jringbuf.kernel.Programs.sequenceProducer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernel rings whose way in goes away while they are open (part of the fault suite, here for the
 * BPF programs of this package): the pin removed or its bpffs unmounted, and the map's fd closed
 * by another thread during a poll. The ring's mapping holds the map, so the consumer goes on
 * (every record once, in order) and a poll never hangs; what needs the name or the fd fails with
 * ENOENT or EBADF (EBADFD from this kernel's bpf()) naming it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelFaultsTest {
    private static final int SIZE = 1 << 14;
    @TempDir
    Path dir;

    @BeforeAll
    static void kernel() {
        KernelSupport.requireBpf();
    }

    /** Collects the sequence numbers the program wrote. */
    private static final class Sequence {
        final List<Long> seen = new ArrayList<>();

        boolean onRecord(java.lang.foreign.MemorySegment b, long o, int l) {
            seen.add(b.get(ValueLayout.JAVA_LONG_UNALIGNED, o));
            return true;
        }

        void assertExactly(long first, long last) {
            List<Long> want = new ArrayList<>();
            for (long s = first; s <= last; s++) {
                want.add(s);
            }
            assertEquals(want, seen, "every record once, in order");
        }
    }

    private static void pollFor(RingBuffer rb, Sequence seq, int total) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seq.seen.size() < total && System.nanoTime() - deadline < 0) {
            rb.poll(Duration.ofSeconds(1));
        }
    }

    @Test
    void aRingOpenedFromAPinGoesOnWhenThePinIsRemovedAndWhenItsBpffsIsUnmounted() throws Exception {
        Path bpffs = Files.createDirectory(dir.resolve("bpf"));
        BpfFs.ensureMounted(bpffs); // a private instance: nothing else sees these pins
        boolean mounted = true;
        Path pin = bpffs.resolve("events");
        try (BpfMap created = BpfMap.createRingbuf("fault_pin", SIZE);
             BpfMap state = BpfMap.createArray("fault_pin_st", SEQ_STATE_SIZE, 1);
             BpfProgram producer = sequenceProducer(created, state, 8)) {
            created.pin(pin);
            Sequence seq = new Sequence();
            try (BpfMap pinned = BpfMap.openPinned(pin);
                 RingBuffer rb = RingBuffer.create(pinned.fd(), seq::onRecord)) {
                producer.testRun(10);
                pollFor(rb, seq, 10);

                Files.delete(pin);
                producer.testRun(10);
                pollFor(rb, seq, 20);
                ErrnoException gone = assertThrows(ErrnoException.class, () -> BpfMap.openPinned(pin));
                assertEquals(Errno.ENOENT, gone.errno(), gone.getMessage());
                assertTrue(gone.getMessage().contains("open pinned object " + pin), gone.getMessage());

                created.pin(pin);
                BpfFs.unmount(bpffs);
                mounted = false;
                producer.testRun(10);
                pollFor(rb, seq, 30);
                ErrnoException unmounted = assertThrows(ErrnoException.class, () -> BpfMap.openPinned(pin));
                assertEquals(Errno.ENOENT, unmounted.errno(), unmounted.getMessage());
                seq.assertExactly(0, 29);
                assertEquals(0, rb.poll(Duration.ofMillis(50)), "nothing more");
            }
        } finally {
            if (mounted) {
                BpfFs.unmount(bpffs);
            }
        }
    }

    @Test
    void aMapFdClosedByAnotherThreadDuringAPollNeverHangsItAndLaterUsesOfTheFdAreEbadf() throws Exception {
        try (BpfMap state = BpfMap.createArray("fault_fd_st", SEQ_STATE_SIZE, 1)) {
            BpfMap ring = BpfMap.createRingbuf("fault_fd", SIZE);
            int fd = ring.fd();
            Sequence seq = new Sequence();
            try (BpfProgram producer = sequenceProducer(ring, state, 8);
                 RingBuffer rb = RingBuffer.create(fd, seq::onRecord)) {
                producer.testRun(5);
                pollFor(rb, seq, 5);
                CompletableFuture<Integer> poll = CompletableFuture.supplyAsync(() -> rb.poll(Duration.ofSeconds(30)));
                // Wait until the poll sleeps in epoll_wait, then close the fd from this thread.
                KernelFaultsTest.awaitSleeping(poll);
                ring.close();
                // The mapping (and the program) hold the map: a record still wakes the poll.
                producer.testRun(5);
                assertTrue(poll.get(10, TimeUnit.SECONDS) > 0, "the poll was woken and delivered");
                pollFor(rb, seq, 10);
                long start = System.nanoTime();
                assertEquals(0, rb.poll(Duration.ofMillis(200)), "a poll with nothing returns at its timeout");
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "and does not hang");
                seq.assertExactly(0, 9);
                // The fd is gone: bpf() says so (this kernel: EBADFD from BPF_OBJ_GET_INFO_BY_FD; older: EBADF).
                ErrnoException e = assertThrows(ErrnoException.class, () -> rb.add(fd, seq::onRecord));
                assertTrue(e.errno() == Errno.EBADF || e.errno() == 77, e.getMessage());
                assertTrue(e.getMessage().contains("on fd " + fd), e.getMessage());
            }
        }
    }

    /**
     * Waits (bounded) until a thread of this JVM sleeps in {@code epoll_wait} (the first field of
     * {@code /proc/self/task/TID/syscall}: 232, or 281 for {@code epoll_pwait}); only the poll
     * uses epoll here.
     */
    private static void awaitSleeping(CompletableFuture<?> poll) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!poll.isDone() && System.nanoTime() - deadline < 0) {
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String call = Files.readString(task.resolve("syscall")).split(" ")[0].strip();
                        if (call.equals("232") || call.equals("281")) {
                            return;
                        }
                    } catch (java.io.IOException ended) {
                        // a thread that ended meanwhile
                    }
                }
            }
            Thread.onSpinWait();
        }
        assertFalse(poll.isDone(), "the poll ended before the fd was closed");
        throw new AssertionError("the poll did not reach epoll_wait within 10 s");
    }
}
