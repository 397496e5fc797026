/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.faults;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Sets faults up for real: small file systems mounted in a test's directory, commands run by a
 * second process, and the counts of this process's descriptors and mappings of a file (the leak
 * checks).
 */
final class FaultSetup {
    private FaultSetup() {
    }

    /** The result of a command. */
    record Ran(int exit, String out, String err) {
    }

    /** Runs a command in a second process (bounded: 30 s). */
    static Ran run(String... command) {
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 30 s");
            }
            return new Ran(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command in a second process and requires exit 0. */
    static String runOk(String... command) {
        Ran r = run(command);
        if (r.exit() != 0) {
            fail(String.join(" ", command) + " exited " + r.exit() + ": " + r.err().strip());
        }
        return r.out();
    }

    /**
     * Mounts a file system of the given type on {@code dir}; skips the test, with the kernel's
     * answer, if the mount is refused (not root, no such file system in this kernel).
     */
    static void mount(String type, String options, Path dir) {
        Ran r = options == null
                ? run("mount", "-t", type, "jringbuf-fault", dir.toString())
                : run("mount", "-t", type, "-o", options, "jringbuf-fault", dir.toString());
        Assumptions.assumeTrue(r.exit() == 0, () -> "the kernel refused to mount a " + type + " on " + dir
                + " for this fault: " + r.err().strip());
    }

    /** Unmounts {@code dir} (lazily if something still holds it, so the test never hangs here). */
    static void unmount(Path dir) {
        if (run("umount", dir.toString()).exit() != 0) {
            run("umount", "-l", dir.toString());
        }
    }

    /** @return how many of this process's descriptors are open on a file under {@code prefix} */
    static int openFds(Path prefix) {
        String p = prefix.toString();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(p);
                } catch (IOException e) {
                    return false; // the listing's own descriptor, closed meanwhile
                }
            }).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return how many of this process's mappings are of a file under {@code prefix} */
    static int mappings(Path prefix) {
        String p = prefix.toString();
        try {
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            return (int) maps.stream().filter(l -> l.contains(p)).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits (bounded) until {@code condition} holds, looking every millisecond. */
    static void await(BooleanSupplier condition, long timeoutMillis, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + timeoutMillis + " ms: " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** @return bytes the file system has allocated for {@code file} ({@code st_blocks * 512}) */
    static long allocatedBytes(Path file) {
        String[] blocksAndUnit = runOk("stat", "-c", "%b %B", file.toString()).strip().split(" ");
        return Long.parseLong(blocksAndUnit[0]) * Long.parseLong(blocksAndUnit[1]);
    }
}
