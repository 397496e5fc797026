/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jringbuf create}: a new ring file. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a ring file (fails if it exists). Put it on a tmpfs such as /dev/shm to share memory "
                + "rather than disk pages.")
final class CreateCommand implements Callable<Integer> {
    enum Type { ringbuf, user_ringbuf }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "PATH", description = "The file to create.")
    Path file;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "ringbuf or user_ringbuf.")
    Type type;

    @Option(names = "--size", required = true, paramLabel = "BYTES",
            description = "Data bytes: a power of two and a multiple of the page size (e.g. 65536, 64K, 1M).")
    String size;

    @Option(names = "--overwrite", description = "An overwrite ring (the kernel's BPF_F_RB_OVERWRITE, ringbuf only): "
            + "writers overwrite the oldest committed records instead of waiting for space; the reader counts "
            + "what it lost.")
    boolean overwrite;

    @Override
    public Integer call() {
        long bytes = parseSize(size);
        if (bytes <= 0 || Long.bitCount(bytes) != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size " + size
                    + ": must be a power of two and a multiple of the page size");
        }
        // The library checks the page multiple and the upper bound (EINVAL, exit 1).
        if (overwrite && type != Type.ringbuf) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--overwrite: only a ringbuf can overwrite (as the kernel's BPF_F_RB_OVERWRITE)");
        }
        JvmRing.create(file, type == Type.ringbuf ? RingType.RINGBUF : RingType.USER_RINGBUF, bytes,
                overwrite ? JvmRing.OVERWRITE : 0).close();
        return 0;
    }

    private long parseSize(String value) {
        String v = value.trim();
        long unit = 1;
        if (!v.isEmpty()) {
            switch (Character.toUpperCase(v.charAt(v.length() - 1))) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                default -> unit = 1;
            }
        }
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size " + value
                    + ": not a byte count (e.g. 65536, 64K, 1M)");
        }
    }
}
