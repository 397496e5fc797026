/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.loader;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.elf.ElfFile;
import io.jringbuf.internal.elf.ElfSymbol;
import io.jringbuf.internal.sys.Sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * kprobes and uprobes through the perf PMUs ({@code /sys/bus/event_source/devices/kprobe} and
 * {@code uprobe}): {@code perf_event_open} with the PMU's type, the function name or binary path in
 * {@code config1}, the offset in {@code config2} and the PMU's retprobe bit in {@code config}; then
 * the program is set on the event and the event enabled. Closing the event fd detaches.
 */
public final class Probes {
    private Probes() {
    }

    private static final Path PMUS = Path.of("/sys/bus/event_source/devices");
    private static final long PERF_EVENT_IOC_SET_BPF = 0x40042408L;
    private static final long PERF_EVENT_IOC_ENABLE = 0x2400L;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;

    private static int pmuType(String pmu, String what) {
        Path type = PMUS.resolve(pmu).resolve("type");
        try {
            return Integer.parseInt(Files.readString(type).strip());
        } catch (NoSuchFileException e) {
            throw new ErrnoException(Errno.ENOENT, what + ": this kernel has no " + pmu + " PMU (" + type
                    + " does not exist" + (pmu.equals("kprobe") ? "; kernel built without CONFIG_KPROBES?" : "") + ")", e);
        } catch (IOException | NumberFormatException e) {
            throw new ErrnoException(Errno.EIO, what + ": read " + type + ": " + e.getMessage(), e);
        }
    }

    private static int retprobeBit(String pmu, String what) {
        Path format = PMUS.resolve(pmu).resolve("format/retprobe");
        try {
            String f = Files.readString(format).strip(); // "config:0"
            return Integer.parseInt(f.substring(f.indexOf(':') + 1));
        } catch (IOException | RuntimeException e) {
            throw new ErrnoException(Errno.ENOENT, what + ": read " + format + " (the retprobe bit)", e);
        }
    }

    /**
     * Opens a probe event and attaches the program.
     *
     * @param pmu {@code "kprobe"} or {@code "uprobe"}
     * @param nameOrPath the kernel function, or the binary's path
     * @param offset the offset (in the function, or the file offset in the binary)
     * @param ret a return probe
     * @param progFd the program
     * @param what for messages
     * @return the perf event fd (the link)
     */
    public static int attach(String pmu, String nameOrPath, long offset, boolean ret, int progFd, String what) {
        int type = pmuType(pmu, what);
        long config = ret ? 1L << retprobeBit(pmu, what) : 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(128, 8);
            attr.set(ValueLayout.JAVA_INT, 0, type);
            attr.set(ValueLayout.JAVA_INT, 4, 128);
            attr.set(ValueLayout.JAVA_LONG, 8, config);
            attr.set(ValueLayout.JAVA_LONG, 56, arena.allocateFrom(nameOrPath).address()); // config1
            attr.set(ValueLayout.JAVA_LONG, 64, offset);                                   // config2
            int pfd = (int) Sys.check(Sys.rawPerfEventOpen(attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC),
                    "perf_event_open " + pmu + " " + nameOrPath + "+" + offset + " for " + what);
            int r = Sys.rawIoctl(pfd, PERF_EVENT_IOC_SET_BPF, progFd);
            if (r >= 0) {
                r = Sys.rawIoctl(pfd, PERF_EVENT_IOC_ENABLE, 0);
            }
            if (r < 0) {
                Sys.rawClose(pfd);
                Sys.check(r, "ioctl(PERF_EVENT_IOC_SET_BPF/ENABLE) " + pmu + " " + nameOrPath + " for " + what);
            }
            return pfd;
        }
    }

    /**
     * The file offset of a function in a binary (for uprobes): its symbol's value (from
     * {@code .symtab}, else {@code .dynsym}) made a file offset through its section.
     *
     * @param binary an absolute path
     * @param function the symbol name
     * @return the file offset
     * @throws ErrnoException ENOENT if the file or the symbol is missing, ENOEXEC if it is not ELF
     */
    public static long functionOffset(Path binary, String function) {
        byte[] data;
        try {
            data = Files.readAllBytes(binary);
        } catch (NoSuchFileException e) {
            throw new ErrnoException(Errno.ENOENT, "uprobe target " + binary + " does not exist", e);
        } catch (IOException e) {
            throw new ErrnoException(Errno.EIO, "read uprobe target " + binary + ": " + e.getMessage(), e);
        }
        ElfFile elf = ElfFile.parse(data, binary.toString());
        for (List<ElfSymbol> table : List.of(elf.symbols(), elf.dynamicSymbols())) {
            for (ElfSymbol s : table) {
                if (s.type() == ElfSymbol.STT_FUNC && s.section() != ElfSymbol.SHN_UNDEF && s.value() != 0
                        && (s.name().equals(function) || s.name().startsWith(function + "@"))) {
                    long off = elf.fileOffset(s.value());
                    if (off < 0) {
                        throw new ErrnoException(Errno.ENOEXEC, binary + ": symbol '" + function + "' at 0x"
                                + Long.toHexString(s.value()) + " lies in no loaded section");
                    }
                    return off;
                }
            }
        }
        throw new ErrnoException(Errno.ENOENT, "uprobe target " + binary + " has no function symbol '" + function + "'");
    }
}
