/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Topic set-up and read-back for the tests, through Kafka's own admin and consumer clients. */
public final class Topics {
    private Topics() {
    }

    /** A record read back: where it is in the topic and its bytes. */
    record Read(int partition, long offset, byte[] key, byte[] value) {
        /** @return the test sequence number in the first 8 bytes of the value (little-endian) */
        long sequence() {
            return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        }
    }

    /**
     * Creates a topic and waits until its partition leaders serve requests. Producing to a
     * partition before its broker has applied the creation can reorder an idempotent producer's
     * first requests, which brokers before Kafka 4.5 then reject forever with
     * OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms (KAFKA-15591): the tests start
     * shipping once a ListOffsets request, which only the leader answers, succeeds everywhere.
     *
     * @param bootstrap the broker
     * @param topic the new topic's name
     * @param partitions its partitions (one replica each)
     * @param configs topic configuration
     * @throws Exception if Kafka refuses, or the leaders do not serve within 30 s
     */
    public static void create(String bootstrap, String topic, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            // The broker may not know the topic yet either (its metadata follows the
            // controller's): the admin client then fails the request instead of retrying it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof RetriableException) || System.nanoTime() - deadline > 0) {
                        throw e;
                    }
                }
                Thread.sleep(20); // polling the broker's view: there is no event to wait on
            }
        }
    }

    /** Denies WRITE on the topic to the anonymous principal (the broker allows what no ACL names). */
    static void denyWrite(String bootstrap, String topic) throws Exception {
        addAcls(bootstrap, List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry("User:ANONYMOUS", "*", AclOperation.WRITE, AclPermissionType.DENY))));
    }

    /**
     * Adds ACLs and waits until the broker's authorizer has them: DescribeAcls is answered from
     * the broker's own view, which follows the controller's metadata a moment later.
     */
    private static void addAcls(String bootstrap, List<AclBinding> acls) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            for (AclBinding acl : acls) {
                awaitAcl(admin, acl, true);
            }
        }
    }

    private static void awaitAcl(Admin admin, AclBinding acl, boolean present) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (admin.describeAcls(acl.toFilter()).values().get(30, TimeUnit.SECONDS).contains(acl) != present) {
            if (System.nanoTime() - deadline > 0) {
                fail("the broker did not " + (present ? "apply " : "drop ") + acl + " within 30 s");
            }
            Thread.sleep(20); // polling the broker's view: there is no event to wait on
        }
    }

    /**
     * Reads every record of the topic: as many as its end offsets say, all partitions, waiting at
     * most {@code timeout}.
     */
    static List<Read> readAll(String bootstrap, String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long total = consumer.endOffsets(partitions, timeout).values().stream().mapToLong(Long::longValue).sum();
            List<Read> read = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (read.size() < total) {
                if (System.nanoTime() - deadline > 0) {
                    fail("read " + read.size() + " of " + total + " records of " + topic + " in " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    read.add(new Read(r.partition(), r.offset(), r.key(), r.value()));
                }
            }
            return read;
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
