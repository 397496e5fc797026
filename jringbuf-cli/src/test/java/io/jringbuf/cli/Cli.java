/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs the command in-process (captured streams) or as a child JVM on the test class path. */
final class Cli {
    private Cli() {
    }

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exit + ", stdout [" + out + "], stderr [" + err + "]";
        }
    }

    static Result runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(CliIo.of(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.US_ASCII)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8)), args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result run(String... args) {
        return runWithInput("", args);
    }

    /**
     * Starts {@code jringbuf args...} as a child JVM; stdin is a pipe, stdout and stderr are pipes.
     * SIGINT is reset to its default in the child: a test run from a background job of a
     * non-interactive shell (as CI may be) inherits SIGINT ignored, and a JVM that starts with
     * SIGINT ignored keeps ignoring it, as POSIX intends for background jobs.
     */
    static Process start(String... args) throws IOException {
        return startMain(Main.class, args);
    }

    /** As {@link #start}, for another main class on the test class path (a test's probe). */
    static Process startMain(Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if (ENV_RESETS_SIGNALS) {
            command.addAll(List.of("/usr/bin/env", "--default-signal=INT,QUIT"));
        }
        command.addAll(List.of(java(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }

    /** Whether {@code env --default-signal} exists here (GNU coreutils 8.31+). */
    static final boolean ENV_RESETS_SIGNALS = envResetsSignals();

    private static boolean envResetsSignals() {
        try {
            Process p = new ProcessBuilder("/usr/bin/env", "--default-signal=INT", "true").start();
            return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** @return whether {@code pid} ignores SIGINT (from /proc/PID/status, SigIgn bit 1) */
    static boolean ignoresSigint(long pid) throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0;
            }
        }
        return false;
    }

    static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }
}
