/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka.broker;

import io.jringbuf.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker fixture: a real broker that an idempotent producer writes to and a consumer reads
 * back, that halts by itself when the test JVM lets go of it, and that comes back on the same
 * port with its data.
 */
@ExtendWith(SharedKafkaBroker.class)
class KafkaBrokerTest {
    /** A bound on one start; they take a few seconds (longer on a loaded machine). */
    private static final Duration START_BOUND = Duration.ofSeconds(30);

    static KafkaBroker broker;

    @BeforeAll
    static void useBroker(KafkaBroker shared) {
        broker = shared;
        assertTrue(broker.lastStartTime().compareTo(START_BOUND) < 0, "start took " + broker.lastStartTime());
    }

    @Test
    void idempotentProducerWritesWhatAConsumerReadsBack() throws Exception {
        String topic = "smoke";
        createTopic(topic);
        int count = 100;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, ("record " + i).getBytes(StandardCharsets.UTF_8))));
            }
            for (int i = 0; i < count; i++) {
                assertEquals(i, sent.get(i).get(30, TimeUnit.SECONDS).offset());
            }
        }
        List<String> read = readBack(topic, count);
        for (int i = 0; i < count; i++) {
            assertEquals("record " + i, read.get(i));
        }
    }

    @Test
    void brokerHaltsWhenTheTestJvmLetsGoAndRestartsOnTheSamePortWithItsData() throws Exception {
        String topic = "kept";
        createTopic(topic);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, "before".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
        int port = broker.port();
        // What a test JVM killed without its shutdown hooks does to its child: the pipe closes.
        // (SIGKILL and restart are exercised by the shipper's outage tests.)
        assertEquals(0, broker.letGo(), "the broker's exit status (Runtime.halt(0))");
        assertFalse(broker.isRunning());
        broker.restart();
        assertTrue(broker.isRunning());
        assertEquals(port, broker.port());
        assertTrue(broker.lastStartTime().compareTo(START_BOUND) < 0, "restart took " + broker.lastStartTime());
        assertEquals(List.of("before"), readBack(topic, 1));
    }

    private static void createTopic(String topic) throws Exception {
        Topics.create(broker.bootstrapServers(), topic, 1, Map.of());
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<String> readBack(String topic, int count) {
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    read.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            assertEquals(count, consumer.position(partition), "records in " + topic);
        }
        assertEquals(count, read.size(), "records read back from " + topic);
        return read;
    }
}
