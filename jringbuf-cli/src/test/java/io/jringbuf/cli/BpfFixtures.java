/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.bpf.BpfSupport;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The core's clang fixtures ({@code jringbuf-core/src/test/bpf}) compiled for the command's tests,
 * as the core's tests compile them: real clang, a {@code vmlinux.h} written by bpftool from this
 * kernel's BTF, nothing committed. Without the tools (or without bpf()) a test skips with the
 * reason, except under {@code JRINGBUF_REQUIRE_BPF=1}, where it fails.
 */
final class BpfFixtures {
    private BpfFixtures() {
    }

    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path SOURCES = MODULE.resolveSibling("jringbuf-core").resolve("src/test/bpf");
    private static final Path OUT = MODULE.resolve("target/bpf");
    private static final Map<String, Path> COMPILED = new ConcurrentHashMap<>();
    private static volatile boolean vmlinuxWritten;

    /** Skips (or fails under JRINGBUF_REQUIRE_BPF=1) unless bpf() is permitted. */
    static void requireBpf() {
        String refusal = BpfSupport.refusal();
        if (refusal != null) {
            refuse("the kernel refused bpf(): " + refusal);
        }
    }

    private static void refuse(String why) {
        if ("1".equals(System.getenv("JRINGBUF_REQUIRE_BPF"))) {
            Assertions.fail("JRINGBUF_REQUIRE_BPF=1 but " + why);
        }
        Assumptions.abort(why + "; set JRINGBUF_REQUIRE_BPF=1 to fail instead");
    }

    /** Skips (or fails) without clang, llvm-objcopy, bpftool, the libbpf headers or kernel BTF. */
    static void requireTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("clang", "bpftool")) {
            if (which(tool) == null) {
                missing.add(tool);
            }
        }
        if (!Files.exists(Path.of("/usr/include/bpf/bpf_helpers.h"))) {
            missing.add("libbpf-dev (bpf/bpf_helpers.h)");
        }
        if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux"))) {
            missing.add("/sys/kernel/btf/vmlinux");
        }
        if (!missing.isEmpty()) {
            refuse("compiling BPF fixtures needs " + String.join(", ", missing));
        }
    }

    /** This module's own fixtures. */
    static final Path OWN_SOURCES = MODULE.resolve("src/test/bpf");

    /** @return the compiled object of {@code NAME.bpf.c}, from this module's fixtures or else the core's */
    static Path object(String name) {
        requireTools();
        return COMPILED.computeIfAbsent(name, n -> {
            Path own = OWN_SOURCES.resolve(n + ".bpf.c");
            return compile(Files.exists(own) ? own : SOURCES.resolve(n + ".bpf.c"), OUT.resolve(n + ".bpf.o"));
        });
    }

    static String which(String tool) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool).toString();
            }
        }
        return null;
    }

    /** Compiles one source with this machine's vmlinux.h (also used to rebuild the demo's object). */
    static Path compile(Path source, Path out) {
        writeVmlinuxHeader();
        run(List.of(which("clang"), "-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", "-Wall",
                "-I" + OUT, "-I" + source.getParent(), "-I" + MODULE.resolveSibling("include"), "-I/usr/include/x86_64-linux-gnu",
                "-c", source.toString(), "-o", out.toString()), null);
        return out;
    }

    private static synchronized void writeVmlinuxHeader() {
        if (vmlinuxWritten) {
            return;
        }
        try {
            Files.createDirectories(OUT);
            Path tmp = OUT.resolve("vmlinux.h.tmp");
            run(List.of(which("bpftool"), "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"), tmp);
            Files.move(tmp, OUT.resolve("vmlinux.h"), StandardCopyOption.REPLACE_EXISTING);
            vmlinuxWritten = true;
        } catch (IOException e) {
            throw new AssertionError("write vmlinux.h", e);
        }
    }

    private static void run(List<String> command, Path stdout) {
        try {
            Path err = Files.createTempFile("bpf-fixtures", ".err");
            ProcessBuilder pb = new ProcessBuilder(command);
            if (stdout != null) {
                pb.redirectOutput(stdout.toFile()).redirectError(err.toFile());
            } else {
                pb.redirectErrorStream(true).redirectOutput(err.toFile());
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
