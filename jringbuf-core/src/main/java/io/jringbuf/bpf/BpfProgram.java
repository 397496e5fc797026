/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.loader.BpfCalls;
import io.jringbuf.internal.loader.Linker;
import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A loaded BPF program: load ({@link #load} / {@link #builder}), run on demand
 * ({@link #testRun}), attach to a raw tracepoint or a tracepoint.
 *
 * <p>Loading works like libbpf's: a first attempt without a log, and on failure a second with a
 * large verifier log whose text goes into the {@link BpfVerifierException} (a small log buffer
 * would make even a valid program fail with ENOSPC). Programs with subprograms get generated BTF
 * {@code func_info} ({@link Btf#forProgram}).
 */
public final class BpfProgram implements AutoCloseable {
    /** {@code BPF_F_SLEEPABLE}: required for {@link ProgType#SYSCALL}. */
    public static final int F_SLEEPABLE = 1 << 4;

    private final int fd;
    private final String name;
    private final ProgType type;
    private volatile boolean closed;

    private BpfProgram(int fd, String name, ProgType type) {
        this.fd = fd;
        this.name = name;
        this.type = type;
    }

    /** Takes ownership of a program fd loaded elsewhere in this package (the object loader). */
    static BpfProgram adopt(int fd, String name, ProgType type) {
        return new BpfProgram(fd, name, type);
    }

    /**
     * Loads a program with license {@code "GPL"}.
     *
     * @param type the program type
     * @param name its name (up to 15 characters of {@code [A-Za-z0-9_.]})
     * @param program the instructions
     * @return the loaded program
     * @throws BpfVerifierException if the verifier refuses it (with its log)
     */
    public static BpfProgram load(ProgType type, String name, Program program) {
        return builder(type, program).name(name).load();
    }

    /**
     * Starts a load with more options.
     *
     * @param type the program type
     * @param program the instructions
     * @return a builder
     */
    public static Builder builder(ProgType type, Program program) {
        return new Builder(type, program);
    }

    /** Options for loading one program. */
    public static final class Builder {
        private final ProgType type;
        private final Program program;
        private String name = "";
        private String license = "GPL";
        private int flags;
        private int expectedAttachType;

        private Builder(ProgType type, Program program) {
            this.type = Objects.requireNonNull(type, "type");
            this.program = Objects.requireNonNull(program, "program");
            if (type == ProgType.SYSCALL) {
                flags |= F_SLEEPABLE;
            }
        }

        /**
         * Sets the program name (shown by bpftool).
         *
         * @param name the program name
         * @return this builder
         */
        public Builder name(String name) {
            BpfMap.checkName(name);
            this.name = name;
            return this;
        }

        /**
         * Sets the license string (default "GPL").
         *
         * @param license the license
         * @return this builder
         */
        public Builder license(String license) {
            this.license = Objects.requireNonNull(license, "license");
            return this;
        }

        /**
         * Sets {@code prog_flags}, for example {@link #F_SLEEPABLE}.
         *
         * @param flags the flags
         * @return this builder
         */
        public Builder flags(int flags) {
            this.flags = flags;
            return this;
        }

        /**
         * Sets {@code expected_attach_type}.
         *
         * @param attachType the attach type number
         * @return this builder
         */
        public Builder expectedAttachType(int attachType) {
            this.expectedAttachType = attachType;
            return this;
        }

        /**
         * Loads the program.
         *
         * @return the loaded program
         * @throws BpfVerifierException if the kernel refuses it; the exception holds the log
         */
        public BpfProgram load() {
            Btf.WithFuncInfo btf = program.hasSubprograms() ? Btf.forProgram(program) : null;
            try {
                int[] funcInfo = new int[0];
                if (btf != null) {
                    funcInfo = new int[2 * btf.slots().length];
                    for (int i = 0; i < btf.slots().length; i++) {
                        funcInfo[2 * i] = btf.slots()[i];
                        funcInfo[2 * i + 1] = btf.typeIds()[i];
                    }
                }
                Linker.Linked code = new Linker.Linked(program.code(), funcInfo, new int[0], new int[0], Map.of());
                BpfCalls.Loaded r = BpfCalls.progLoad(new BpfCalls.ProgLoad(type.number(), expectedAttachType, flags,
                        name, license, 0, btf == null ? -1 : btf.btf().fd(), 0, code));
                if (r.fd() < 0) {
                    throw new BpfVerifierException(r.errno(), "bpf(BPF_PROG_LOAD) " + type + " program '" + name + "' ("
                            + program.slots() + " instructions)", r.log(), name, "");
                }
                return new BpfProgram(r.fd(), name, type);
            } finally {
                if (btf != null) {
                    btf.btf().close();
                }
            }
        }
    }

    /** {@return the program's file descriptor} */
    public int fd() {
        if (closed) {
            throw new ErrnoException(Errno.EBADF, "use of closed program '" + name + "'");
        }
        return fd;
    }

    /** {@return the program name given at load (or read back by {@link #openPinned})} */
    public String name() {
        return name;
    }

    /** {@return the program type} */
    public ProgType type() {
        return type;
    }

    /**
     * The result of {@link #testRun}.
     *
     * @param retval the program's return value (of the last run)
     * @param durationNanos the kernel's average time per run, in nanoseconds
     */
    public record TestRun(int retval, int durationNanos) {
    }

    /**
     * Runs the program {@code repeat} times in one system call ({@code BPF_PROG_TEST_RUN}) on 64
     * zero bytes of packet data. Works for {@link ProgType#SOCKET_FILTER}, {@link ProgType#SCHED_CLS}
     * and {@link ProgType#XDP}; {@link ProgType#RAW_TRACEPOINT} and {@link ProgType#SYSCALL} only with
     * {@code repeat} 0 or 1.
     *
     * @param repeat how many runs (0 means 1)
     * @return the last return value and the time per run
     * @throws ErrnoException ENOTSUPP (524) for types without test_run, EINTR if a signal cut the
     *     loop short (some runs happened)
     */
    public TestRun testRun(int repeat) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(64, 8);
            return testRun(data, repeat);
        }
    }

    /**
     * Runs the program on the given input data; see {@link #testRun(int)}.
     *
     * @param data the input (a native segment, at least 14 bytes for packet programs)
     * @param repeat how many runs (0 means 1)
     * @return the last return value and the time per run
     */
    public TestRun testRun(MemorySegment data, int repeat) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, fd());
            if (type == ProgType.RAW_TRACEPOINT || type == ProgType.SYSCALL) {
                MemorySegment ctx = arena.allocate(64, 8);
                attr.set(ValueLayout.JAVA_INT, 40, (int) ctx.byteSize());
                attr.set(ValueLayout.JAVA_LONG, 48, ctx.address());
            } else {
                attr.set(ValueLayout.JAVA_INT, 8, (int) data.byteSize());
                attr.set(ValueLayout.JAVA_LONG, 16, data.address());
            }
            attr.set(ValueLayout.JAVA_INT, 32, repeat);
            BpfSys.call(BpfSys.PROG_TEST_RUN, attr, "bpf(BPF_PROG_TEST_RUN) " + type + " program '" + name
                    + "' repeat=" + repeat);
            return new TestRun(attr.get(ValueLayout.JAVA_INT, 4), attr.get(ValueLayout.JAVA_INT, 36));
        }
    }

    /**
     * Attaches a {@link ProgType#RAW_TRACEPOINT} program ({@code BPF_RAW_TRACEPOINT_OPEN}); needs no
     * tracefs. The program runs for every event system-wide until the link is closed.
     *
     * @param tracepoint the tracepoint name, for example {@code "sys_enter"}
     * @return the link; close it to detach
     */
    public BpfLink attachRawTracepoint(String tracepoint) {
        Objects.requireNonNull(tracepoint, "tracepoint");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.ADDRESS, 0, arena.allocateFrom(tracepoint));
            attr.set(ValueLayout.JAVA_INT, 8, fd());
            int link = (int) BpfSys.call(BpfSys.RAW_TRACEPOINT_OPEN, attr, "bpf(BPF_RAW_TRACEPOINT_OPEN) attach '"
                    + name + "' to raw tracepoint " + tracepoint);
            return new BpfLink(link, "raw_tp/" + tracepoint);
        }
    }

    /**
     * Attaches a {@link ProgType#TRACEPOINT} program through {@code perf_event_open} on CPU 0 (the
     * program still runs for events on every CPU). Mounts tracefs first if it is not mounted (see
     * {@link BpfFs#tracefs()}).
     *
     * @param category the tracepoint category, for example {@code "syscalls"}
     * @param event the event, for example {@code "sys_enter_getpgid"}
     * @return the link; close it to detach
     */
    public BpfLink attachTracepoint(String category, String event) {
        Path tracefs = BpfFs.tracefs();
        Path idFile = tracefs.resolve("events").resolve(category).resolve(event).resolve("id");
        int id;
        try {
            id = Integer.parseInt(Files.readString(idFile).strip());
        } catch (java.io.IOException | NumberFormatException e) {
            throw new ErrnoException(Errno.ENOENT, "read tracepoint id " + idFile + " (no such tracepoint?)", e);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pattr = arena.allocate(128, 8);
            pattr.set(ValueLayout.JAVA_INT, 0, 2);      // PERF_TYPE_TRACEPOINT
            pattr.set(ValueLayout.JAVA_INT, 4, 128);    // size
            pattr.set(ValueLayout.JAVA_LONG, 8, id);    // config
            pattr.set(ValueLayout.JAVA_LONG, 16, 1);    // sample_period
            pattr.set(ValueLayout.JAVA_INT, 48, 1);     // wakeup_events
            int pfd = (int) Sys.check(Sys.rawPerfEventOpen(pattr, -1, 0, -1, 8 /* PERF_FLAG_FD_CLOEXEC */),
                    "perf_event_open tracepoint " + category + "/" + event + " (id " + id + ")");
            int r = Sys.rawIoctl(pfd, 0x40042408L /* PERF_EVENT_IOC_SET_BPF */, fd());
            if (r < 0) {
                Sys.rawClose(pfd);
                Sys.check(r, "ioctl(PERF_EVENT_IOC_SET_BPF) attach '" + name + "' to " + category + "/" + event);
            }
            r = Sys.rawIoctl(pfd, 0x2400L /* PERF_EVENT_IOC_ENABLE */, 0);
            if (r < 0) {
                Sys.rawClose(pfd);
                Sys.check(r, "ioctl(PERF_EVENT_IOC_ENABLE) tracepoint " + category + "/" + event);
            }
            return new BpfLink(pfd, "tracepoint/" + category + "/" + event);
        }
    }

    /**
     * Pins the program in a BPF file system ({@code BPF_OBJ_PIN}), so that it outlives this
     * descriptor and other processes can open it ({@link #openPinned}, libbpf's
     * {@code bpf_obj_get}); see {@link BpfFs#ensureMounted}. Remove the pin by deleting the file.
     *
     * @param path the pin path; its directory must be on a bpf file system
     * @throws ErrnoException EEXIST if the path exists, EPERM if the directory is not on bpffs,
     *     EBADF if this program is closed
     */
    public void pin(Path path) {
        Objects.requireNonNull(path, "path");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.ADDRESS, 0, arena.allocateFrom(path.toString()));
            attr.set(ValueLayout.JAVA_INT, 8, fd());
            BpfSys.call(BpfSys.OBJ_PIN, attr, "bpf(BPF_OBJ_PIN) pin program '" + name + "' at " + path);
        }
    }

    /**
     * Opens a program pinned in a BPF file system ({@code BPF_OBJ_GET}). The type and name are
     * read back from the kernel.
     *
     * @param path the pin path
     * @return the program, owning the new descriptor
     * @throws ErrnoException ENOENT if nothing is pinned there; EINVAL if the pinned object is not a
     *     program or is of a type {@link ProgType} does not name
     */
    public static BpfProgram openPinned(Path path) {
        Objects.requireNonNull(path, "path");
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.ADDRESS, 0, arena.allocateFrom(path.toString()));
            fd = (int) BpfSys.call(BpfSys.OBJ_GET, attr, "bpf(BPF_OBJ_GET) open pinned object " + path);
        }
        try {
            // Maps and programs share BPF_OBJ_GET; only fdinfo says which kind the fd is.
            int typeNumber = -1;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
                    if (line.startsWith("prog_type:")) {
                        typeNumber = Integer.parseInt(line.substring("prog_type:".length()).strip());
                    }
                }
            } catch (java.io.IOException | NumberFormatException e) {
                throw new ErrnoException(Errno.EINVAL, "read /proc/self/fdinfo/" + fd + " of pinned object " + path, e);
            }
            if (typeNumber < 0) {
                throw new ErrnoException(Errno.EINVAL, "pinned object " + path + " is not a BPF program");
            }
            ProgType type = null;
            for (ProgType t : ProgType.values()) {
                if (t.number() == typeNumber) {
                    type = t;
                }
            }
            if (type == null) {
                throw new ErrnoException(Errno.EINVAL, "pinned program " + path + " has program type " + typeNumber
                        + ", which ProgType does not name");
            }
            try (Arena arena = Arena.ofConfined()) {
                // struct bpf_prog_info: type@0, id@4, ..., name[16]@64
                MemorySegment info = arena.allocate(80, 8);
                MemorySegment attr = BpfSys.attr(arena);
                attr.set(ValueLayout.JAVA_INT, 0, fd);
                attr.set(ValueLayout.JAVA_INT, 4, (int) info.byteSize());
                attr.set(ValueLayout.JAVA_LONG, 8, info.address());
                BpfSys.call(BpfSys.OBJ_GET_INFO_BY_FD, attr, "bpf(BPF_OBJ_GET_INFO_BY_FD) on pinned program " + path);
                return new BpfProgram(fd, info.getString(64, StandardCharsets.US_ASCII), type);
            }
        } catch (RuntimeException e) {
            Sys.rawClose(fd);
            throw e;
        }
    }

    /** Closes the descriptor (attached links keep the program alive). Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Sys.rawClose(fd);
        }
    }

    @Override
    public String toString() {
        return "BpfProgram[" + type + " '" + name + "' fd=" + fd + (closed ? " closed" : "") + "]";
    }
}
