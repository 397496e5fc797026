/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * Ring to Apache Kafka: {@link io.jringbuf.kafka.KafkaShipper} sends the records of a ring to a
 * topic with Kafka's own producer and moves the ring's consumer position only past records Kafka
 * acknowledged, so the ring holds every record not yet acknowledged through a crash of the
 * shipper (at least once, in ring order per partition).
 *
 * <p>The ring is read through the core's {@link io.jringbuf.RingReader} in
 * {@link io.jringbuf.CommitMode#EXPLICIT} mode (a JVM ring's or a kernel RINGBUF's).
 * Configuration ({@link io.jringbuf.kafka.ShipperConfig}) passes Kafka's producer properties
 * through under Kafka's names.
 */
package io.jringbuf.kafka;
