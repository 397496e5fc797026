/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.micrometer;

import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The meters over a known workload, in a real registry and in a Prometheus scrape. */
class RingMetricsTest {
    private static final RecordHandler ALL = (b, o, l) -> RecordHandler.CONTINUE;

    @Test
    void metersFollowTheRingsStatistics() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            RingWriter writer = ring.writer();
            RingReader reader = ring.reader();
            new RingMetrics(Tags.of("app", "test")).add(reader).add(writer).bindTo(registry);
            for (int i = 0; i < 10; i++) {
                writer.output(new byte[8], RingWriter.NO_WAKEUP);
            }
            Tags readerTags = Tags.of("ring", "anonymous", "type", "RINGBUF", "side", "reader", "app", "test");
            Tags writerTags = Tags.of("ring", "anonymous", "type", "RINGBUF", "side", "writer", "app", "test");
            assertEquals(160, registry.get("jringbuf.ring.backlog").tags(readerTags).gauge().value());
            assertEquals(0, reader.consume(ALL, 0));
            assertEquals(10, reader.consume(ALL));
            assertEquals(10, registry.get("jringbuf.ring.records").tags(readerTags).functionCounter().count());
            assertEquals(160, registry.get("jringbuf.ring.bytes").tags(readerTags).functionCounter().count());
            assertEquals(2, registry.get("jringbuf.ring.calls").tags(readerTags).functionCounter().count());
            assertEquals(0, registry.get("jringbuf.ring.backlog").tags(readerTags).gauge().value());
            assertEquals(160, registry.get("jringbuf.ring.backlog.max").tags(readerTags).gauge().value());
            assertEquals(4096, registry.get("jringbuf.ring.size").tags(writerTags).gauge().value());
            assertEquals(160, registry.get("jringbuf.ring.bytes").tags(writerTags).functionCounter().count());
            assertNull(registry.find("jringbuf.ring.records").tags(writerTags).functionCounter(),
                    "a writer has no delivery counters");
            while (writer.output(new byte[8], RingWriter.NO_WAKEUP)) {
                // fill
            }
            assertEquals(1, registry.get("jringbuf.ring.lost").tags(writerTags).functionCounter().count());
            assertEquals(1, registry.get("jringbuf.ring.lost").tags(readerTags).functionCounter().count());
        }
        assertTrue(Double.isNaN(registry.get("jringbuf.ring.backlog").tags("side", "reader").gauge().value()),
                "a closed ring reports NaN");
    }

    @Test
    void aPrometheusScrapeShowsTheRings() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (JvmRing ring = JvmRing.anonymous(RingType.USER_RINGBUF, 4096)) {
            RingWriter writer = ring.writer();
            RingReader reader = ring.reader();
            new RingMetrics().add(reader).add(writer).bindTo(registry);
            for (int i = 0; i < 3; i++) {
                writer.output(new byte[8], 0);
            }
            assertEquals(3, reader.consume(ALL));
            String scrape = registry.scrape();
            assertTrue(scrape.contains(
                    "jringbuf_ring_records_total{ring=\"anonymous\",side=\"reader\",type=\"USER_RINGBUF\"} 3.0"), scrape);
            assertTrue(scrape.contains(
                    "jringbuf_ring_bytes_total{ring=\"anonymous\",side=\"writer\",type=\"USER_RINGBUF\"} 48.0"), scrape);
            assertTrue(scrape.contains("jringbuf_ring_backlog_bytes{ring=\"anonymous\",side=\"reader\""), scrape);
        }
    }
}
