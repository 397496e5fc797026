/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) in a child JVM,
 * listening on 127.0.0.1 on free ports, with its log directory in a directory the test owns.
 *
 * <p>The child runs {@link BrokerProcess} on this JVM's class path (the Kafka server artifacts are
 * test dependencies). {@link #kill()} and {@link #restart()} reuse the same ports and log
 * directory, so clients see the broker go away and come back with its data, as in production.
 *
 * <p>No process is leaked: {@link #close()} kills the child; a JVM shutdown hook kills every
 * child still running; and the child halts by itself when its standard input (a pipe from this
 * JVM) closes, which covers a test JVM that is killed outright. Every wait is bounded.
 */
public final class KafkaBroker implements AutoCloseable {
    /** How long a start may take before the test fails (it takes a few seconds; see the notes). */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : CHILDREN) {
                p.destroyForcibly();
            }
        }, "kafka-broker-reaper"));
    }

    private final Path directory;
    private final Path configFile;
    private final Path logFile;
    private final String clusterId = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
    private final Map<String, String> overrides;
    private final List<String> jvmOptions;
    private int port;
    private int controllerPort;
    private Process process;
    private Duration lastStartTime;

    /**
     * The broker JVM's options in tests: a small heap and one GC thread (it shares 2 cores with
     * the test JVM and Maven); C1 only, since start-up is dominated by class loading and
     * interpretation and C2 compiler threads would compete with it for the cores (throughput in
     * tests is not the point); Kafka's INFO messages into broker.log, for failure reports.
     */
    private static final List<String> TEST_JVM = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    /** The broker JVM's options for benchmarks: those of Kafka's own start script (1 GiB heap, G1, full JIT). */
    private static final List<String> BENCHMARK_JVM = List.of("-Xmx1g", "-Xms1g", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    private KafkaBroker(Path directory, Map<String, String> overrides, List<String> jvmOptions) {
        this.directory = directory;
        this.configFile = directory.resolve("server.properties");
        this.logFile = directory.resolve("broker.log");
        this.overrides = Map.copyOf(overrides);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Starts a broker with its files under {@code directory}.
     *
     * @param directory an empty directory the test owns (a JUnit {@code @TempDir})
     * @return the running broker
     */
    public static KafkaBroker start(Path directory) {
        return start(directory, Map.of());
    }

    /**
     * Starts a broker with extra or replaced server properties.
     *
     * @param directory an empty directory the test owns
     * @param overrides server properties that replace or add to the defaults
     * @return the running broker
     */
    public static KafkaBroker start(Path directory, Map<String, String> overrides) {
        return start(new KafkaBroker(directory, overrides, TEST_JVM));
    }

    /**
     * Starts a broker for a benchmark: the JVM options of Kafka's start script instead of the
     * tests' start-up-friendly ones.
     *
     * @param directory an empty directory the caller owns
     * @return the running broker
     */
    public static KafkaBroker startForBenchmark(Path directory) {
        return start(new KafkaBroker(directory, Map.of(), BENCHMARK_JVM));
    }

    private static KafkaBroker start(KafkaBroker broker) {
        IllegalStateException failure = null;
        // A port found free can be taken by another process before the child binds it: try
        // fresh ports a few times before giving up (only for the first start).
        for (int attempt = 0; attempt < 3; attempt++) {
            int[] ports = freePorts();
            broker.port = ports[0];
            broker.controllerPort = ports[1];
            broker.writeConfig();
            try {
                broker.launch();
                return broker;
            } catch (IllegalStateException e) {
                failure = e;
                if (!broker.log().contains("Address already in use")) {
                    break;
                }
                deleteTree(broker.directory.resolve("data"));
            }
        }
        throw failure;
    }

    /** @return {@code bootstrap.servers} for clients: {@code 127.0.0.1:PORT} */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** @return the broker's client port (the same across restarts) */
    public int port() {
        return port;
    }

    /** @return how long the last start took, from launching the child JVM to the broker serving */
    public Duration lastStartTime() {
        return lastStartTime;
    }

    /** @return whether the child JVM is running */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the broker with SIGKILL (no controlled shutdown), waiting (bounded) for it to die. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        Process p = process;
        p.destroyForcibly();
        waitForExit(p, "SIGKILL");
        CHILDREN.remove(p);
        process = null;
    }

    /**
     * Closes the pipe to the child's standard input, as the death of this JVM would, and waits
     * (bounded) for the child to halt by itself.
     *
     * @return the child's exit status
     * @throws IllegalStateException if the child is still running after the stop timeout
     */
    synchronized int letGo() {
        if (process == null) {
            throw new IllegalStateException("the broker is not running");
        }
        Process p = process;
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        waitForExit(p, "the end of its standard input");
        CHILDREN.remove(p);
        process = null;
        return p.exitValue();
    }

    /** Stops the broker with SIGTERM (a controlled shutdown), then SIGKILL if it takes too long. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Process p = process;
        // SIGTERM through the handle: Process.destroy() closes the child's standard input first,
        // which BrokerProcess takes for its parent's death (and halts without a clean shutdown).
        p.toHandle().destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                waitForExit(p, "SIGKILL after SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        CHILDREN.remove(p);
        process = null;
    }

    /** Starts the broker again on the same ports and log directory (after {@link #kill} or {@link #stop}). */
    public synchronized void restart() {
        if (process != null) {
            throw new IllegalStateException("the broker is running; kill or stop it first");
        }
        launch();
    }

    /** Kills the broker if it runs. The directory is left to its owner (a {@code @TempDir}). */
    @Override
    public synchronized void close() {
        kill();
    }

    /** @return the child's standard error so far (Kafka's own messages), for failure reports */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", " + directory + "]";
    }

    private synchronized void launch() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(jvmOptions);
        command.add("-Djava.awt.headless=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BrokerProcess.class.getName());
        command.add(configFile.toString());
        command.add(clusterId);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        long started = System.nanoTime();
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the broker JVM", e);
        }
        CHILDREN.add(p);
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child is gone
            }
            lines.add("<eof>");
        }, "kafka-broker-stdout-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        String line;
        try {
            long deadline = started + START_TIMEOUT.toNanos();
            do {
                long left = deadline - System.nanoTime();
                line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            } while (line != null && !line.equals(BrokerProcess.READY) && !line.equals("<eof>"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            line = null;
        }
        if (!BrokerProcess.READY.equals(line)) {
            p.destroyForcibly();
            waitForExit(p, "SIGKILL after a failed start");
            CHILDREN.remove(p);
            String why = line == null ? "did not serve within " + START_TIMEOUT.toSeconds() + " s"
                    : "exited with " + p.exitValue() + " before serving";
            throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " " + why
                    + "; its log:\n" + tail(log(), 60));
        }
        lastStartTime = Duration.ofNanos(System.nanoTime() - started);
        process = p;
        System.out.println("[kafka-broker] " + bootstrapServers() + " serving after "
                + lastStartTime.toMillis() + " ms (pid " + p.pid() + ")");
    }

    private void writeConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", directory.resolve("data").toString());
        // One node: every internal topic has one replica and one partition (fewer files, faster
        // coordinator loading).
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("num.partitions", "1");
        config.put("default.replication.factor", "1");
        // Tests create their topics: a missing topic must stay missing.
        config.put("auto.create.topics.enable", "false");
        // Authorization on, open by default: a test denies one topic with an ACL to see the
        // producer's authorization failure.
        config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        config.put("allow.everyone.if.no.acl.found", "true");
        // Few threads: two shared cores.
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "2");
        config.put("background.threads", "2");
        config.put("num.recovery.threads.per.data.dir", "1");
        // The broker is unfenced after a heartbeat: beat often so that start-up does not wait
        // for the default 2 s interval. After a SIGKILL the controller refuses the restarted
        // broker's registration (DUPLICATE_BROKER_REGISTRATION) until the old session expires:
        // a short session makes a restart take seconds instead of the default 9.
        config.put("broker.heartbeat.interval.ms", "200");
        config.put("broker.session.timeout.ms", "2000");
        config.putAll(overrides);
        try (Writer out = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, String> e : config.entrySet()) {
                out.write(e.getKey() + "=" + e.getValue() + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
    }

    private static void waitForExit(Process p, String what) {
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Kafka broker pid " + p.pid() + " survived " + what
                        + " for " + STOP_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Two distinct free ports on 127.0.0.1 (both held open while choosing, so they differ), below
     * the kernel's ephemeral range where it has one to spare: a restart binds the same ports
     * again, and a port of the ephemeral range may meanwhile be the local end of some client's
     * connection.
     */
    private static int[] freePorts() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int ephemeralLow = ephemeralRangeStart();
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100 && ephemeralLow > 11_000; attempt++) {
            int a = 10_000 + random.nextInt(ephemeralLow - 10_000);
            int b = 10_000 + random.nextInt(ephemeralLow - 10_000);
            if (a == b) {
                continue;
            }
            try (ServerSocket first = new ServerSocket(a, 1, loopback);
                 ServerSocket second = new ServerSocket(b, 1, loopback)) {
                return new int[] {first.getLocalPort(), second.getLocalPort()};
            } catch (IOException taken) {
                // try another pair
            }
        }
        try (ServerSocket first = new ServerSocket(0, 1, loopback);
             ServerSocket second = new ServerSocket(0, 1, loopback)) {
            return new int[] {first.getLocalPort(), second.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** @return the first port of the kernel's ephemeral range (Linux), or 0 if unknown */
    private static int ephemeralRangeStart() {
        // A reader, not Files.readString: a /proc/sys file reports a size of 0, so readString
        // reads one byte first, and the kernel answers a read from a non-zero offset of a sysctl
        // file with end of file: it returns "3".
        try (BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = in.readLine();
            return range == null ? 0 : Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
