/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.sys;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;

class SysTest {

    @Test
    void theSystemCallTableInUseIsTheRunningMachines() {
        SyscallNumbers table = SyscallNumbers.current();
        assertEquals(SyscallNumbers.of(System.getProperty("os.arch")), table);
        // getpid by the table's number: a wrong table would call another system call.
        assertEquals(ProcessHandle.current().pid(), Sys.rawGetpidBySyscallNumber(), table.arch());
        assertEquals(table.bpf(), Sys.SYS_BPF);
        assertEquals(table.futex(), Sys.SYS_FUTEX);
    }

    @Test
    void theTablesAreTheKernelsAndOtherArchitecturesAreRefused() {
        assertEquals(SyscallNumbers.X86_64, SyscallNumbers.of("amd64"));
        assertEquals(SyscallNumbers.AARCH64, SyscallNumbers.of("aarch64"));
        // asm-generic/unistd.h: bpf 280, futex 98, perf_event_open 241, futex_waitv 449.
        assertEquals(280, SyscallNumbers.AARCH64.bpf());
        assertEquals(98, SyscallNumbers.AARCH64.futex());
        assertEquals(null, SyscallNumbers.of("riscv64"));
        assertEquals(null, SyscallNumbers.of("s390x"));
    }

    @Test
    void reportsPageSizeAndPid() {
        assertTrue(Sys.pageSize() >= 4096 && Integer.bitCount(Sys.pageSize()) == 1);
        assertEquals(ProcessHandle.current().pid(), Sys.getpid());
        assertTrue(Sys.gettid() > 0);
    }

    @Test
    void capturesErrnoOfFailedCalls() {
        assertEquals(-Errno.EBADF, Sys.rawClose(-1));
        assertEquals(-Errno.ENOENT, Sys.rawOpen("/nonexistent/jringbuf", Sys.O_RDONLY, 0));
        ErrnoException e = assertThrows(ErrnoException.class, () -> Sys.check(Sys.rawClose(-1), "close fd -1"));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("EBADF", e.errnoName());
        assertEquals("EBADF (9): close fd -1", e.getMessage());
    }

    @Test
    void processProbeSeesSelfAndNotADeadPid() throws Exception {
        assertTrue(Sys.processExists(Sys.getpid()));
        Process p = new ProcessBuilder("true").start();
        assertEquals(0, p.waitFor());
        assertFalse(Sys.processExists((int) p.pid()), "a reaped child no longer exists");
        assertFalse(Sys.processExists(0));
    }

