/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** A {@link ProducerProcess} JVM started by a test, with bounded waits on its output and its end. */
final class Spawned implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Spawned(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        }, "stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code ProducerProcess args} in a new JVM on this JVM's class path. */
    static Spawned start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx64m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ProducerProcess.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        return new Spawned(pb.start());
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    /** Waits (bounded) for the next output line and checks it. */
    void expectLine(String expected, long timeoutMillis) throws InterruptedException {
        String line = lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (line == null) {
            fail("process " + pid() + " printed nothing within " + timeoutMillis + " ms (alive: "
                    + process.isAlive() + ")");
        }
        assertEquals(expected, line.startsWith(expected) ? expected : line, "process " + pid() + " output");
    }

    /** SIGKILL, then a bounded wait for the death. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            fail("process " + pid() + " survived SIGKILL for 10 s");
        }
    }

    /** Bounded wait for a normal exit with status 0. */
    void awaitSuccess(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail("process " + pid() + " did not finish within " + timeoutMillis + " ms");
        }
        assertEquals(0, process.exitValue(), "exit status of process " + pid());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
