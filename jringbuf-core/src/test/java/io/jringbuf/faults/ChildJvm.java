/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.faults;

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

/**
 * A {@link FaultChild} JVM on this JVM's class path, with bounded waits on its output lines and
 * its end. Its standard error is kept (what a user would see).
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer err = new StringBuffer();

    private ChildJvm(Process process) {
        this.process = process;
        drain(process.getInputStream(), line -> lines.add(line), "stdout");
        drain(process.getErrorStream(), line -> err.append(line).append('\n'), "stderr");
    }

    private void drain(java.io.InputStream in, java.util.function.Consumer<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        }, name + "-" + process.pid());
        t.setDaemon(true);
        t.start();
    }

    /** Starts {@code FaultChild args} in a new JVM. */
    static ChildJvm start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** Starts {@code FaultChild args} in a new JVM with extra JVM options. */
    static ChildJvm start(List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(jvmOptions);
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx64m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FaultChild.class.getName());
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).start());
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    /** Waits (bounded) for the next output line. */
    String nextLine(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String line = null;
        // In steps, so that a process that died without a word fails the test at once.
        while (line == null && System.nanoTime() - deadline < 0) {
            line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null && !process.isAlive()) {
                line = lines.poll(500, TimeUnit.MILLISECONDS); // what it printed last may still come
                break;
            }
        }
        if (line == null) {
            fail("process " + pid() + " printed nothing within " + timeoutMillis + " ms (alive: " + process.isAlive()
                    + "); stderr: " + err);
        }
        return line;
    }

    /** Waits (bounded) for the next line and requires it to be {@code expected}. */
    void expectLine(String expected, long timeoutMillis) throws InterruptedException {
        String line = nextLine(timeoutMillis);
        assertEquals(expected, line, () -> "output of process " + pid() + "; stderr: " + err);
    }

    /** @return the exit status once ended (bounded wait) */
    int awaitExit(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail("process " + pid() + " did not finish within " + timeoutMillis + " ms; stderr: " + err);
        }
        return process.exitValue();
    }

    /** Waits (bounded) for the end and requires exit 0. */
    void awaitSuccess(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail("process " + pid() + " did not finish within " + timeoutMillis + " ms; stderr: " + err);
        }
        assertEquals(0, process.exitValue(), "exit status of process " + pid() + "; stderr: " + err);
    }

    /** @return what the process printed on stderr so far */
    String stderr() {
        return err.toString();
    }

    /** Sends a signal by number ({@code kill -SIG pid}). */
    void signal(String name) {
        FaultSetup.runOk("kill", "-" + name, Long.toString(pid()));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly(); // SIGKILL ends a stopped process too
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
