/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.sys;

import io.jringbuf.base.ErrnoException;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The Linux system interface through FFM: every binding the library uses, in one place.
 *
 * <p>Convention: the {@code raw*} style methods return the kernel's result or a negated errno
 * ({@code -ENOSPC}), for callers to whom an errno is an expected outcome (futex timeouts, a dead
 * process, {@code bpf()} probing); the other methods throw {@link ErrnoException} naming the errno
 * and what was attempted. errno is captured on every call (one capture segment per thread), so no
 * later call on the same thread can clobber it.
 *
 * <p>Blocking calls ({@code epoll_wait}, {@code futex}, {@code read}) are never linked as
 * "critical": the JVM must be able to reach a safepoint while they block.
 */
public final class Sys {
    private Sys() {
    }

    // ---------------------------------------------------------------- constants (Linux)

    // System calls without a libc wrapper, by the running architecture's numbers (-1 where
    // jringbuf has no table: every such call then fails with ENOSYS naming the architecture).
    private static final SyscallNumbers NUMBERS = SyscallNumbers.CURRENT;
    /** {@code syscall} number of {@code futex}. */
    public static final long SYS_FUTEX = NUMBERS == null ? -1 : NUMBERS.futex();
    /** {@code syscall} number of {@code perf_event_open}. */
    public static final long SYS_PERF_EVENT_OPEN = NUMBERS == null ? -1 : NUMBERS.perfEventOpen();
    /** {@code syscall} number of {@code bpf}. */
    public static final long SYS_BPF = NUMBERS == null ? -1 : NUMBERS.bpf();
    /** {@code syscall} number of {@code futex_waitv} (Linux 5.16+). */
    public static final long SYS_FUTEX_WAITV = NUMBERS == null ? -1 : NUMBERS.futexWaitv();

    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MREMAP_MAYMOVE = 1;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int SEEK_END = 2;

    public static final int EPOLL_CLOEXEC = 0x80000;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLET = 1 << 31;
    /** {@code sizeof(struct epoll_event)} on x86-64: the struct is packed. */
    public static final int EPOLL_EVENT_SIZE = 12;

    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int MFD_CLOEXEC = 1;

    public static final int FUTEX_WAIT = 0;
    public static final int FUTEX_WAKE = 1;
    public static final int FUTEX_PRIVATE_FLAG = 128;
    /** futex2 flag: the futex word is 32 bits. */
    public static final int FUTEX2_SIZE_U32 = 0x02;
    /** futex2 flag: the futex is private to this process. */
    public static final int FUTEX2_PRIVATE = 128;
    /** {@code sizeof(struct futex_waitv)}. */
    public static final int FUTEX_WAITV_SIZE = 24;
    public static final int CLOCK_MONOTONIC = 1;

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;

    /** {@code setrlimit} resource: address space. */
    public static final int RLIMIT_AS = 9;
    /** {@code setrlimit} resource: locked memory. */
    public static final int RLIMIT_MEMLOCK = 8;
    /** {@code setrlimit} resource: open file descriptors. */
    public static final int RLIMIT_NOFILE = 7;
    /** {@code sizeof(struct stat)} on x86-64. */
    public static final int STAT_SIZE = 144;

