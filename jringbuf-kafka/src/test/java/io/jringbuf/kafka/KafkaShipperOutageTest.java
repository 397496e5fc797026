/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.CommitMode;
import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.base.RingType;
import io.jringbuf.kafka.broker.KafkaBroker;
import io.jringbuf.kafka.broker.SharedKafkaBroker;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static io.jringbuf.kafka.ShipperFixture.consumerPosition;
import static io.jringbuf.kafka.ShipperFixture.producerPosition;
import static io.jringbuf.kafka.ShipperFixture.record;
import static io.jringbuf.kafka.ShipperFixture.shipUntil;
import static io.jringbuf.kafka.ShipperFixture.shipUntilFailure;
import static io.jringbuf.kafka.ShipperFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shipper while its broker is away: down at start, and killed (SIGKILL) then restarted on the
 * same port and log directory in the middle of a stream; and the shipper itself killed mid-stream.
 * Each test leaves the shared broker running.
 */
@ExtendWith(SharedKafkaBroker.class)
class KafkaShipperOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    static KafkaBroker broker;

    @TempDir
    Path ringDirectory;
    private JvmRing ring;
    private RingReader reader;
    private String topic;

    @BeforeAll
    static void useBroker(KafkaBroker shared) {
        broker = shared;
    }

    @BeforeEach
    void newRing(TestInfo test) {
        topic = test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void closeRingAndReviveBroker() {
        if (ring != null) {
            ring.close();
        }
        if (!broker.isRunning()) {
            broker.restart();
        }
    }

    @Test
    void brokerAwayLongerThanKafkasTimeoutsFailsTheShipperAndKeepsEveryRecordForTheNext() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        Path ringFile = ringDirectory.resolve("ring");
        ring = JvmRing.create(ringFile, RingType.RINGBUF, 1 << 16);
        reader = ring.reader(CommitMode.EXPLICIT);
        int first = 50;
        int count = 100;
        for (int i = 0; i < first; i++) {
            write(ring, record(i, 50));
        }
        // 1. Mid-stream: sends that Kafka cannot deliver in time fail with Kafka's timeout, the
        //    ring stays committed past what was acknowledged. After a controlled shutdown the
        //    producer's metadata has no leader for the partition, so a send waits for one up to
        //    max.block.ms; after a SIGKILL it still has the old leader, and queued sends expire
        //    after delivery.timeout.ms. Both bounded here.
        KafkaShipper expiring = new KafkaShipper(reader, ShipperConfig.builder(broker.bootstrapServers(), topic)
                .producerProperty("request.timeout.ms", "1000")
                .producerProperty("delivery.timeout.ms", "2000")
                .producerProperty("max.block.ms", "2000")
                .build());
        shipUntil(expiring, () -> expiring.committedRecords() == first, WAIT, "the first records committed");
        long committedBeforeOutage = consumerPosition(ring);
        broker.stop(); // a controlled shutdown this time (SIGTERM); the mid-stream test kills it
        for (int i = first; i < count; i++) {
            write(ring, record(i, 50));
        }
        ShipException expired = shipUntilFailure(expiring, WAIT);
        expiring.close();
        assertInstanceOf(TimeoutException.class, expired.getCause(), expired.getMessage());
        assertEquals(committedBeforeOutage, consumerPosition(ring), "nothing committed during the outage");

        // 2. At start (the ring opened again, as by a restarted shipper process): with no broker
        //    to give metadata, a send fails after max.block.ms.
        reopen(ringFile);
        KafkaShipper impatient = new KafkaShipper(reader, ShipperConfig.builder(broker.bootstrapServers(), topic)
                .producerProperty("max.block.ms", "1500").build());
        ShipException blocked = shipUntilFailure(impatient, WAIT);
        impatient.close();
        assertInstanceOf(TimeoutException.class, blocked.getCause(), blocked.getMessage());
        assertEquals(committedBeforeOutage, consumerPosition(ring), "nothing committed");

        // 3. A shipper that waits long enough gets the rest once the broker is back.
        reopen(ringFile);
        KafkaShipper patient = new KafkaShipper(reader, ShipperConfig.builder(broker.bootstrapServers(), topic)
                .producerProperty("max.block.ms", "60000").build());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread shipping = startShipping(patient, failure);
        broker.restart();
        awaitCondition(() -> patient.committedRecords() == count - first || failure.get() != null,
                "the rest committed after the broker came back");
        patient.stop();
        shipping.join(WAIT.toMillis());
        patient.close();
        assertNull(failure.get(), () -> "failed: " + failure.get());
        assertEquals(producerPosition(ring), consumerPosition(ring));
        List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
        assertEquals(count, read.size(), "each record once: the failed shippers wrote nothing Kafka kept");
        for (int i = 0; i < count; i++) {
            assertEquals(i, read.get(i).sequence());
        }
    }

    @Test
    void brokerKilledAndRestartedMidStreamLosesNothingWhileTheRingHoldsBack() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        ring = JvmRing.anonymous(RingType.RINGBUF, 1 << 16);
        reader = ring.reader(CommitMode.EXPLICIT);
        int count = 20_000;
        int size = 100;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread producing = new Thread(() -> {
            try {
                ShipperFixture.writeWaiting(ring, count, size, WAIT);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "ring-producer");
        producing.start();
        KafkaShipper shipper = new KafkaShipper(reader, ShipperConfig.builder(broker.bootstrapServers(), topic).build());
        Thread shipping = startShipping(shipper, failure);

        awaitCondition(() -> shipper.committedRecords() >= 3_000, "3000 records committed before the outage");
        broker.kill();
        long recordBytes = 8 + ((size + 7) & ~7);
        // Back-pressure: the shipper commits nothing Kafka did not acknowledge, so the ring fills.
        awaitCondition(() -> producerPosition(ring) - consumerPosition(ring) > ring.size() - 2 * recordBytes,
                "the ring fills while the broker is down");
        assertTrue(shipper.committedRecords() < count, "records wait in the ring");
        KafkaShipper.Progress duringOutage = shipper.progress();
        assertTrue(duringOutage.inFlightRecords() > 0, "sends wait for the broker: " + duringOutage);
        assertTrue(duringOutage.ring().backlogBytes() > ring.size() - 2 * recordBytes, "the backlog is the full ring: "
                + duringOutage);
        long heldAt = consumerPosition(ring);
        broker.restart();
        producing.join(WAIT.toMillis());
        assertTrue(!producing.isAlive(), "the producer wrote every record");
        awaitCondition(() -> shipper.committedRecords() == count || failure.get() != null,
                "every record committed after the restart");
        shipper.stop();
        shipping.join(WAIT.toMillis());
        shipper.close();
        assertNull(failure.get(), () -> "failed: " + failure.get());
        assertTrue(heldAt < producerPosition(ring));
        assertEquals(producerPosition(ring), consumerPosition(ring));

        List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
        // The idempotent producer's retries across the restart write each record once.
        assertEquals(count, read.size(), "records in the topic");
        for (int i = 0; i < count; i++) {
            assertEquals(i, read.get(i).sequence(), "record at offset " + i);
        }
    }

    @Test
    void shipperKilledMidStreamIsResumedByTheNextWithAtMostItsWindowSentTwice(@TempDir Path ringDirectory)
            throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        Path ringFile = ringDirectory.resolve("ring");
        ring = JvmRing.create(ringFile, RingType.RINGBUF, 1 << 18);
        int count = 30_000;
        int size = 100;
        int window = 1_024;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread producing = new Thread(() -> {
            try {
                ShipperFixture.writeWaiting(ring, count, size, WAIT);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "ring-producer");

        long began = System.nanoTime();
        ChildShipper first = ChildShipper.start(ringFile.toString(), ringDirectory, broker.bootstrapServers(), topic, window);
        producing.start();
        long recordBytes = 8 + ((size + 7) & ~7);
        awaitCondition(() -> consumerPosition(ring) >= recordBytes * (count / 3), "a third of the records committed");
        first.kill(); // SIGKILL: no flush, no commit
        long committedAtCrash = consumerPosition(ring);
        long killedAt = System.nanoTime();

        ChildShipper second = ChildShipper.start(ringFile.toString(), ringDirectory, broker.bootstrapServers(), topic, window);
        producing.join(WAIT.toMillis());
        assertTrue(!producing.isAlive(), "the producer wrote every record");
        assertNull(failure.get(), () -> "producer failed: " + failure.get());
        awaitCondition(() -> consumerPosition(ring) == producerPosition(ring), "every record committed");
        long doneAt = System.nanoTime();
        second.stopCleanly();

        List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
        boolean[] seen = new boolean[count];
        long highest = -1;
        int duplicates = 0;
        for (Topics.Read r : read) {
            long sequence = r.sequence();
            // Ring order: the second shipper starts again at the first record not committed,
            // which is at most one past the highest record the first one sent.
            assertTrue(sequence <= highest + 1, "record " + sequence + " after " + highest + " leaves a gap");
            highest = Math.max(highest, sequence);
            if (seen[(int) sequence]) {
                duplicates++;
            }
            seen[(int) sequence] = true;
        }
        for (int i = 0; i < count; i++) {
            assertTrue(seen[i], "record " + i + " is in the topic");
        }
        System.out.println("[shipper-crash] committed at the crash: record " + committedAtCrash / recordBytes
                + "; sent twice: " + duplicates + " (window " + window + "); killed after "
                + (killedAt - began) / 1_000_000 + " ms, all committed " + (doneAt - killedAt) / 1_000_000 + " ms later");
        assertTrue(duplicates <= window, duplicates + " records sent twice, more than the window of " + window);
        assertEquals(count + duplicates, read.size());
    }

    /** Closes the ring and opens it again with a new reader, as a restarted shipper process would. */
    private void reopen(Path ringFile) {
        ring.close();
        ring = JvmRing.open(ringFile, RingType.RINGBUF);
        reader = ring.reader(CommitMode.EXPLICIT);
    }

    private static Thread startShipping(KafkaShipper shipper, AtomicReference<Throwable> failure) {
        Thread shipping = new Thread(() -> {
            try {
                shipper.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "shipping");
        shipping.start();
        return shipping;
    }

    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + WAIT + ": " + what);
            }
            Thread.sleep(10); // polling a condition: the shipper has no event to wait on
        }
    }
}
