/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.CommitMode;
import io.jringbuf.KernelRingReader;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfSupport;
import io.jringbuf.kafka.broker.KafkaBroker;
import io.jringbuf.kafka.broker.SharedKafkaBroker;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shipper on a kernel {@code BPF_MAP_TYPE_RINGBUF} filled by a BPF program
 * ({@link BpfSequenceProducer}, run with {@code BPF_PROG_TEST_RUN}) while it ships: every record
 * the program put in the ring reaches the topic in ring order, and every attempt the full ring refused is in the program's lost count;
 * and a shipper JVM killed mid-stream is resumed by the next one from the kernel ring.
 * Skips with the kernel's reason where {@code bpf()} is refused, fails there under
 * {@code JRINGBUF_REQUIRE_BPF=1}.
 */
@ExtendWith(SharedKafkaBroker.class)
class KafkaShipperKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PAYLOAD = 64;

    static KafkaBroker broker;

    @BeforeAll
    static void useBroker(KafkaBroker shared) {
        broker = shared;
    }

    @Test
    void everyRecordOfAKernelRingArrivesInRingOrderAndEveryRefusalIsCounted() throws Exception {
        requireBpf();
        String topic = "kernelRing";
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        int wanted = 20_000;
        try (BpfMap ring = BpfMap.createRingbuf("ship_rb", 64 * 1024);
             BpfSequenceProducer producer = new BpfSequenceProducer(ring, PAYLOAD);
             KernelRingReader reader = KernelRingReader.open(ring, CommitMode.EXPLICIT, producer.lostCounter())) {
            AtomicLong attempts = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread producing = new Thread(() -> {
                try {
                    producer.produce(wanted, WAIT, attempts);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "bpf-producer");
            KafkaShipper shipper = new KafkaShipper(reader, ShipperConfig.builder(broker.bootstrapServers(), topic).build());
            Thread shipping = new Thread(() -> {
                try {
                    shipper.run();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "shipping");
            producing.start();
            shipping.start();
            producing.join(WAIT.toMillis());
            assertTrue(!producing.isAlive(), "the BPF producer finished");
            assertNull(failure.get(), () -> "producer failed: " + failure.get());
            long produced = producer.written();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (shipper.committedRecords() < produced && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling a counter: the shipper has no event to wait on
            }
            shipper.stop();
            shipping.join(WAIT.toMillis());
            shipper.close();
            assertNull(failure.get(), () -> "failed: " + failure.get());
            assertEquals(produced, shipper.committedRecords(), "every record committed");
            long lost = producer.lost();
            assertEquals(attempts.get(), produced + lost, "each run of the program either wrote a record or counted it lost");
            assertEquals(lost, shipper.progress().ring().lost(), "the shipper's progress reports the ring's lost count");
            System.out.println("[kernel-ring] " + produced + " records shipped, " + lost
                    + " refused by the full 64 KiB ring while the shipper was behind");

            List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
            assertEquals(produced, read.size(), "records in the topic");
            for (int i = 0; i < read.size(); i++) {
                ByteBuffer value = ByteBuffer.wrap(read.get(i).value()).order(ByteOrder.nativeOrder());
                assertEquals(PAYLOAD, value.remaining());
                for (int word = 0; word < PAYLOAD / 8; word++) {
                    assertEquals(i, value.getLong(8 * word), "record " + i + ", word " + word);
                }
            }
        }
    }

    @Test
    void shipperKilledMidStreamIsResumedByTheNextFromTheKernelRing(@TempDir Path logs) throws Exception {
        requireBpf();
        String topic = "kernelRingCrash";
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        int wanted = 20_000;
        int window = 1_024;
        long recordBytes = 8 + PAYLOAD;
        try (BpfMap ring = BpfMap.createRingbuf("ship_crash_rb", 64 * 1024);
             BpfSequenceProducer producer = new BpfSequenceProducer(ring, PAYLOAD);
             KernelRingReader watch = KernelRingReader.open(ring, CommitMode.EXPLICIT)) { // watches the positions only
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread producing = new Thread(() -> {
                try {
                    producer.produce(wanted, WAIT, new AtomicLong());
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "bpf-producer");
            String target = "map-id:" + ring.info().id();
            ChildShipper first = ChildShipper.start(target, logs, broker.bootstrapServers(), topic, window);
            producing.start();
            awaitCondition(() -> watch.consumerPosition() >= recordBytes * (wanted / 4), "a quarter committed");
            first.kill(); // SIGKILL: the kernel ring keeps every record not committed
            long committedAtCrash = watch.consumerPosition() / recordBytes;
            ChildShipper second = ChildShipper.start(target, logs, broker.bootstrapServers(), topic, window);
            producing.join(WAIT.toMillis());
            assertTrue(!producing.isAlive(), "the BPF producer finished");
            assertNull(failure.get(), () -> "producer failed: " + failure.get());
            awaitCondition(() -> watch.consumerPosition() == watch.producerPosition(), "every record committed");
            second.stopCleanly();
            long produced = producer.written();

            List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
            boolean[] seen = new boolean[(int) produced];
            long highest = -1;
            int duplicates = 0;
            for (Topics.Read r : read) {
                long sequence = ByteBuffer.wrap(r.value()).order(ByteOrder.nativeOrder()).getLong(0);
                assertTrue(sequence <= highest + 1, "record " + sequence + " after " + highest + " leaves a gap");
                highest = Math.max(highest, sequence);
                duplicates += seen[(int) sequence] ? 1 : 0;
                seen[(int) sequence] = true;
            }
            for (int i = 0; i < produced; i++) {
                assertTrue(seen[i], "record " + i + " is in the topic");
            }
            System.out.println("[kernel-ring-crash] " + produced + " records, committed at the crash: "
                    + committedAtCrash + "; sent twice: " + duplicates + " (window " + window + ")");
            assertTrue(duplicates <= window, duplicates + " records sent twice, more than the window of " + window);
        }
    }

    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + WAIT + ": " + what);
            }
            Thread.sleep(10); // polling a position: nothing to wait on
        }
    }

    /** The core's kernel gate, for this module: skip with the refusal, or fail under JRINGBUF_REQUIRE_BPF=1. */
    private static void requireBpf() {
        String refusal = BpfSupport.refusal();
        if (refusal == null) {
            return;
        }
        if ("1".equals(System.getenv("JRINGBUF_REQUIRE_BPF"))) {
            Assertions.fail("JRINGBUF_REQUIRE_BPF=1 but the kernel refused bpf(): " + refusal);
        }
        Assumptions.abort("the kernel refused bpf() (" + refusal + "); set JRINGBUF_REQUIRE_BPF=1 to fail instead");
    }
}