    @Test
    void eventfdWakesEpoll() {
        int ep = (int) Sys.check(Sys.rawEpollCreate1(Sys.EPOLL_CLOEXEC), "epoll_create1");
        int ev = (int) Sys.check(Sys.rawEventfd(0, Sys.EFD_CLOEXEC | Sys.EFD_NONBLOCK), "eventfd");
        try (Arena arena = Arena.ofConfined()) {
            Sys.check(Sys.rawEpollCtl(ep, Sys.EPOLL_CTL_ADD, ev, Sys.EPOLLIN, 0x1234_5678_9abcL), "epoll_ctl");
            MemorySegment events = arena.allocate(Sys.EPOLL_EVENT_SIZE * 4L, 8);
            assertEquals(0, Sys.rawEpollWait(ep, events, 4, 0));
            MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1);
            assertEquals(8, Sys.rawWrite(ev, one, 8));
            assertEquals(1, Sys.rawEpollWait(ep, events, 4, 1000));
            assertEquals(Sys.EPOLLIN, Sys.epollEventMask(events, 0) & Sys.EPOLLIN);
            assertEquals(0x1234_5678_9abcL, Sys.epollEventData(events, 0));
        } finally {
            Sys.rawClose(ev);
            Sys.rawClose(ep);
        }
    }

    @Test
    void futexWaitReturnsAtOnceOnValueMismatchAndTimesOut() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(4, 4);
            word.set(ValueLayout.JAVA_INT, 0, 7);
            assertEquals(-Errno.EAGAIN, Sys.rawFutexWait(word, 8, MemorySegment.NULL, false));
            MemorySegment ts = arena.allocate(16, 8);
            ts.set(ValueLayout.JAVA_LONG, 8, 1_000_000); // 1 ms
            assertEquals(-Errno.ETIMEDOUT, Sys.rawFutexWait(word, 7, ts, false));
            assertEquals(0, Sys.rawFutexWake(word, Integer.MAX_VALUE, false));
        }
    }

    @Test
    void futexWaitvReturnsAtOnceOnValueMismatch() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment words = arena.allocate(8, 4);
            MemorySegment waiters = arena.allocate(2L * Sys.FUTEX_WAITV_SIZE, 8);
            for (int i = 0; i < 2; i++) {
                waiters.set(ValueLayout.JAVA_LONG, i * 24L, 0);
                waiters.set(ValueLayout.JAVA_LONG, i * 24L + 8, words.address() + 4L * i);
                waiters.set(ValueLayout.JAVA_INT, i * 24L + 16, Sys.FUTEX2_SIZE_U32 | Sys.FUTEX2_PRIVATE);
            }
            words.set(ValueLayout.JAVA_INT, 4, 1);
            assertEquals(-Errno.EAGAIN, Sys.rawFutexWaitv(waiters, 2, MemorySegment.NULL));
            words.set(ValueLayout.JAVA_INT, 4, 0);
            MemorySegment ts = arena.allocate(16, 8);
            long deadline = System.nanoTime() + 1_000_000;
            ts.set(ValueLayout.JAVA_LONG, 0, deadline / 1_000_000_000L);
            ts.set(ValueLayout.JAVA_LONG, 8, deadline % 1_000_000_000L);
            assertEquals(-Errno.ETIMEDOUT, Sys.rawFutexWaitv(waiters, 2, ts));
        }
    }

    @Test
    void mapsAMemfdTwiceBackToBack() {
        int page = Sys.pageSize();
        int fd = (int) Sys.check(Sys.rawMemfdCreate("jringbuf-test", Sys.MFD_CLOEXEC), "memfd_create");
        try {
            Sys.check(Sys.rawFtruncate(fd, page), "ftruncate");
            assertEquals(page, Sys.rawFileSize(fd));
            MemorySegment region = Sys.mmap(MemorySegment.NULL, 2L * page, Sys.PROT_NONE,
                    Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS, -1, 0, "reserve");
            MemorySegment first = Sys.mmap(region, page, Sys.PROT_READ | Sys.PROT_WRITE,
                    Sys.MAP_SHARED | Sys.MAP_FIXED, fd, 0, "first copy");
            MemorySegment second = Sys.mmap(region.asSlice(page), page, Sys.PROT_READ | Sys.PROT_WRITE,
                    Sys.MAP_SHARED | Sys.MAP_FIXED, fd, 0, "second copy");
            assertEquals(region.address(), first.address());
            first.set(ValueLayout.JAVA_LONG, 8, 0xfeedL);
            assertEquals(0xfeedL, second.get(ValueLayout.JAVA_LONG, 8));
            assertEquals(0, Sys.rawMunmap(region, 2L * page));
        } finally {
            Sys.rawClose(fd);
        }
    }

    @Test
    void bpfReportsInvalidMapType() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(144, 8);
            attr.set(ValueLayout.JAVA_INT, 0, 9999);
            long r = Sys.rawBpf(0, attr, 144);
            assertEquals(-Errno.EINVAL, r);
        }
    }

    @Test
    void fallocateAllocatesAndFstatReportsSizeBlocksAndLinks(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("f");
        int fd = (int) Sys.check(Sys.rawOpen(file.toString(), Sys.O_RDWR | Sys.O_CREAT | Sys.O_CLOEXEC, 0600), "open");
        try {
            assertEquals(new Sys.FileStat(0, 0, 1), Sys.fstat(fd, "f"));
            assertEquals(0, Sys.rawFallocate(fd, 0, 0, 3 * 4096));
            Sys.FileStat st = Sys.fstat(fd, "f");
            assertEquals(3 * 4096, st.size(), "mode 0 extends the file");
            assertTrue(st.allocatedBytes() >= 3 * 4096, "and allocates its blocks: " + st);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment bytes = arena.allocate(5);
                bytes.fill((byte) 7);
                assertEquals(5, Sys.rawPwrite(fd, bytes, 5, 4096));
            }
            byte[] content = java.nio.file.Files.readAllBytes(file);
            assertEquals(7, content[4096]);
            assertEquals(0, content[4095]);
            java.nio.file.Files.delete(file);
            assertEquals(0, Sys.fstat(fd, "f").links(), "removed, still open");
        } finally {
            Sys.rawClose(fd);
        }
        ErrnoException bad = assertThrows(ErrnoException.class, () -> Sys.fstat(-1, "fd -1"));
        assertEquals("EBADF (9): fstat fd -1", bad.getMessage());
    }

    @Test
    void rlimitsReadBackWhatWasSet() {
        long[] nofile = Sys.getrlimit(Sys.RLIMIT_NOFILE);
        assertTrue(nofile[0] > 0);
        assertEquals(0, Sys.rawSetrlimit(Sys.RLIMIT_NOFILE, nofile[0], nofile[1]));
        assertEquals(-Errno.EINVAL, Sys.rawSetrlimit(Sys.RLIMIT_NOFILE, 2, 1), "soft above hard");
    }

    @Test
    void processStateReadsProcAndDescribesTheProcess() throws Exception {
        char self = Sys.processState(Sys.getpid());
        assertTrue(self == 'R' || self == 'S', "this process runs or sleeps: " + self);
        assertTrue(Sys.describeProcess(Sys.getpid()).startsWith("process " + Sys.getpid() + " (this process, alive"),
                Sys.describeProcess(Sys.getpid()));
        Process p = new ProcessBuilder("true").start();
        assertEquals(0, p.waitFor());
        assertEquals(0, Sys.processState((int) p.pid()));
        assertEquals("process " + p.pid() + " (gone)", Sys.describeProcess(p.pid()));
        assertEquals("process 0 (not a process id)", Sys.describeProcess(0));
    }
}
