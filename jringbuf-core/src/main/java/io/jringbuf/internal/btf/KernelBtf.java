/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.btf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The running kernel's BTF ({@code /sys/kernel/btf/vmlinux}), read once and kept. */
public final class KernelBtf {
    private KernelBtf() {
    }

    /** Where the kernel exposes its BTF ({@code CONFIG_DEBUG_INFO_BTF}). */
    public static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static volatile BtfData vmlinux;

    /**
     * @return the kernel's BTF
     * @throws ErrnoException ENOENT if the kernel exposes none (built without
     *     {@code CONFIG_DEBUG_INFO_BTF}), or the read's error
     */
    public static BtfData vmlinux() {
        BtfData v = vmlinux;
        if (v == null) {
            synchronized (KernelBtf.class) {
                v = vmlinux;
                if (v == null) {
                    try {
                        v = BtfData.parse(Files.readAllBytes(VMLINUX), VMLINUX.toString());
                    } catch (NoSuchFileException e) {
                        throw new ErrnoException(Errno.ENOENT, "read kernel BTF " + VMLINUX
                                + ": no such file (kernel built without CONFIG_DEBUG_INFO_BTF?)", e);
                    } catch (IOException e) {
                        throw new ErrnoException(Errno.EIO, "read kernel BTF " + VMLINUX + ": " + e.getMessage(), e);
                    }
                    vmlinux = v;
                }
            }
        }
        return v;
    }
}
