/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.internal.sys.Sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file systems BPF work needs: tracefs (tracepoint ids) and bpffs (pinning). Neither is
 * mounted on a fresh machine of the kind this project runs on; the methods here mount them when
 * needed (root only) and say so through {@link System.Logger} at INFO.
 */
public final class BpfFs {
    private BpfFs() {
    }

    private static final System.Logger LOG = System.getLogger("io.jringbuf.bpf");
    private static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    private static final Path DEBUGFS_TRACING = Path.of("/sys/kernel/debug/tracing");
    /** The conventional bpffs mount point. */
    public static final Path BPFFS = Path.of("/sys/fs/bpf");

    /**
     * {@return the tracefs root, mounting it at {@code /sys/kernel/tracing} if it is not mounted}
     *
     * @throws io.jringbuf.base.ErrnoException EPERM if it must be mounted and this process may not
     */
    public static synchronized Path tracefs() {
        if (Files.isDirectory(TRACEFS.resolve("events"))) {
            return TRACEFS;
        }
        if (Files.isDirectory(DEBUGFS_TRACING.resolve("events"))) {
            return DEBUGFS_TRACING;
        }
        Sys.check(Sys.rawMount("tracefs", TRACEFS.toString(), "tracefs", 0), "mount tracefs at " + TRACEFS
                + " (needed to read tracepoint ids)");
        LOG.log(System.Logger.Level.INFO, "mounted tracefs at " + TRACEFS + " to read tracepoint ids");
        return TRACEFS;
    }

    /**
     * Makes sure {@code dir} is on a bpf file system, mounting a new bpffs instance there if it is
     * not (the directory must exist).
     *
     * @param dir for example {@link #BPFFS}
     * @return {@code dir}
     */
    public static synchronized Path ensureMounted(Path dir) {
        if (isBpffs(dir)) {
            return dir;
        }
        Sys.check(Sys.rawMount("bpf", dir.toString(), "bpf", 0), "mount bpffs at " + dir + " (needed to pin maps)");
        LOG.log(System.Logger.Level.INFO, "mounted bpffs at " + dir);
        return dir;
    }

    /**
     * Unmounts a bpffs mounted by {@link #ensureMounted} (pins in it go away).
     *
     * @param dir the mount point
     */
    public static void unmount(Path dir) {
        Sys.check(Sys.rawUmount2(dir.toString(), 0), "umount " + dir);
    }

    /**
     * {@return whether {@code dir} is the root of a mounted bpf file system}
     *
     * @param dir a directory
     */
    public static boolean isBpffs(Path dir) {
        try {
            String target = dir.toRealPath().toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("bpf") && f[1].equals(target)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
