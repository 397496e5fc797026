/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka.broker;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The main class of the child JVM that runs one single-node KRaft broker (combined broker and
 * controller) for {@link KafkaBroker}.
 *
 * <p>Arguments: the server properties file and the cluster id. It formats the log directory as
 * {@code kafka-storage format --ignore-formatted} does (so a restart on the same directory keeps
 * the data), starts the server, and prints {@code READY} on standard output once the broker is
 * unfenced and serving. It exits when its standard input closes (the parent died or let go of it),
 * so that a test JVM killed without running its shutdown hooks leaves no broker behind.
 */
public final class BrokerProcess {
    /** The line printed once the broker serves clients. */
    static final String READY = "READY";

    private BrokerProcess() {
    }

    /**
     * Formats if needed, starts the broker, and serves until standard input closes or a signal.
     *
     * @param args the server properties file and the cluster id
     * @throws Exception if formatting or start-up fails (the JVM then exits non-zero)
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BrokerProcess SERVER_PROPERTIES CLUSTER_ID");
            System.exit(2);
        }
        exitWhenParentLetsGo();
        Path configFile = Path.of(args[0]);
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        int formatted = StorageTool.execute(new String[] {"format", "--config", configFile.toString(),
                "--cluster-id", args[1], "--ignore-formatted"}, System.err);
        if (formatted != 0) {
            System.err.println("BrokerProcess: kafka-storage format failed with " + formatted);
            System.exit(3);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "broker-shutdown"));
        server.startup();
        PrintStream out = System.out;
        out.println(READY);
        out.flush();
        server.awaitShutdown();
    }

    /** Halts the JVM when standard input reaches end of file: the parent is gone. */
    private static void exitWhenParentLetsGo() {
        Thread watcher = new Thread(() -> {
            InputStream in = System.in;
            try {
                while (in.read() >= 0) {
                    // nothing is sent on purpose; only the end matters
                }
            } catch (IOException ignored) {
                // treated like end of file
            }
            // halt, not exit: an orphan broker must not spend its shutdown timeouts on a parent
            // that is not there.
            Runtime.getRuntime().halt(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
