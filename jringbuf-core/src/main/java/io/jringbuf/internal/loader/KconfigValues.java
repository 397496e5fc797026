/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.loader;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.btf.BtfKind;
import io.jringbuf.internal.btf.KernelBtf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code extern __kconfig} values this loader provides, as libbpf computes them. */
public final class KconfigValues {
    private KconfigValues() {
    }

    /** The names, for messages. */
    static final String SUPPORTED = "LINUX_KERNEL_VERSION and LINUX_HAS_SYSCALL_WRAPPER";

    static boolean supported(String name) {
        return name.equals("LINUX_KERNEL_VERSION") || name.equals("LINUX_HAS_SYSCALL_WRAPPER");
    }

    /**
     * {@code KERNEL_VERSION(a, b, c)} of the running kernel: {@code a << 16 | b << 8 | min(c, 255)}
     * from {@code /proc/sys/kernel/osrelease}.
     */
    public static int kernelVersion() {
        String release;
        try {
            release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            throw new ErrnoException(Errno.EIO, "read /proc/sys/kernel/osrelease for LINUX_KERNEL_VERSION", e);
        }
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?").matcher(release);
        if (!m.find()) {
            throw new ErrnoException(Errno.EINVAL, "kernel release '" + release + "' is not a.b.c");
        }
        int a = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(2));
        int c = m.group(3) == null ? 0 : Math.min(255, Integer.parseInt(m.group(3)));
        return a << 16 | b << 8 | c;
    }

    /** Whether syscalls go through the x86-64 wrappers ({@code __x64_sys_*}), as libbpf probes. */
    public static boolean hasSyscallWrapper() {
        return KernelBtf.vmlinux().find(BtfKind.FUNC, "__x64_sys_bpf") > 0;
    }

    /** Writes every variable's value into the {@code .kconfig} image. */
    public static void fill(byte[] image, Map<String, ObjectSpec.Variable> vars) {
        for (ObjectSpec.Variable v : vars.values()) {
            long value = switch (v.name()) {
                case "LINUX_KERNEL_VERSION" -> kernelVersion();
                case "LINUX_HAS_SYSCALL_WRAPPER" -> hasSyscallWrapper() ? 1 : 0;
                default -> throw new ErrnoException(Errno.EOPNOTSUPP, "extern __kconfig '" + v.name() + "'");
            };
            for (int i = 0; i < v.size() && i < 8; i++) {
                image[(int) v.offset() + i] = (byte) (value >>> (8 * i));
            }
        }
    }
}
