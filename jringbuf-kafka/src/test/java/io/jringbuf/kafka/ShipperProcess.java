/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.CommitMode;
import io.jringbuf.JvmRing;
import io.jringbuf.KernelRingReader;
import io.jringbuf.RingReader;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A shipper in its own JVM, for the crash tests: ships a JVM ring file, or a kernel RINGBUF given
 * as {@code map-id:ID}, to a topic until SIGTERM
 * (a clean stop: flush, commit, print {@code STOPPED}) or SIGKILL (a crash). Prints
 * {@code SHIPPING} once the shipper runs. Halts when its standard input closes (the test JVM is
 * gone).
 *
 * <p>Arguments: ring file or {@code map-id:ID}, bootstrap servers, topic, max in-flight records.
 */
public final class ShipperProcess {
    private ShipperProcess() {
    }

    /**
     * Runs the shipper.
     *
     * @param args ring file or {@code map-id:ID}, bootstrap servers, topic, max in-flight records
     * @throws Exception on failure (the exit status is then non-zero)
     */
    public static void main(String[] args) throws Exception {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // only the end of the input matters
                }
            } catch (IOException ignored) {
                // as end of input
            }
            System.err.println("ShipperProcess: standard input closed; halting");
            Runtime.getRuntime().halt(4);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();

        String target = args[0];
        if (target.startsWith("map-id:")) {
            try (BpfMap map = BpfMap.openById(Integer.parseInt(target.substring("map-id:".length())));
                 KernelRingReader reader = KernelRingReader.open(map, CommitMode.EXPLICIT)) {
                ship(reader, args);
            }
        } else {
            try (JvmRing ring = JvmRing.open(Path.of(target), RingType.RINGBUF)) {
                ship(ring.reader(CommitMode.EXPLICIT), args);
            }
        }
    }

    private static void ship(RingReader reader, String[] args) {
        ShipperConfig config = ShipperConfig.builder(args[1], args[2])
                .maxInFlightRecords(Integer.parseInt(args[3]))
                .build();
        KafkaShipper shipper = new KafkaShipper(reader, config);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("ShipperProcess: stopping");
            shipper.stop();
            try {
                main.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop-shipper"));
        System.out.println("SHIPPING");
        System.out.flush();
        try {
            shipper.run();
        } finally {
            shipper.close();
        }
        System.out.println("STOPPED " + shipper.committedRecords());
        System.out.flush();
    }
}