    // ---------------------------------------------------------------- linking

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final AddressLayout PTR = ADDRESS;

    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    private static MethodHandle linkNoErrno(String name, FunctionDescriptor fd) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        return LINKER.downcallHandle(symbol, fd);
    }

    private static final MethodHandle SYSCALL_NOARGS = LINKER.downcallHandle(
            LIBC.find("syscall").orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: syscall")),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL_BPF = link("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, PTR, JAVA_INT),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL_FUTEX = link("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, PTR, JAVA_INT, JAVA_INT, PTR, PTR, JAVA_INT),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL_FUTEX_WAITV = link("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, PTR, JAVA_INT, JAVA_INT, PTR, JAVA_INT),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL_PERF_EVENT_OPEN = link("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, PTR, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    private static final MethodHandle MMAP = link("mmap",
            FunctionDescriptor.of(PTR, PTR, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = link("munmap",
            FunctionDescriptor.of(JAVA_INT, PTR, JAVA_LONG));
    private static final MethodHandle MPROTECT = link("mprotect",
            FunctionDescriptor.of(JAVA_INT, PTR, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MREMAP = link("mremap",
            FunctionDescriptor.of(PTR, PTR, JAVA_LONG, JAVA_LONG, JAVA_INT),
            Linker.Option.firstVariadicArg(4));
    private static final MethodHandle EPOLL_CREATE1 = link("epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = link("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, PTR));
    private static final MethodHandle EPOLL_WAIT = link("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, PTR, JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD = link("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = link("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = link("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, PTR, JAVA_LONG));
    private static final MethodHandle WRITE = link("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, PTR, JAVA_LONG));
    private static final MethodHandle IOCTL = link("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle OPEN = link("open",
            FunctionDescriptor.of(JAVA_INT, PTR, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FTRUNCATE = link("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle LSEEK = link("lseek",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FALLOCATE = link("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FSTAT = link("fstat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, PTR));
    private static final MethodHandle PWRITE = link("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, PTR, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle GETRLIMIT = link("getrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, PTR));
    private static final MethodHandle SETRLIMIT = link("setrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, PTR));
    private static final MethodHandle MEMFD_CREATE = link("memfd_create",
            FunctionDescriptor.of(JAVA_INT, PTR, JAVA_INT));
    private static final MethodHandle KILL = link("kill",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle MOUNT = link("mount",
            FunctionDescriptor.of(JAVA_INT, PTR, PTR, PTR, JAVA_LONG, PTR));
    private static final MethodHandle UMOUNT2 = link("umount2",
            FunctionDescriptor.of(JAVA_INT, PTR, JAVA_INT));
    private static final MethodHandle GETPID = linkNoErrno("getpid",
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETTID = linkNoErrno("gettid",
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SYSCONF = link("sysconf",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));

    private static final int PAGE_SIZE;
    private static final int PID;

    static {
        try {
            PAGE_SIZE = (int) (long) SYSCONF.invokeExact(CAPTURE.get(), 30 /* _SC_PAGESIZE */);
            PID = (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static long result(long r, MemorySegment capture) {
        return r == -1 ? -errno(capture) : r;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /**
     * Throws {@link ErrnoException} if {@code r} is a negated errno.
     *
     * @param r a result of one of the raw methods
     * @param what what was attempted (for the message)
     * @return {@code r}
     */
    public static long check(long r, String what) {
        if (r < 0) {
            throw new ErrnoException((int) -r, what);
        }
        return r;
    }

    // ---------------------------------------------------------------- process

    /** {@return the system page size} */
    public static int pageSize() {
        return PAGE_SIZE;
    }

    /** {@return this process's id (cached: a JVM does not fork)} */
    public static int getpid() {
        return PID;
    }

    /** {@return the calling thread's kernel thread id} */
    public static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code kill(pid, sig)}.
     *
     * @return 0 or a negated errno ({@code -ESRCH} when no such process exists)
     */
    public static int rawKill(int pid, int sig) {
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((int) KILL.invokeExact(cap, pid, sig), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Whether a process with this id exists (signal 0 probe). A process we may not signal
     * ({@code EPERM}) exists.
     */
    public static boolean processExists(int pid) {
        if (pid <= 0) {
            return false;
        }
        return rawKill(pid, 0) != -io.jringbuf.base.Errno.ESRCH;
    }

    /**
     * The scheduler state of a process, the third field of {@code /proc/PID/stat}: {@code 'R'}
     * running, {@code 'S'}/{@code 'D'} sleeping, {@code 'T'} stopped by a signal (SIGSTOP,
     * SIGTSTP), {@code 't'} stopped by a debugger, {@code 'Z'} exited but not yet reaped.
     *
     * @return the state letter, {@code '?'} if the process exists but its state cannot be read,
     *         or 0 if it does not exist
     */
    public static char processState(int pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            int close = stat.lastIndexOf(')'); // the command name may itself hold ')' and spaces
            if (close > 0 && close + 2 < stat.length()) {
                return stat.charAt(close + 2);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // gone, or another pid namespace: fall back to the signal probe
        }
        return processExists(pid) ? '?' : 0;
    }

    /**
     * Says who a process is for an error message: {@code "process 1234 (alive, stopped by a
     * signal)"}, {@code "process 1234 (alive, running)"}, {@code "process 1234 (gone)"}.
     */
    public static String describeProcess(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            return "process " + pid + " (not a process id)";
        }
        String state = switch (processState((int) pid)) {
            case 0 -> "gone";
            case 'T' -> "alive, stopped by a signal: SIGCONT resumes it";
            case 't' -> "alive, stopped by a debugger";
            case 'Z' -> "exited, not yet reaped by its parent";
            case 'R' -> "alive, running";
            case 'S', 'D', 'I' -> "alive, sleeping";
            default -> "alive";
        };
        return "process " + pid + (pid == PID ? " (this process, " : " (") + state + ")";
    }

    // ---------------------------------------------------------------- bpf and perf

    /** Fails clearly before a raw system call on an architecture without a number table. */
    private static void checkArchitecture() {
        if (NUMBERS == null) {
            SyscallNumbers.current(); // throws ENOSYS naming os.arch
        }
    }

    /**
     * {@code getpid} by its system call number (not libc's): for the test that the number table in
     * use is the running machine's.
     *
     * @return this process's id
     */
    public static long rawGetpidBySyscallNumber() {
        checkArchitecture();
        try {
            return (long) SYSCALL_NOARGS.invokeExact(NUMBERS.getpid());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code bpf(cmd, attr, size)}.
     *
     * @return the kernel's non-negative result or a negated errno
     */
    public static long rawBpf(int cmd, MemorySegment attr, int size) {
        checkArchitecture();
        MemorySegment cap = CAPTURE.get();
        try {
            return result((long) SYSCALL_BPF.invokeExact(cap, SYS_BPF, cmd, attr, size), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code perf_event_open(attr, pid, cpu, group_fd, flags)}.
     *
     * @return a file descriptor or a negated errno
     */
    public static int rawPerfEventOpen(MemorySegment attr, int pid, int cpu, int groupFd, long flags) {
        checkArchitecture();
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((long) SYSCALL_PERF_EVENT_OPEN.invokeExact(cap, SYS_PERF_EVENT_OPEN,
                    attr, pid, cpu, groupFd, flags), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code ioctl(fd, request, arg)} with an integer argument.
     *
     * @return the result or a negated errno
     */
    public static int rawIoctl(int fd, long request, long arg) {
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((int) IOCTL.invokeExact(cap, fd, request, arg), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code mount(source, target, fstype, flags, NULL)}.
     *
     * @return 0 or a negated errno
     */
    public static int rawMount(String source, String target, String fsType, long flags) {
        MemorySegment cap = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            return (int) result((int) MOUNT.invokeExact(cap, arena.allocateFrom(source),
                    arena.allocateFrom(target), arena.allocateFrom(fsType), flags, MemorySegment.NULL), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code umount2(target, flags)}.
     *
     * @return 0 or a negated errno
     */
    public static int rawUmount2(String target, int flags) {
        MemorySegment cap = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            return (int) result((int) UMOUNT2.invokeExact(cap, arena.allocateFrom(target), flags), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---------------------------------------------------------------- memory mapping

    /**
     * {@code mmap}. The returned segment is {@code length} bytes long and not tied to any arena;
     * the caller owns the mapping and must {@link #munmap} it.
     *
     * @param hint a required address with {@code MAP_FIXED}, else {@link MemorySegment#NULL}
     * @param what what is being mapped (for the error message)
     * @throws ErrnoException on failure
     */
    public static MemorySegment mmap(MemorySegment hint, long length, int prot, int flags, int fd,
                                     long offset, String what) {
        MemorySegment cap = CAPTURE.get();
        MemorySegment r;
        try {
            r = (MemorySegment) MMAP.invokeExact(cap, hint, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r.address() == -1L) {
            throw new ErrnoException(errno(cap), what);
        }
        return r.reinterpret(length);
    }

    /**
     * {@code munmap}.
     *
     * @return 0 or a negated errno
     */
    public static int rawMunmap(MemorySegment address, long length) {
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((int) MUNMAP.invokeExact(cap, address, length), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code mprotect}.
     *
     * @return 0 or a negated errno
     */
    public static int rawMprotect(MemorySegment address, long length, int prot) {
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((int) MPROTECT.invokeExact(cap, address, length, prot), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code mremap(old, oldLength, newLength, flags)}.
     *
     * @return the new address, or a negated errno
     */
    public static long rawMremap(MemorySegment address, long oldLength, long newLength, int flags) {
        MemorySegment cap = CAPTURE.get();
        try {
            MemorySegment r = (MemorySegment) MREMAP.invokeExact(cap, address, oldLength, newLength, flags);
            return r.address() == -1L ? -errno(cap) : r.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---------------------------------------------------------------- files and descriptors

    /**
     * {@code open(path, flags, mode)}.
     *
     * @return a file descriptor or a negated errno
     */
    public static int rawOpen(String path, int flags, int mode) {
        MemorySegment cap = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            return (int) result((int) OPEN.invokeExact(cap, arena.allocateFrom(path), flags, mode), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code ftruncate}.
     *
     * @return 0 or a negated errno
     */
    public static int rawFtruncate(int fd, long length) {
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((int) FTRUNCATE.invokeExact(cap, fd, length), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * The size of the file behind a descriptor ({@code lseek(fd, 0, SEEK_END)}).
     *
     * @return the size or a negated errno
     */
    public static long rawFileSize(int fd) {
        MemorySegment cap = CAPTURE.get();
        try {
            return result((long) LSEEK.invokeExact(cap, fd, 0L, SEEK_END), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code fallocate(fd, mode, offset, length)}: with mode 0, allocates the blocks of the range
     * (holes only; data already there is left alone) and extends the file if the range ends past it.
     *
     * @return 0 or a negated errno ({@code -ENOSPC}; {@code -EOPNOTSUPP} where the file system
     *         cannot allocate ahead, e.g. ramfs)
     */
    public static int rawFallocate(int fd, int mode, long offset, long length) {
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((int) FALLOCATE.invokeExact(cap, fd, mode, offset, length), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * What {@code fstat} says about an open file, in the fields the library uses.
     *
     * @param size {@code st_size}, bytes
     * @param blocks {@code st_blocks}: allocated 512-byte units
     * @param links {@code st_nlink}: 0 once every name of the file was removed
     */
    public record FileStat(long size, long blocks, long links) {
        /** @return the bytes the file system has allocated for the file */
        public long allocatedBytes() {
            return blocks * 512;
        }
    }

    /**
     * {@code fstat(fd)}.
     *
     * @param what what the file is (for the error message)
     * @throws ErrnoException on failure
     */
    public static FileStat fstat(int fd, String what) {
        MemorySegment cap = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(STAT_SIZE, 8);
            int r = (int) result((int) FSTAT.invokeExact(cap, fd, st), cap);
            if (r < 0) {
                throw new ErrnoException(-r, "fstat " + what);
            }
            // x86-64 struct stat: st_nlink at 16, st_size at 48, st_blocks at 64.
            return new FileStat(st.get(JAVA_LONG, 48), st.get(JAVA_LONG, 64), st.get(JAVA_LONG, 16));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code pwrite(fd, buffer, count, offset)}.
     *
     * @return bytes written or a negated errno
     */
    public static long rawPwrite(int fd, MemorySegment buffer, long count, long offset) {
        MemorySegment cap = CAPTURE.get();
        try {
            return result((long) PWRITE.invokeExact(cap, fd, buffer, count, offset), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code getrlimit(resource)}.
     *
     * @return {soft, hard} ({@code -1} is RLIM_INFINITY)
     * @throws ErrnoException on failure
     */
    public static long[] getrlimit(int resource) {
        MemorySegment cap = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment lim = arena.allocate(16, 8);
            check(result((int) GETRLIMIT.invokeExact(cap, resource, lim), cap), "getrlimit " + resource);
            return new long[] {lim.get(JAVA_LONG, 0), lim.get(JAVA_LONG, 8)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code setrlimit(resource, {soft, hard})}.
     *
     * @return 0 or a negated errno
     */
    public static int rawSetrlimit(int resource, long soft, long hard) {
        MemorySegment cap = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment lim = arena.allocate(16, 8);
            lim.set(JAVA_LONG, 0, soft);
            lim.set(JAVA_LONG, 8, hard);
            return (int) result((int) SETRLIMIT.invokeExact(cap, resource, lim), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code memfd_create(name, flags)}: an anonymous file that can be mapped twice.
     *
     * @return a file descriptor or a negated errno
     */
    public static int rawMemfdCreate(String name, int flags) {
        MemorySegment cap = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            return (int) result((int) MEMFD_CREATE.invokeExact(cap, arena.allocateFrom(name), flags), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code close(fd)}.
     *
     * @return 0 or a negated errno
     */
    public static int rawClose(int fd) {
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((int) CLOSE.invokeExact(cap, fd), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code read(fd, buffer, count)}.
     *
     * @return bytes read or a negated errno
     */
    public static long rawRead(int fd, MemorySegment buffer, long count) {
        MemorySegment cap = CAPTURE.get();
        try {
            return result((long) READ.invokeExact(cap, fd, buffer, count), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code write(fd, buffer, count)}.
     *
     * @return bytes written or a negated errno
     */
    public static long rawWrite(int fd, MemorySegment buffer, long count) {
        MemorySegment cap = CAPTURE.get();
        try {
            return result((long) WRITE.invokeExact(cap, fd, buffer, count), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---------------------------------------------------------------- epoll and eventfd

    /**
     * {@code epoll_create1(flags)}.
     *
     * @return a file descriptor or a negated errno
     */
    public static int rawEpollCreate1(int flags) {
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((int) EPOLL_CREATE1.invokeExact(cap, flags), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code epoll_ctl(epfd, op, fd, {events, data})}.
     *
     * @return 0 or a negated errno
     */
    public static int rawEpollCtl(int epfd, int op, int fd, int events, long data) {
        MemorySegment cap = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ev = arena.allocate(EPOLL_EVENT_SIZE, 4);
            ev.set(JAVA_INT, 0, events);
            ev.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, data);
            return (int) result((int) EPOLL_CTL.invokeExact(cap, epfd, op, fd, ev), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code epoll_wait(epfd, events, maxEvents, timeoutMs)}. Read the results with
     * {@link #epollEventMask} and {@link #epollEventData}.
     *
     * @param events at least {@code maxEvents * EPOLL_EVENT_SIZE} bytes
     * @return the number of ready events or a negated errno ({@code -EINTR} included)
     */
    public static int rawEpollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMs) {
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((int) EPOLL_WAIT.invokeExact(cap, epfd, events, maxEvents, timeoutMs), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The event mask of the i-th {@code struct epoll_event} in an array. */
    public static int epollEventMask(MemorySegment events, int i) {
        return events.get(JAVA_INT, (long) i * EPOLL_EVENT_SIZE);
    }

    /** The data word of the i-th {@code struct epoll_event} in an array. */
    public static long epollEventData(MemorySegment events, int i) {
        return events.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) i * EPOLL_EVENT_SIZE + 4);
    }

    /**
     * {@code eventfd(initval, flags)}.
     *
     * @return a file descriptor or a negated errno
     */
    public static int rawEventfd(int initial, int flags) {
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((int) EVENTFD.invokeExact(cap, initial, flags), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---------------------------------------------------------------- futex

    /**
     * {@code futex(word, FUTEX_WAIT, expected, timeout)}: sleeps while {@code *word == expected}.
     *
     * @param timeout a {@code struct timespec} (relative) or {@link MemorySegment#NULL} for none
     * @param shared false for a word only this process maps ({@code FUTEX_PRIVATE_FLAG})
     * @return 0 when woken, or a negated errno: {@code -EAGAIN} (value differed),
     *         {@code -ETIMEDOUT}, {@code -EINTR}
     */
    public static int rawFutexWait(MemorySegment word, int expected, MemorySegment timeout, boolean shared) {
        checkArchitecture();
        MemorySegment cap = CAPTURE.get();
        int op = shared ? FUTEX_WAIT : FUTEX_WAIT | FUTEX_PRIVATE_FLAG;
        try {
            return (int) result((long) SYSCALL_FUTEX.invokeExact(cap, SYS_FUTEX, word, op, expected,
                    timeout, MemorySegment.NULL, 0), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static final ThreadLocal<MemorySegment> TIMESPEC =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    /**
     * {@link #rawFutexWait} with a relative timeout in nanoseconds, using a per-thread
     * {@code struct timespec} (no allocation per call).
     */
    public static int rawFutexWaitNanos(MemorySegment word, int expected, long nanos, boolean shared) {
        MemorySegment ts = TIMESPEC.get();
        ts.set(JAVA_LONG, 0, nanos / 1_000_000_000L);
        ts.set(JAVA_LONG, 8, nanos % 1_000_000_000L);
        return rawFutexWait(word, expected, ts, shared);
    }

    /**
     * {@code futex(word, FUTEX_WAKE, count)}.
     *
     * @return the number of woken waiters or a negated errno
     */
    public static int rawFutexWake(MemorySegment word, int count, boolean shared) {
        checkArchitecture();
        MemorySegment cap = CAPTURE.get();
        int op = shared ? FUTEX_WAKE : FUTEX_WAKE | FUTEX_PRIVATE_FLAG;
        try {
            return (int) result((long) SYSCALL_FUTEX.invokeExact(cap, SYS_FUTEX, word, op, count,
                    MemorySegment.NULL, MemorySegment.NULL, 0), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code futex_waitv(waiters, count, 0, timeout, CLOCK_MONOTONIC)}: sleeps until any of the
     * futex words differs from its expected value or is woken.
     *
     * @param waiters {@code count} entries of {@code struct futex_waitv} (24 bytes: u64 val,
     *                u64 uaddr, u32 flags, u32 reserved)
     * @param absoluteTimeout a {@code struct timespec} on CLOCK_MONOTONIC, or NULL for none
     * @return the index of a woken waiter, or a negated errno ({@code -EAGAIN}: a value differed;
     *         {@code -ETIMEDOUT}; {@code -EINTR}; {@code -ENOSYS} on kernels before 5.16)
     */
    public static int rawFutexWaitv(MemorySegment waiters, int count, MemorySegment absoluteTimeout) {
        checkArchitecture();
        MemorySegment cap = CAPTURE.get();
        try {
            return (int) result((long) SYSCALL_FUTEX_WAITV.invokeExact(cap, SYS_FUTEX_WAITV, waiters,
                    count, 0, absoluteTimeout, CLOCK_MONOTONIC), cap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
