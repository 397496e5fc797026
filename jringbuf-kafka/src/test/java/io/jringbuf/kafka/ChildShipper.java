/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@link ShipperProcess} child JVM for the crash tests: started, then killed (SIGKILL) or
 * stopped cleanly (SIGTERM); its standard error goes to a file that failures quote.
 */
record ChildShipper(Process process, BlockingQueue<String> lines, Path log) {
    private static final Duration WAIT = Duration.ofSeconds(60);

    static ChildShipper start(String target, Path logDirectory, String bootstrap, String topic, int window)
            throws Exception {
        List<String> command = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ShipperProcess.class.getName(),
                target, bootstrap, topic, Integer.toString(window));
        Path log = logDirectory.resolve("shipper-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        }, "shipper-stdout-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        ChildShipper child = new ChildShipper(p, lines, log);
        child.expect("SHIPPING");
        return child;
    }

    void expect(String prefix) throws InterruptedException {
        String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null || !line.startsWith(prefix)) {
            process.destroyForcibly();
            String err;
            try {
                err = Files.readString(log);
            } catch (IOException e) {
                err = e.toString();
            }
            fail("shipper process " + process.pid() + ": expected " + prefix + ", got " + line
                    + " (" + (process.isAlive() ? "alive" : "exit status " + process.exitValue()) + "); its standard error:\n" + err);
        }
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS), "killed shipper exits");
    }

    void stopCleanly() throws InterruptedException {
        // SIGTERM through the process handle: Process.destroy() would close the child's
        // standard input first, which the child takes for its parent's death.
        process.toHandle().destroy();
        expect("STOPPED");
        assertTrue(process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS), "stopped shipper exits");
    }
}
