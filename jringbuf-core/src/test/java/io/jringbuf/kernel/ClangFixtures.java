/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Compiles the {@code .bpf.c} fixtures under {@code src/test/bpf} with the real clang, once per test
 * run, into {@code target/bpf}, against a {@code vmlinux.h} that bpftool writes from this kernel's
 * BTF ({@code /sys/kernel/btf/vmlinux}); nothing compiled is committed.
 *
 * <p>Without clang (or llvm-objcopy, bpftool, the libbpf headers) a test skips with the reason, except under
 * {@code JRINGBUF_REQUIRE_BPF=1} (CI installs them), where it fails.
 */
public final class ClangFixtures {
    private ClangFixtures() {
    }

    private static final Path BASE = Path.of(System.getProperty("basedir", "."));
    /** Where the fixture sources live. */
    public static final Path SOURCES = BASE.resolve("src/test/bpf");
    private static final Path OUT = BASE.resolve("target/bpf");
    /** The repository's headers for users' programs ({@code jringbuf_lost.h}). */
    private static final Path INCLUDE = BASE.resolve("../include").normalize();
    private static final Map<String, Path> COMPILED = new ConcurrentHashMap<>();
    private static volatile String toolRefusal;
    private static volatile boolean vmlinuxWritten;

    /**
     * Compiles {@code src/test/bpf/NAME.bpf.c} (once per run) and returns the object's path.
     *
     * @param name the fixture name without {@code .bpf.c}
     * @return {@code target/bpf/NAME.bpf.o}
     */
    public static Path object(String name) {
        requireTools();
        return COMPILED.computeIfAbsent(name, ClangFixtures::compile);
    }

    /**
     * Compiles a fixture for big-endian BPF ({@code -target bpfeb}), which this loader must refuse
     * with a clear error.
     *
     * @param name the fixture name without {@code .bpf.c}
     * @return {@code target/bpf/NAME.bpfeb.o}
     */
    public static Path bigEndianObject(String name) {
        requireTools();
        return COMPILED.computeIfAbsent(name + "#bpfeb", k -> compile(name, "bpfeb", ".bpfeb.o"));
    }

    /** @return the object's bytes ({@link #object}) */
    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(object(name));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Skips (or fails under JRINGBUF_REQUIRE_BPF=1) when clang, bpftool or the headers are missing. */
    public static void requireTools() {
        String refusal = toolRefusal();
        if (refusal == null) {
            return;
        }
        if ("1".equals(System.getenv("JRINGBUF_REQUIRE_BPF"))) {
            Assertions.fail("JRINGBUF_REQUIRE_BPF=1 but " + refusal + " (.ci/run installs them)");
        }
        Assumptions.abort(refusal + "; set JRINGBUF_REQUIRE_BPF=1 to fail instead");
    }

    private static String toolRefusal() {
        if (toolRefusal == null) {
            List<String> missing = new ArrayList<>();
            if (which("clang") == null) {
                missing.add("clang");
            }
            if (which("llvm-objcopy") == null) {
                missing.add("llvm-objcopy (llvm)");
            }
            if (which("bpftool") == null) {
                missing.add("bpftool");
            }
            if (!Files.exists(Path.of("/usr/include/bpf/bpf_helpers.h"))) {
                missing.add("libbpf-dev (bpf/bpf_helpers.h)");
            }
            if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux"))) {
                missing.add("/sys/kernel/btf/vmlinux");
            }
            toolRefusal = missing.isEmpty() ? "" : "compiling BPF fixtures needs " + String.join(", ", missing);
        }
        return toolRefusal.isEmpty() ? null : toolRefusal;
    }

    private static String which(String tool) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool).toString();
            }
        }
        return null;
    }

    private static synchronized void writeVmlinuxHeader() {
        if (vmlinuxWritten) {
            return;
        }
        try {
            Files.createDirectories(OUT);
            Path header = OUT.resolve("vmlinux.h");
            Path tmp = OUT.resolve("vmlinux.h.tmp");
            run(List.of(which("bpftool"), "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"), tmp);
            Files.move(tmp, header, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            vmlinuxWritten = true;
        } catch (IOException e) {
            throw new AssertionError("write vmlinux.h", e);
        }
    }

    /**
     * Compiles a source file from anywhere (the README's C example), with the fixtures' flags.
     *
     * @param source the {@code .bpf.c} file
     * @return the object beside it ({@code NAME.bpf.o})
     */
    public static Path compileSource(Path source) {
        requireTools();
        writeVmlinuxHeader();
        String file = source.getFileName().toString();
        Path out = source.resolveSibling(file.substring(0, file.length() - ".c".length()) + ".o");
        run(List.of(which("clang"), "-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", "-Wall",
                "-I" + OUT, "-I" + source.getParent(), "-I/usr/include/x86_64-linux-gnu",
                "-c", source.toString(), "-o", out.toString()), null);
        return out;
    }

    private static Path compile(String name) {
        return compile(name, "bpf", ".bpf.o");
    }

    private static Path compile(String name, String target, String suffix) {
        writeVmlinuxHeader();
        Path source = SOURCES.resolve(name + ".bpf.c");
        Path out = OUT.resolve(name + suffix);
        run(List.of(which("clang"), "-O2", "-g", "-target", target, "-D__TARGET_ARCH_x86", "-Wall",
                "-I" + OUT, "-I" + SOURCES, "-I" + INCLUDE, "-I/usr/include/x86_64-linux-gnu",
                "-c", source.toString(), "-o", out.toString()), null);
        return out;
    }

    private static void run(List<String> command, Path stdout) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(stdout == null);
            Path err = Files.createTempFile("clang-fixtures", ".err");
            if (stdout != null) {
                pb.redirectOutput(stdout.toFile()).redirectError(err.toFile());
            } else {
                pb.redirectOutput(err.toFile());
            }
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after 120 s: " + String.join(" ", command));
            }
            String text = Files.readString(err, StandardCharsets.UTF_8);
            Files.deleteIfExists(err);
            if (p.exitValue() != 0) {
                throw new AssertionError("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n" + text);
            }
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(String.join(" ", command), e);
        }
    }
}
