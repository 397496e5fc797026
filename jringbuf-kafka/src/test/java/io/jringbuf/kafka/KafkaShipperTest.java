/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.CommitMode;
import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.jringbuf.kafka.broker.KafkaBroker;
import io.jringbuf.kafka.broker.SharedKafkaBroker;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.jringbuf.kafka.ShipperFixture.consumerPosition;
import static io.jringbuf.kafka.ShipperFixture.producerPosition;
import static io.jringbuf.kafka.ShipperFixture.record;
import static io.jringbuf.kafka.ShipperFixture.shipUntil;
import static io.jringbuf.kafka.ShipperFixture.shipUntilFailure;
import static io.jringbuf.kafka.ShipperFixture.write;
import static io.jringbuf.kafka.ShipperFixture.writeDiscarded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipper against a real broker: delivery, order, keys, commits, and the faults Kafka reports. */
@ExtendWith(SharedKafkaBroker.class)
class KafkaShipperTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    static KafkaBroker broker;

    @TempDir
    Path ringDirectory;
    private Path ringFile;
    private JvmRing ring;
    private RingReader reader;
    private String topic;

    @BeforeAll
    static void useBroker(KafkaBroker shared) {
        broker = shared;
    }

    @BeforeEach
    void newRing(TestInfo test) {
        ringFile = ringDirectory.resolve("ring");
        ring = JvmRing.create(ringFile, RingType.RINGBUF, 1 << 20);
        reader = ring.reader(CommitMode.EXPLICIT);
        topic = test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void closeRing() {
        ring.close();
    }

    private ShipperConfig.Builder config() {
        return ShipperConfig.builder(broker.bootstrapServers(), topic);
    }

    @Test
    void shipsEveryRecordInRingOrderAndCommitsTheRingToItsEnd() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        List<byte[]> written = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            byte[] r = record(i, 8 + (i * 37) % 300);
            write(ring, r);
            written.add(r);
            if (i % 100 == 0) {
                writeDiscarded(ring, 40);
            }
        }
        writeDiscarded(ring, 24); // the ring ends with a record to skip: the commit passes it too
        try (KafkaShipper shipper = new KafkaShipper(reader, config().build())) {
            shipUntil(shipper, () -> shipper.committedRecords() == written.size(), WAIT, "all records committed");
            shipper.flush();
            assertEquals(written.size(), shipper.sentRecords());
            assertEquals(0, shipper.inFlightRecords());
            KafkaShipper.Progress progress = shipper.progress();
            assertEquals(written.size(), progress.sentRecords());
            assertEquals(written.size(), progress.committedRecords());
            assertEquals(0, progress.inFlightRecords());
            assertEquals(producerPosition(ring), progress.committedPosition());
            assertEquals(0, progress.ring().backlogBytes(), "nothing left in the ring");
            assertEquals(written.size(), progress.ring().records(), "records the reader delivered");
        }
        assertEquals(producerPosition(ring), consumerPosition(ring), "the ring is committed to its end");
        List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
        assertEquals(written.size(), read.size(), "records in the topic");
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i), read.get(i).value(), "record " + i);
            assertEquals(null, read.get(i).key());
        }
    }

    @Test
    void keyBytesKeepEachKeyOnOnePartitionInRingOrder() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 4, Map.of());
        int count = 3_000;
        for (int i = 0; i < count; i++) {
            byte[] r = record(i, 64);
            ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN).putInt(8, i % 7); // the key: bytes 8..11
            write(ring, r);
        }
        try (KafkaShipper shipper = new KafkaShipper(reader, config().key(KeyRange.parse("8:4")).build())) {
            shipUntil(shipper, () -> shipper.committedRecords() == count, WAIT, "all records committed");
        }
        List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
        assertEquals(count, read.size());
        Map<Integer, Integer> partitionOfKey = new HashMap<>();
        Map<Integer, Long> lastOfKey = new HashMap<>();
        boolean[] seen = new boolean[count];
        read.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        for (Topics.Read r : read) {
            int key = ByteBuffer.wrap(r.key()).order(ByteOrder.LITTLE_ENDIAN).getInt();
            assertArrayEquals(Arrays.copyOfRange(r.value(), 8, 12), r.key(), "the key is bytes 8..11 of the value");
            assertEquals(partitionOfKey.computeIfAbsent(key, k -> r.partition()), r.partition(), "key " + key + "'s partition");
            long sequence = r.sequence();
            Long last = lastOfKey.put(key, sequence);
            assertTrue(last == null || last < sequence, "key " + key + ": " + sequence + " after " + last);
            seen[(int) sequence] = true;
        }
        for (int i = 0; i < count; i++) {
            assertTrue(seen[i], "record " + i + " is in the topic");
        }
        assertTrue(partitionOfKey.values().stream().distinct().count() > 1, "keys spread over partitions");
    }

    @Test
    void keylessRecordsSpreadOverPartitionsKeepRingOrderInEach() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 3, Map.of());
        int count = 4_000; // 208 bytes each: 832 KB of the 1 MiB ring
        for (int i = 0; i < count; i++) {
            write(ring, record(i, 200));
        }
        // Small batches so that the sticky partitioner moves on often.
        try (KafkaShipper shipper = new KafkaShipper(reader, config().producerProperty("batch.size", "2048").build())) {
            shipUntil(shipper, () -> shipper.committedRecords() == count, WAIT, "all records committed");
        }
        List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
        assertEquals(count, read.size());
        read.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        Map<Integer, Long> lastOfPartition = new HashMap<>();
        boolean[] seen = new boolean[count];
        for (Topics.Read r : read) {
            long sequence = r.sequence();
            Long last = lastOfPartition.put(r.partition(), sequence);
            assertTrue(last == null || last < sequence, "partition " + r.partition() + ": " + sequence + " after " + last);
            assertTrue(!seen[(int) sequence], "record " + sequence + " twice");
            seen[(int) sequence] = true;
        }
        assertTrue(lastOfPartition.size() > 1, "records spread over partitions: " + lastOfPartition.keySet());
    }

    @Test
    void concurrentWritersKeepTheirOrderThroughTheShipper() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        int writers = 3;
        int perWriter = 4_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(new Thread(() -> {
                try {
                    RingWriter out = ring.writer();
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    for (int i = 0; i < perWriter; i++) {
                        long offset;
                        while ((offset = out.reserve(24, Duration.ofMillis(5))) == RingWriter.NO_SPACE) {
                            if (System.nanoTime() - deadline > 0) {
                                throw new AssertionError("writer " + writer + ": no room for record " + i);
                            }
                        }
                        // Reserved records not yet submitted are BUSY: the reader stops at them.
                        out.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, offset, (long) i);
                        out.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8, (long) writer);
                        out.submit(offset, 0);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "writer-" + w));
        }
        try (KafkaShipper shipper = new KafkaShipper(reader, config().build())) {
            threads.forEach(Thread::start);
            shipUntil(shipper, () -> shipper.committedRecords() == (long) writers * perWriter || failure.get() != null,
                    WAIT, "every writer's records committed");
        }
        for (Thread t : threads) {
            t.join(WAIT.toMillis());
        }
        assertNull(failure.get(), () -> "a writer failed: " + failure.get());
        List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
        assertEquals(writers * perWriter, read.size());
        long[] next = new long[writers];
        for (Topics.Read r : read) {
            ByteBuffer value = ByteBuffer.wrap(r.value()).order(ByteOrder.nativeOrder());
            int writer = (int) value.getLong(8);
            assertEquals(next[writer], value.getLong(0), "writer " + writer + "'s next record");
            next[writer]++;
        }
    }

    @Test
    void neverHasMoreRecordsReadAheadOfTheCommitThanItsWindow() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        int count = 200;
        int size = 56; // 64 bytes a record with its header
        for (int i = 0; i < count; i++) {
            write(ring, record(i, size));
        }
        int window = 8;
        int[] mostAhead = new int[1];
        long[] committedPosition = {reader.readPosition()};
        // The reader as the shipper sees it, counting what was read and not yet committed.
        RingReader counting = new DelegatingReader(reader) {
            private RecordHandler wrap(RecordHandler handler) {
                return (buffer, offset, length) -> {
                    int ahead = (int) ((reader.readPosition() - committedPosition[0]) / 64);
                    mostAhead[0] = Math.max(mostAhead[0], ahead);
                    return handler.onRecord(buffer, offset, length);
                };
            }

            @Override
            public int consume(RecordHandler handler, int max) {
                return reader.consume(wrap(handler), max);
            }

            @Override
            public int poll(RecordHandler handler, int max, Duration timeout) {
                return reader.poll(wrap(handler), max, timeout);
            }

            @Override
            public void commit(long position) {
                reader.commit(position);
                committedPosition[0] = position;
            }
        };
        try (KafkaShipper shipper = new KafkaShipper(counting, config().maxInFlightRecords(window).build())) {
            shipUntil(shipper, () -> shipper.committedRecords() == count, WAIT, "all records committed");
        }
        assertEquals(window, mostAhead[0], "records read and not committed, at most (the window)");
        assertEquals(count, Topics.readAll(broker.bootstrapServers(), topic, WAIT).size());
    }

    @Test
    void cleanStopFlushesAndCommitsEverythingSent() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 2, Map.of());
        int count = 5_000;
        for (int i = 0; i < count; i++) {
            write(ring, record(i, 100));
        }
        KafkaShipper shipper = new KafkaShipper(reader, config().maxRecordsPerPoll(64).build());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread shipping = new Thread(() -> {
            try {
                shipper.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "shipping");
        shipping.start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (shipper.sentRecords() < 500 && System.nanoTime() < deadline) {
            Thread.sleep(1); // polling a counter: the shipper has no event to wait on
        }
        shipper.stop();
        shipping.join(WAIT.toMillis());
        assertTrue(!shipping.isAlive(), "run() returned after stop()");
        assertEquals(null, failure.get());
        long sent = shipper.sentRecords();
        assertTrue(sent >= 500, "records sent before the stop: " + sent);
        assertEquals(sent, shipper.committedRecords(), "every record sent is committed after a clean stop");
        assertEquals(reader.readPosition(), consumerPosition(ring), "the ring is committed up to what was read");
        shipper.close();
        List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
        assertEquals(sent, read.size(), "the topic holds exactly the records sent");
    }

    @Test
    void recordTooShortForTheKeyStopsShippingAndStaysInTheRing() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        for (int i = 0; i < 3; i++) {
            write(ring, record(i, 32));
        }
        long endOfThird = producerPosition(ring);
        write(ring, record(3, 8));
        write(ring, record(4, 32));
        KafkaShipper shipper = new KafkaShipper(reader, config().key(new KeyRange(0, 16)).build());
        ShipException e = shipUntilFailure(shipper, WAIT);
        shipper.close();
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(e.getMessage().contains("8 bytes, too short for the key bytes 0:16"), e.getMessage());
        assertEquals(endOfThird, consumerPosition(ring), "committed up to the record before the short one");
        assertTrue(e.committedPosition() <= endOfThird, "committed when it threw: " + e.committedPosition());
        assertEquals(endOfThird, shipper.committedPosition());
        assertEquals(3, Topics.readAll(broker.bootstrapServers(), topic, WAIT).size());
    }

    @Test
    void missingTopicFailsAfterMaxBlockAndKeepsEveryRecord() {
        for (int i = 0; i < 10; i++) {
            write(ring, record(i, 50));
        }
        long start = consumerPosition(ring);
        KafkaShipper shipper = new KafkaShipper(reader, config().producerProperty("max.block.ms", "1500").build());
        long began = System.nanoTime();
        ShipException e = shipUntilFailure(shipper, WAIT);
        long tookMillis = (System.nanoTime() - began) / 1_000_000;
        shipper.close();
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(e.getMessage().contains(topic), e.getMessage());
        assertTrue(tookMillis >= 1_400 && tookMillis < 15_000, "failed after " + tookMillis + " ms (max.block.ms 1500)");
        assertEquals(start, consumerPosition(ring), "nothing committed");
        assertEquals(10, recordsLeftInRing(), "every record is still in the ring");
    }

    @Test
    void unauthorizedTopicFailsAndKeepsEveryRecord() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        Topics.denyWrite(broker.bootstrapServers(), topic);
        for (int i = 0; i < 10; i++) {
            write(ring, record(i, 50));
        }
        KafkaShipper shipper = new KafkaShipper(reader, config().build());
        ShipException e = shipUntilFailure(shipper, WAIT);
        shipper.close();
        assertInstanceOf(TopicAuthorizationException.class, e.getCause(), e.getMessage());
        assertEquals(0, consumerPosition(ring), "nothing committed");
        assertEquals(10, recordsLeftInRing(), "every record is still in the ring");
    }

    @Test
    void recordLargerThanTheBrokerLimitStopsShippingAfterTheRecordsBeforeIt() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of("max.message.bytes", "2048"));
        for (int i = 0; i < 10; i++) {
            write(ring, record(i, 100));
        }
        long endOfTenth = producerPosition(ring);
        write(ring, record(10, 4_000));
        for (int i = 11; i < 20; i++) {
            write(ring, record(i, 100));
        }
        KafkaShipper shipper = new KafkaShipper(reader, config().build());
        ShipException e = shipUntilFailure(shipper, WAIT);
        shipper.close();
        assertInstanceOf(RecordTooLargeException.class, e.getCause(), e.getMessage());
        assertEquals(endOfTenth, consumerPosition(ring), "committed up to the record before the large one");
        assertEquals(endOfTenth, shipper.committedPosition());
        assertEquals(10, recordsLeftInRing(), "the large record and those after it are still in the ring");
        List<Topics.Read> read = Topics.readAll(broker.bootstrapServers(), topic, WAIT);
        for (int i = 0; i < 10; i++) {
            assertEquals(i, read.get(i).sequence(), "record " + i + " in the topic");
        }
        assertTrue(read.stream().noneMatch(r -> r.sequence() == 10), "the large record is not in the topic");
    }

    @Test
    void recordLargerThanTheProducerLimitFailsBeforeLeavingTheShipper() throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
        write(ring, record(0, 100));
        long endOfFirst = producerPosition(ring);
        write(ring, record(1, 3_000));
        KafkaShipper shipper = new KafkaShipper(reader, config().producerProperty("max.request.size", "2048").build());
        ShipException e = shipUntilFailure(shipper, WAIT);
        shipper.close();
        assertInstanceOf(RecordTooLargeException.class, e.getCause(), e.getMessage());
        assertEquals(endOfFirst, consumerPosition(ring), "committed up to the record before the large one");
        assertEquals(1, recordsLeftInRing());
    }

    /**
     * What the next shipper finds: closes the ring (as a stopped shipper's process would), opens
     * it again and counts the records a new reader delivers from the consumer position, without
     * committing them.
     */
    private int recordsLeftInRing() {
        ring.close();
        ring = JvmRing.open(ringFile, RingType.RINGBUF);
        reader = ring.reader(CommitMode.EXPLICIT);
        return reader.consume((buffer, offset, length) -> RecordHandler.CONTINUE, Integer.MAX_VALUE);
    }
}
