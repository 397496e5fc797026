/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import io.jringbuf.RingWriter;
import io.jringbuf.base.RingType;
import io.jringbuf.kafka.Topics;
import io.jringbuf.kafka.broker.KafkaBroker;
import io.jringbuf.kafka.broker.SharedKafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code jringbuf ship} against a real single-node KRaft broker (jringbuf-kafka's fixture, one
 * broker for the run): every record read back with Kafka's consumer, a SIGTERM mid-stream and a
 * second ship that resumes, and the faults as one line with an exit code.
 */
@ExtendWith(SharedKafkaBroker.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ShipCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern SUMMARY = Pattern.compile(
            "ship: (\\d+) records sent, (\\d+) committed, (\\d+) in flight at stop, ring lost (\\d+), [0-9.]+ s, "
                    + "\\d+ records/s");

    static KafkaBroker broker;

    @TempDir
    Path dir;
    private Path file;
    private JvmRing ring;
    private String topic;

    @BeforeAll
    static void useBroker(KafkaBroker shared) {
        broker = shared;
    }

    @BeforeEach
    void newRing(TestInfo test) {
        file = dir.resolve("ring");
        ring = JvmRing.create(file, RingType.RINGBUF, 1 << 20);
        topic = "cli-" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void closeRing() {
        ring.close();
    }

    /** Record {@code seq}: the sequence number (little-endian), a key byte, then a pattern. */
    private static byte[] record(long seq, int size) {
        byte[] bytes = new byte[size];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, seq);
        bytes[8] = (byte) (seq % 5);
        for (int i = 9; i < size; i++) {
            bytes[i] = (byte) (seq * 31 + i);
        }
        return bytes;
    }

    private static long sequence(byte[] value) {
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    private void write(byte[] payload) {
        assertTrue(ring.writer().output(payload, 0), "the ring has room for the record");
    }

    private Cli.Result ship(String... more) {
        List<String> args = new ArrayList<>(List.of("ship", file.toString(), "--bootstrap", broker.bootstrapServers(),
                "--topic", topic));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    /**
     * For a failure message: the lines of Kafka's client log (written by this JVM's clients to
     * the file the build names, see the module's pom) that name {@code topic}, or are errors.
     */
    private static String kafkaClientLog(String topic) {
        String file = System.getProperty("org.slf4j.simpleLogger.logFile");
        if (file == null || !file.endsWith(".log")) {
            return "(Kafka's client log is not in a file: " + file + ")";
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains(topic) || l.contains(" ERROR ") || l.contains(" WARN "))
                    .map(l -> l.replace("[kafka-producer-network-thread | jringbuf-shipper] ", "")
                            .replace("org.apache.kafka.clients.", ""))
                    .toList();
            return "Kafka's client log (" + file + "), its last lines about " + topic + " or with WARN/ERROR:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read Kafka's client log " + file + ": " + e + ")";
        }
    }

    /** Checks that stderr is one line (no stack trace) and returns it. */
    private static String oneLine(Cli.Result r) {
        String[] lines = r.err().split("\n");
        assertEquals(1, lines.length, "one line on stderr: " + r);
        return lines[0];
    }

    private static Matcher summary(String line) {
        Matcher m = SUMMARY.matcher(line);
        assertTrue(m.matches(), "summary line: " + line);
        return m;
    }

    @Test
    void shipsEveryRecordOfARingFileInRingOrderWithItsKey() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 2, Map.of());
        int n = 3_000;
        for (int i = 0; i < n; i++) {
            write(record(i, 16 + i % 64));
        }
        Cli.Result r = ship("--key-bytes", "8:1", "--count", Integer.toString(n), "--timeout", "60s",
                "--property", "linger.ms=5", "--producer-property", "compression.type=lz4");
        assertEquals(0, r.exit(), r.toString());
        Matcher m = summary(oneLine(r));
        assertEquals(n, Long.parseLong(m.group(1)), "sent");
        assertEquals(n, Long.parseLong(m.group(2)), "committed");
        assertEquals(0, Long.parseLong(m.group(3)), "in flight");
        assertEquals(0, Long.parseLong(m.group(4)), "ring lost");
        assertEquals(ring.producerPosition(), ring.consumerPosition(), "the ring is committed to its end");

        List<ConsumerRecord<byte[], byte[]>> read = readAll(topic, n);
        assertEquals(n, read.size());
        Map<Integer, Long> lastSeqOfPartition = new HashMap<>();
        Map<Byte, Integer> partitionOfKey = new HashMap<>();
        boolean[] seen = new boolean[n];
        for (ConsumerRecord<byte[], byte[]> c : read) {
            long seq = sequence(c.value());
            assertArrayEquals(record(seq, 16 + (int) (seq % 64)), c.value(), "record " + seq);
            assertArrayEquals(new byte[] {(byte) (seq % 5)}, c.key(), "key of record " + seq);
            assertTrue(!seen[(int) seq], "record " + seq + " once");
            seen[(int) seq] = true;
            Long last = lastSeqOfPartition.put(c.partition(), seq);
            assertTrue(last == null || last < seq, "ring order in partition " + c.partition() + ": " + last
                    + " then " + seq);
            Integer p = partitionOfKey.putIfAbsent(c.key()[0], c.partition());
            assertTrue(p == null || p == c.partition(), "key " + c.key()[0] + " on one partition");
        }
    }

    /** The demo's object: its BTF has {@code struct exec_event} (pid, ppid, uid, comm[16], filename[256]). */
    private static final Path EXECSNOOP = Path.of("").toAbsolutePath().resolveSibling("examples")
            .resolve("execsnoop/execsnoop.bpf.o");

    private static byte[] execEvent(int pid, String comm, String filename) {
        byte[] bytes = new byte[284];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, pid).putInt(4, pid % 7).putInt(8, 1000);
        byte[] c = comm.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(c, 0, bytes, 12, c.length);
        byte[] f = filename.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(f, 0, bytes, 28, f.length);
        return bytes;
    }

    @Test
    void shipsJsonDecodedByTheRecordsBtfTypeKeyedByAField() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 3, Map.of());
        int n = 200;
        for (int i = 0; i < n; i++) {
            write(execEvent(100 + i, "comm-" + i, "/usr/bin/tool-" + i));
        }
        Cli.Result r = ship("--format", "json", "--btf", EXECSNOOP.toString(), "--type", "exec_event",
                "--key-field", "ppid", "--count", Integer.toString(n), "--timeout", "60s");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(n, Long.parseLong(summary(oneLine(r)).group(2)), "committed");
        List<ConsumerRecord<byte[], byte[]>> read = readAll(topic, n);
        Map<Integer, Integer> partitionOfKey = new HashMap<>();
        Map<Integer, Integer> lastPidOfPartition = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> c : read) {
            String json = new String(c.value(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("\\{\"pid\":(\\d+),.*").matcher(json);
            assertTrue(m.matches(), json);
            int pid = Integer.parseInt(m.group(1));
            int i = pid - 100;
            assertEquals("{\"pid\":" + pid + ",\"ppid\":" + pid % 7 + ",\"uid\":1000,\"comm\":\"comm-" + i
                    + "\",\"filename\":\"/usr/bin/tool-" + i + "\"}", json);
            int ppid = ByteBuffer.wrap(c.key()).order(ByteOrder.LITTLE_ENDIAN).getInt();
            assertEquals(4, c.key().length, "the key is the u32 member's bytes");
            assertEquals(pid % 7, ppid, "key of " + json);
            Integer p = partitionOfKey.putIfAbsent(ppid, c.partition());
            assertTrue(p == null || p == c.partition(), "key " + ppid + " on one partition");
            Integer last = lastPidOfPartition.put(c.partition(), pid);
            assertTrue(last == null || last < pid, "ring order in partition " + c.partition());
        }
    }

    @Test
    void typedOptionsAreCheckedBeforeAnythingIsShipped() {
        write(execEvent(1, "a", "b"));
        String object = EXECSNOOP.toString();
        Cli.Result noType = ship("--format", "json");
        assertEquals(2, noType.exit(), noType.toString());
        assertTrue(oneLine(noType).contains("--format json needs --btf OBJECT and --type STRUCT"), noType.toString());
        Cli.Result both = ship("--btf", object, "--type", "exec_event", "--key-field", "pid", "--key-bytes", "0:4");
        assertEquals(2, both.exit(), both.toString());
        assertTrue(oneLine(both).contains("--key-field or --key-bytes, not both"), both.toString());
        Cli.Result fieldWithoutType = ship("--key-field", "pid");
        assertEquals(2, fieldWithoutType.exit(), fieldWithoutType.toString());
        assertTrue(oneLine(fieldWithoutType).contains("--key-field needs --btf OBJECT and --type STRUCT"),
                fieldWithoutType.toString());
        Cli.Result noMember = ship("--btf", object, "--type", "exec_event", "--key-field", "tid", "--timeout", "5s");
        assertEquals(1, noMember.exit(), noMember.toString());
        assertTrue(oneLine(noMember).startsWith("jringbuf ship: ENOENT (2): "), noMember.toString());
        assertTrue(noMember.err().contains("tid"), noMember.toString());
        assertEquals(0, ring.consumerPosition(), "nothing committed");
    }

    @Test
    void sigtermMidStreamStopsCleanlyAndASecondShipResumesWithNothingLostOrSentTwice() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        int total = 30_000;
        int size = 32;
        try (JvmRing small = JvmRing.create(dir.resolve("small"), RingType.RINGBUF, 64 * 1024)) {
            // A writer that fills the ring and waits for room (bounded) while the ships read it.
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    RingWriter w = small.writer();
                    MemorySegment buffer = w.buffer();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(80);
                    for (int i = 0; i < total; i++) {
                        long offset;
                        while ((offset = w.reserve(size, Duration.ofMillis(50))) == RingWriter.NO_SPACE) {
                            if (System.nanoTime() - deadline > 0) {
                                throw new AssertionError("no room for record " + i + " within 80 s");
                            }
                        }
                        MemorySegment.copy(record(i, size), 0, buffer, ValueLayout.JAVA_BYTE, offset, size);
                        w.submit(offset, 0);
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            });
            Path ringFile = dir.resolve("small");
            Process first = Cli.start("ship", ringFile.toString(), "--bootstrap", broker.bootstrapServers(),
                    "--topic", topic);
            // Mid-stream: a fifth of the records committed, the writer still writing.
            long fifth = (long) total / 5 * (size + 8);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (small.consumerPosition() < fifth) {
                if (!first.isAlive() || System.nanoTime() - deadline > 0) {
                    first.destroyForcibly();
                    fail("the first ship did not commit a fifth of the records within 60 s; exit "
                            + (first.isAlive() ? "-" : first.exitValue()) + ", stderr: "
                            + new String(first.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                }
                Thread.sleep(10); // polling another process's progress: nothing to join on
            }
            assertTrue(writer.isAlive(), "the writer is still writing: the stop comes mid-stream");
            // SIGTERM through the handle: Process.destroy() would also close our end of its stderr.
            assertTrue(first.toHandle().destroy(), "SIGTERM sent");
            assertTrue(first.waitFor(20, TimeUnit.SECONDS), "the first ship stopped on SIGTERM");
            String err = new String(first.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, first.exitValue(), err);
            String[] lines = err.split("\n");
            assertEquals(1, lines.length, "one line on stderr: " + err);
            Matcher m = summary(lines[0]);
            long committed = Long.parseLong(m.group(2));
            assertEquals(0, Long.parseLong(m.group(3)), "a clean stop leaves nothing in flight: " + err);
            assertEquals(committed, Long.parseLong(m.group(1)), "everything sent was committed: " + err);
            assertTrue(committed < total, "stopped before the end: " + err);

            // The second ship resumes where the first committed, while the writer goes on.
            Cli.Result second = Cli.run("ship", ringFile.toString(), "--bootstrap", broker.bootstrapServers(),
                    "--topic", topic, "--count", Long.toString(total - committed), "--timeout", "60s");
            assertEquals(0, second.exit(), second.toString());
            writer.join(TimeUnit.SECONDS.toMillis(10));
            assertNull(writerFailure.get(), "writer");
            assertEquals(small.producerPosition(), small.consumerPosition(), "the ring is committed to its end");

            List<ConsumerRecord<byte[], byte[]>> read = readAll(topic, total);
            assertEquals(total, read.size(), "every record once");
            for (int i = 0; i < total; i++) {
                assertEquals(i, sequence(read.get(i).value()), "record at offset " + i);
            }
        }
    }

    @Test
    void missingTopicIsOneLineAndLeavesTheRingAlone() {
        for (int i = 0; i < 10; i++) {
            write(record(i, 40));
        }
        Cli.Result r = ship("--timeout", "30s");
        assertEquals(1, r.exit(), r.toString());
        String line = oneLine(r);
        assertTrue(line.startsWith("jringbuf ship: topic '" + topic + "' does not exist on "
                + broker.bootstrapServers()), line);
        assertEquals(0, ring.consumerPosition(), "nothing committed");
    }

    @Test
    void unreachableBrokerIsOneLineWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free, and nothing listens once closed
        }
        write(record(0, 40));
        long start = System.nanoTime();
        Cli.Result r = Cli.run("ship", file.toString(), "--bootstrap", "127.0.0.1:" + port, "--topic", topic,
                "--timeout", "2s");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(1, r.exit(), r.toString());
        assertEquals("jringbuf ship: no Kafka broker answered at 127.0.0.1:" + port
                + " within 2s (is one listening there?)", oneLine(r));
        assertTrue(seconds < 15, "bounded by --timeout: took " + seconds + " s");
        assertEquals(0, ring.consumerPosition(), "nothing committed");
    }

    /**
     * --count more records than the ring holds: --timeout ends the ship with a line that says
     * how many were sent and when the last one was, and how many Kafka acknowledged (committed)
     * and did not (kept in the ring).
     */
    @Test
    void countNotReachedWithinTheTimeoutIsOneLineWithWhatWasSentAndAcknowledged() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        long[] ends = new long[4]; // ends[i]: the ring position after i records
        for (int i = 0; i < 3; i++) {
            write(record(i, 40));
            ends[i + 1] = ring.producerPosition();
        }
        Cli.Result r = ship("--count", "5", "--timeout", "2s");
        assertEquals(1, r.exit(), r.toString());
        String line = oneLine(r);
        Matcher m = Pattern.compile("jringbuf ship: timeout after 2s: ([0-3]) of 5 records shipped and committed "
                + "\\(3 sent, the last ([0-9]+)(ms|s) after the start, the ring had no more; ([0-3]) not acknowledged, "
                + "kept in the ring(; --kafka-log-level info shows what Kafka's client did)?\\)").matcher(line);
        assertTrue(m.matches(), line);
        assertEquals(3, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(4)), line);
        assertEquals(!m.group(4).equals("0"), m.group(5) != null, "the hint only when something is not acknowledged");
        assertEquals(ends[Integer.parseInt(m.group(1))], ring.consumerPosition(),
                "committed past the acknowledged records and no further: " + line);
    }

    /**
     * A signal before --count is reached is a stop like any other (exit 0, the summary line), with
     * or without --timeout: the count and the timeout only decide how a ship that is not stopped ends.
     */
    @Test
    void sigtermBeforeTheCountIsReachedIsACleanStop() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        int seq = 0;
        for (List<String> timeout : List.of(List.<String>of(), List.of("--timeout", "60s"))) {
            for (int i = 0; i < 3; i++) {
                write(record(seq++, 40));
            }
            long endOfThird = ring.producerPosition();
            List<String> args = new ArrayList<>(List.of("ship", file.toString(), "--bootstrap",
                    broker.bootstrapServers(), "--topic", topic, "--count", "10"));
            args.addAll(timeout);
            Process p = Cli.start(args.toArray(String[]::new));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ring.consumerPosition() < endOfThird) {
                if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                    p.destroyForcibly();
                    fail("ship " + timeout + " did not commit the three records within 60 s; stderr: "
                            + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                }
                Thread.sleep(10); // polling another process's progress: nothing to join on
            }
            assertTrue(p.toHandle().destroy(), "SIGTERM sent");
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "ship " + timeout + " stopped on SIGTERM");
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "ship " + timeout + ": " + err);
            String[] lines = err.split("\n");
            assertEquals(1, lines.length, "one line on stderr: " + err);
            Matcher m = summary(lines[0]);
            assertEquals("0", m.group(3), "nothing in flight: " + err);
            assertEquals("3", m.group(2), "the three records committed: " + err);
            assertEquals("3", m.group(1), "and nothing else sent: " + err);
        }
        assertEquals(6, readAll(topic, 6).size(), "each record once in the topic");
    }

    @Test
    void recordLargerThanTheTopicTakesIsOneLineAndTheRingStaysBeforeIt() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of("max.message.bytes", "2048"));
        for (int i = 0; i < 5; i++) {
            write(record(i, 100));
        }
        long endOfFifth = ring.producerPosition();
        write(record(5, 4_000));
        write(record(6, 100));
        Cli.Result r = ship("--count", "7", "--timeout", "60s");
        assertEquals(1, r.exit(), r.toString());
        String line = oneLine(r);
        assertTrue(line.startsWith("jringbuf ship: a record is larger than Kafka takes"),
                () -> line + "\n" + kafkaClientLog(topic));
        assertTrue(line.contains("the ring stays committed at position " + endOfFifth + " (5 records committed)"),
                line);
        assertEquals(endOfFifth, ring.consumerPosition(), "committed up to the record before the large one");
        // Kafka splits the refused batch: the record after the large one may be in the topic too,
        // not committed to the ring (the next ship sends it again: at least once).
        List<ConsumerRecord<byte[], byte[]>> read = readAll(topic, -1);
        for (int i = 0; i < 5; i++) {
            assertEquals(i, sequence(read.get(i).value()));
        }
        assertTrue(read.stream().noneMatch(c -> sequence(c.value()) == 5), "the large record is not in the topic");
    }

    @Test
    void badOptionsAndPropertiesAreUsageErrors() {
        Cli.Result help = Cli.run("ship", "--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().startsWith("Usage: jringbuf ship"), help.out());
        write(record(0, 40));
        Cli.Result badKey = ship("--key-bytes", "8");
        assertEquals(2, badKey.exit(), badKey.toString());
        assertTrue(oneLine(badKey).contains("key bytes '8': expected OFF:LEN"), badKey.toString());

        Cli.Result badProperty = ship("--property", "acks=maybe", "--timeout", "5s");
        assertEquals(2, badProperty.exit(), badProperty.toString());
        assertTrue(oneLine(badProperty).startsWith("jringbuf ship: bad Kafka setting: "), badProperty.toString());
        assertTrue(badProperty.err().contains("acks"), badProperty.toString());

        Cli.Result noBootstrap = Cli.run("ship", file.toString(), "--topic", topic);
        assertEquals(2, noBootstrap.exit(), noBootstrap.toString());
        assertTrue(oneLine(noBootstrap).contains("--bootstrap"), noBootstrap.toString());
        assertEquals(0, ring.consumerPosition(), "nothing committed");
    }

    @Test
    void aUserRingbufFileIsRefusedWithEinval() {
        Path user = dir.resolve("user");
        JvmRing.create(user, RingType.USER_RINGBUF, 4096).close();
        Cli.Result r = Cli.run("ship", user.toString(), "--bootstrap", broker.bootstrapServers(), "--topic", topic);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(oneLine(r).startsWith("jringbuf ship: EINVAL (22): "), r.toString());
    }

    /**
     * Reads every record of the topic (all partitions, bounded), checking first that its end
     * offsets add up to {@code expected} (unless negative).
     */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, WAIT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long total = consumer.endOffsets(partitions, WAIT).values().stream().mapToLong(Long::longValue).sum();
            assertTrue(expected < 0 || expected == total, "records in " + topic + ": expected " + expected
                    + ", end offsets " + Arrays.toString(consumer.endOffsets(partitions, WAIT).values().toArray()));
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read.size() < total) {
                if (System.nanoTime() - deadline > 0) {
                    fail("read " + read.size() + " of " + total + " records of " + topic + " in " + WAIT);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
            }
            return read;
        }
    }
}
