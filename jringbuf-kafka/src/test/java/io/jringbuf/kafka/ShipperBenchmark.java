/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.CommitMode;
import io.jringbuf.KernelRingReader;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.kafka.broker.KafkaBroker;
import org.apache.kafka.tools.ProducerPerformance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 18's benchmark, by hand (not a test; a quiet machine is needed for figures worth
 * quoting): records/s from a prefilled kernel RINGBUF through the shipper into a local broker,
 * against Kafka's own {@code ProducerPerformance} ({@code kafka-producer-perf-test}) sending
 * records of the same size to the same broker, alternating, in the same JVM (both warmed up by
 * an unreported run of each first), with
 * this JVM's CPU time per record for each. Both use the shipper's producer defaults
 * ({@code enable.idempotence=true}, {@code acks=all}) and one-partition topics, and both count
 * until the last record is acknowledged.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp &lt;test class path&gt; io.jringbuf.kafka.ShipperBenchmark \
 *      [records per run, default 1000000] [rounds, default 3] [sizes, default 64,256]
 * </pre>
 * {@code -Dbench.only=ship} runs the shipper alone (to profile it, with JFR for instance).
 * Needs root (CAP_BPF) for the kernel ring. The broker runs with Kafka's start-script JVM options
 * ({@link KafkaBroker#startForBenchmark}).
 */
public final class ShipperBenchmark {
    /** {@code -Dbench.only=ship}: the shipper alone (for profiling it). */
    private static final String ONLY = System.getProperty("bench.only", "");
    private static final Pattern PERF_TOTAL = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");

    private ShipperBenchmark() {
    }

    /**
     * Runs the benchmark and prints one line per size and round.
     *
     * @param args records per run, rounds, comma-separated payload sizes (multiples of 8)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String[] sizes = (args.length > 2 ? args[2] : "64,256").split(",");
        Path directory = Files.createTempDirectory("kafka-bench");
        try (KafkaBroker broker = KafkaBroker.startForBenchmark(directory)) {
            System.out.printf("broker %s started in %d ms; %,d records per run%n", broker.bootstrapServers(),
                    broker.lastStartTime().toMillis(), records);
            // Warm-up: both sides once per size, not reported (class loading, JIT).
            if (!"ship".equals(ONLY)) {
                for (String s : sizes) {
                    int size = Integer.parseInt(s.trim());
                    int warmUp = Math.min(records, 100_000);
                    ship(broker, "warm-ship-" + size, warmUp, size);
                    perf(broker, "warm-perf-" + size, warmUp, size);
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (String s : sizes) {
                    int size = Integer.parseInt(s.trim());
                    // Alternate which side goes first from round to round.
                    double[] ship;
                    double[] perf;
                    if ("ship".equals(ONLY)) {
                        ship = ship(broker, "ship-" + size + "-" + round, records, size);
                        System.out.printf("size %4d round %d: shipper %,10.0f rec/s %6.2f us CPU/rec%n",
                                size, round, ship[0], ship[1]);
                        continue;
                    }
                    if (round % 2 == 0) {
                        ship = ship(broker, "ship-" + size + "-" + round, records, size);
                        perf = perf(broker, "perf-" + size + "-" + round, records, size);
                    } else {
                        perf = perf(broker, "perf-" + size + "-" + round, records, size);
                        ship = ship(broker, "ship-" + size + "-" + round, records, size);
                    }
                    System.out.printf("size %4d round %d: shipper %,10.0f rec/s %6.2f us CPU/rec | "
                            + "ProducerPerformance %,10.0f rec/s %6.2f us CPU/rec | ratio %.2f%n",
                            size, round, ship[0], ship[1], perf[0], perf[1], ship[0] / perf[0]);
                }
            }
        } finally {
            deleteTree(directory);
        }
    }

    /** Prefills a kernel RINGBUF with {@code records} records, then ships them all; returns {rec/s, us CPU/rec}. */
    private static double[] ship(KafkaBroker broker, String topic, int records, int size) throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        long ringSize = Math.max(Long.highestOneBit((long) records * (size + 8)) * 2, 1 << 16);
        try (BpfMap ring = BpfMap.createRingbuf("bench_rb", ringSize);
             BpfSequenceProducer producer = new BpfSequenceProducer(ring, size);
             KernelRingReader reader = KernelRingReader.open(ring, CommitMode.EXPLICIT)) {
            while (producer.written() < records) {
                producer.run((int) Math.min(100_000, records - producer.written()));
            }
            if (producer.lost() != 0 || producer.written() != records) {
                throw new IllegalStateException("prefill: " + producer.written() + " written, " + producer.lost() + " lost");
            }
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            try (KafkaShipper shipper = new KafkaShipper(reader, ShipperConfig.builder(broker.bootstrapServers(), topic).build())) {
                while (shipper.committedRecords() < records) {
                    shipper.poll(Duration.ofMillis(50));
                }
                long t1 = System.nanoTime();
                long cpu1 = processCpuNanos();
                return new double[] {records * 1e9 / (t1 - t0), (cpu1 - cpu0) / 1e3 / records};
            }
        }
    }

    /** Runs Kafka's ProducerPerformance in this JVM; returns {its rec/s, us CPU/rec of this JVM}. */
    private static double[] perf(KafkaBroker broker, String topic, int records, int size) throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        String[] perfArgs = {"--topic", topic, "--num-records", Integer.toString(records),
            "--record-size", Integer.toString(size), "--throughput", "-1",
            "--bootstrap-server", broker.bootstrapServers(),
            "--producer-props", "acks=all", "enable.idempotence=true", "client.id=perf"};
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        long cpu0 = processCpuNanos();
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            ProducerPerformance.main(perfArgs);
        } finally {
            System.setOut(out);
        }
        long cpu1 = processCpuNanos();
        String text = captured.toString(StandardCharsets.UTF_8);
        Matcher total = null;
        for (Matcher m = PERF_TOTAL.matcher(text); m.find(); ) {
            total = PERF_TOTAL.matcher(m.group());
            total.find();
        }
        if (total == null || Long.parseLong(total.group(1)) != records) {
            throw new IllegalStateException("ProducerPerformance printed no total for " + records + " records:\n" + text);
        }
        return new double[] {Double.parseDouble(total.group(2)), (cpu1 - cpu0) / 1e3 / records};
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
