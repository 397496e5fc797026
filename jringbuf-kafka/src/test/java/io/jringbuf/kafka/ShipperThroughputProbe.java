/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import io.jringbuf.kafka.broker.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rough probe, not the benchmark: records/s from a prefilled JVM ring through the
 * shipper into the test broker, against Kafka's producer alone sending the same record sizes to
 * the same broker (one payload array, as {@code kafka-producer-perf-test} does), alternating.
 * Both count until the last send is acknowledged. Run by hand:
 * {@code java --enable-native-access=ALL-UNNAMED -cp <test class path> io.jringbuf.kafka.ShipperThroughputProbe [records] [rounds] [window]}.
 */
public final class ShipperThroughputProbe {
    private ShipperThroughputProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args records per run (default 200000), rounds (default 3), in-flight window (default: the shipper's)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : ShipperConfig.builder("x:1", "x").build().maxInFlightRecords();
        Path directory = Files.createTempDirectory("kafka-probe");
        try (KafkaBroker broker = KafkaBroker.start(directory)) {
            for (int size : new int[] {64, 256}) {
                for (int round = 0; round < rounds; round++) {
                    String shipTopic = "ship-" + size + "-" + round;
                    String plainTopic = "plain-" + size + "-" + round;
                    Topics.create(broker.bootstrapServers(), shipTopic, 1, Map.of());
                    Topics.create(broker.bootstrapServers(), plainTopic, 1, Map.of());
                    double[] ship = ship(broker, shipTopic, records, size, window);
                    double[] plain = plain(broker, plainTopic, records, size);
                    System.out.printf("size %4d round %d: shipper %,9.0f rec/s (%.2f us CPU/rec in this JVM), "
                            + "producer alone %,9.0f rec/s (%.2f us CPU/rec), ratio %.2f%n", size, round,
                            ship[0], ship[1], plain[0], plain[1], ship[0] / plain[0]);
                }
            }
        }
    }

    private static double[] ship(KafkaBroker broker, String topic, int records, int size, int window) {
        long ringSize = Long.highestOneBit((long) records * (size + 8) * 2);
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, Math.max(ringSize, 1 << 20));
             RingCommitReader reader = RingCommitReader.of(ring)) {
            byte[] payload = ShipperFixture.record(1, size);
            for (int i = 0; i < records; i++) {
                if (!ring.producer().output(payload, 0)) {
                    throw new IllegalStateException("ring full at record " + i);
                }
            }
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            try (KafkaShipper shipper = new KafkaShipper(reader, ShipperConfig.builder(broker.bootstrapServers(), topic)
                    .maxInFlightRecords(window).build())) {
                while (shipper.committedRecords() < records) {
                    shipper.poll(Duration.ofMillis(50));
                }
                long t1 = System.nanoTime();
                long cpu1 = processCpuNanos();
                return new double[] {records * 1e9 / (t1 - t0), (cpu1 - cpu0) / 1e3 / records};
            }
        }
    }

    private static double[] plain(KafkaBroker broker, String topic, int records, int size) throws Exception {
        Map<String, Object> config = ShipperConfig.builder(broker.bootstrapServers(), topic).build().producerProperties();
        byte[] payload = ShipperFixture.record(1, size);
        AtomicLong acknowledged = new AtomicLong();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, payload), (m, e) -> {
                    if (e == null) {
                        acknowledged.incrementAndGet();
                    }
                });
            }
            producer.flush();
            long t1 = System.nanoTime();
            long cpu1 = processCpuNanos();
            if (acknowledged.get() != records) {
                throw new IllegalStateException(acknowledged.get() + " of " + records + " acknowledged");
            }
            return new double[] {records * 1e9 / (t1 - t0), (cpu1 - cpu0) / 1e3 / records};
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
