/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link KafkaShipper} sends where: the topic, the key, the Kafka producer's own settings
 * (passed through under Kafka's names), and the shipper's bounds.
 *
 * <p>Producer defaults, each replaced by a property of the same name: {@code enable.idempotence=true}
 * and {@code acks=all} (no duplicates while the shipper lives, an acknowledgement means every
 * in-sync replica has the record), {@code client.id=jringbuf-shipper}. The serializers are the
 * shipper's (byte arrays) whatever the properties say. Weakening {@code acks} weakens what an
 * acknowledgement means, and so what a commit to the ring means.
 */
public final class ShipperConfig {
    private final String topic;
    private final KeyRange key;
    private final ValueEncoder value;
    private final Map<String, Object> producerProperties;
    private final int maxInFlightRecords;
    private final int maxRecordsPerPoll;
    private final Duration commitInterval;
    private final Duration closeTimeout;

    private ShipperConfig(Builder b) {
        this.topic = b.topic;
        this.key = b.key;
        this.value = b.value;
        this.producerProperties = Map.copyOf(b.producerProperties);
        this.maxInFlightRecords = b.maxInFlightRecords;
        this.maxRecordsPerPoll = b.maxRecordsPerPoll;
        this.commitInterval = b.commitInterval;
        this.closeTimeout = b.closeTimeout;
    }

    /**
     * Starts a configuration.
     *
     * @param bootstrapServers Kafka's {@code bootstrap.servers}, for example {@code 127.0.0.1:9092}
     * @param topic the topic every record goes to
     * @return a builder
     */
    public static Builder builder(String bootstrapServers, String topic) {
        return new Builder(bootstrapServers, topic);
    }

    /** {@return the topic} */
    public String topic() {
        return topic;
    }

    /** {@return the key byte range, or null for records without a key} */
    public KeyRange key() {
        return key;
    }

    /** {@return how a record becomes a value: {@link ValueEncoder#RAW} unless set} */
    public ValueEncoder value() {
        return value;
    }

    /** {@return the producer properties with the shipper's defaults filled in} */
    public Map<String, Object> producerProperties() {
        return producerProperties;
    }

    /** {@return the most records sent and not yet committed to the ring} */
    public int maxInFlightRecords() {
        return maxInFlightRecords;
    }

    /** {@return the most records read from the ring per poll} */
    public int maxRecordsPerPoll() {
        return maxRecordsPerPoll;
    }

    /**
     * {@return the longest a poll waits for new records while sends are in flight, so that
     * acknowledged records are committed}
     */
    public Duration commitInterval() {
        return commitInterval;
    }

    /** {@return how long {@link KafkaShipper#close()} waits for the sends in flight} */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    @Override
    public String toString() {
        return "ShipperConfig[topic=" + topic + ", key=" + (key == null ? "none" : key)
                + ", maxInFlightRecords=" + maxInFlightRecords + ", producer=" + producerProperties + "]";
    }

    /** Builds a {@link ShipperConfig}. */
    public static final class Builder {
        private final String topic;
        private final Map<String, Object> producerProperties = new LinkedHashMap<>();
        private KeyRange key;
        private ValueEncoder value = ValueEncoder.RAW;
        private int maxInFlightRecords = 16_384;
        private int maxRecordsPerPoll = 1_024;
        private Duration commitInterval = Duration.ofMillis(50);
        private Duration closeTimeout = Duration.ofSeconds(30);

        private Builder(String bootstrapServers, String topic) {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            this.topic = Objects.requireNonNull(topic, "topic");
            if (topic.isEmpty()) {
                throw new IllegalArgumentException("topic: empty name");
            }
            producerProperties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            producerProperties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
            producerProperties.put(ProducerConfig.CLIENT_ID_CONFIG, "jringbuf-shipper");
        }

        /**
         * Keys each record with a byte range of its payload (default: no key).
         *
         * @param range the key bytes, or null for no key
         * @return this builder
         */
        public Builder key(KeyRange range) {
            this.key = range;
            return this;
        }

        /**
         * Sets how each record becomes the Kafka record's value (default {@link ValueEncoder#RAW},
         * the record's bytes; {@link ValueEncoder#json} for JSON by the record's BTF type).
         *
         * @param encoder the encoder
         * @return this builder
         */
        public Builder value(ValueEncoder encoder) {
            this.value = Objects.requireNonNull(encoder, "encoder");
            return this;
        }

        /**
         * Sets a Kafka producer property under Kafka's own name ({@code linger.ms},
         * {@code compression.type}, {@code delivery.timeout.ms}, ...), replacing a default.
         *
         * @param name the property name
         * @param value its value
         * @return this builder
         */
        public Builder producerProperty(String name, Object value) {
            producerProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets several producer properties (see {@link #producerProperty}).
         *
         * @param properties names and values
         * @return this builder
         */
        public Builder producerProperties(Map<String, ?> properties) {
            properties.forEach(this::producerProperty);
            return this;
        }

        /**
         * Bounds the records sent and not yet committed to the ring: the window that a crash of
         * the shipper can send twice. Rounded up to a power of two.
         *
         * @param records at least 1
         * @return this builder
         */
        public Builder maxInFlightRecords(int records) {
            if (records < 1 || records > (1 << 24)) {
                throw new IllegalArgumentException("maxInFlightRecords " + records + ": expected 1 to 16777216");
            }
            this.maxInFlightRecords = Integer.highestOneBit(records) == records ? records
                    : Integer.highestOneBit(records) << 1;
            return this;
        }

        /**
         * Bounds the records read from the ring per poll.
         *
         * @param records at least 1
         * @return this builder
         */
        public Builder maxRecordsPerPoll(int records) {
            if (records < 1) {
                throw new IllegalArgumentException("maxRecordsPerPoll " + records + ": expected at least 1");
            }
            this.maxRecordsPerPoll = records;
            return this;
        }

        /**
         * Sets how long a poll waits for new records while sends are in flight, so that
         * acknowledged records are committed to the ring that soon when the ring is idle.
         *
         * @param interval positive
         * @return this builder
         */
        public Builder commitInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("commitInterval " + interval + ": expected positive");
            }
            this.commitInterval = interval;
            return this;
        }

        /**
         * Sets how long {@link KafkaShipper#close()} waits for the sends in flight.
         *
         * @param timeout zero or positive
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout " + timeout + ": expected zero or positive");
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** {@return the configuration} */
        public ShipperConfig build() {
            return new ShipperConfig(this);
        }
    }
}
