/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.CommitMode;
import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.base.RingType;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration: Kafka's names passed through over the shipper's defaults; bad values refused clearly. */
class ShipperConfigTest {

    @Test
    void defaultsToTheIdempotentProducerWithAcksAll() {
        ShipperConfig config = ShipperConfig.builder("127.0.0.1:9092", "events").build();
        Map<String, Object> p = config.producerProperties();
        assertEquals("127.0.0.1:9092", p.get("bootstrap.servers"));
        assertEquals("true", p.get("enable.idempotence"));
        assertEquals("all", p.get("acks"));
        assertEquals("events", config.topic());
        assertEquals(null, config.key());
        assertEquals(16_384, config.maxInFlightRecords());
    }

    @Test
    void producerPropertiesPassThroughAndReplaceDefaults() {
        ShipperConfig config = ShipperConfig.builder("127.0.0.1:9092", "events")
                .producerProperties(Map.of("linger.ms", "20", "compression.type", "zstd", "acks", "1",
                        "enable.idempotence", "false"))
                .maxInFlightRecords(1000)
                .build();
        Map<String, Object> p = config.producerProperties();
        assertEquals("20", p.get("linger.ms"));
        assertEquals("zstd", p.get("compression.type"));
        assertEquals("1", p.get("acks"));
        assertEquals("false", p.get("enable.idempotence"));
        assertEquals(1024, config.maxInFlightRecords(), "rounded up to a power of two");
    }

    @Test
    void refusesBadShipperBounds() {
        ShipperConfig.Builder b = ShipperConfig.builder("127.0.0.1:9092", "events");
        assertThrows(IllegalArgumentException.class, () -> b.maxInFlightRecords(0));
        assertThrows(IllegalArgumentException.class, () -> b.maxRecordsPerPoll(0));
        assertThrows(IllegalArgumentException.class, () -> b.commitInterval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.closeTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> ShipperConfig.builder("127.0.0.1:9092", ""));
    }

    @Test
    void kafkaRefusesABadProducerPropertyByName() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 1 << 16)) {
            RingReader reader = ring.reader(CommitMode.EXPLICIT);
            ConfigException bad = assertThrows(ConfigException.class, () -> new KafkaShipper(reader,
                    ShipperConfig.builder("127.0.0.1:9092", "events").producerProperty("acks", "most").build()));
            assertTrue(bad.getMessage().contains("acks"), bad.getMessage());
            // Kafka's own rule: idempotence needs acks=all.
            ConfigException conflict = assertThrows(ConfigException.class, () -> new KafkaShipper(reader,
                    ShipperConfig.builder("127.0.0.1:9092", "events").producerProperty("acks", "1").build()));
            assertTrue(conflict.getMessage().contains("acks"), conflict.getMessage());
            assertEquals(0, ShipperFixture.consumerPosition(ring));
        }
    }

    @Test
    void refusesAReaderThatCommitsByItself() {
        for (CommitMode mode : new CommitMode[] {CommitMode.PER_RECORD, CommitMode.BATCH}) {
            try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 1 << 16)) {
                RingReader reader = ring.reader(mode);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KafkaShipper(reader,
                        ShipperConfig.builder("127.0.0.1:9092", "events").build()));
                assertTrue(e.getMessage().contains("EXPLICIT"), e.getMessage());
            }
        }
    }

    @Test
    void refusesAReaderWithRecordsReadAndNotCommitted() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 1 << 16)) {
            ShipperFixture.write(ring, ShipperFixture.record(0, 16));
            RingReader reader = ring.reader(CommitMode.EXPLICIT);
            assertEquals(1, reader.consume((buffer, offset, length) -> true, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KafkaShipper(reader,
                    ShipperConfig.builder("127.0.0.1:9092", "events").build()));
            assertTrue(e.getMessage().contains("new reader"), e.getMessage());
        }
    }
}
