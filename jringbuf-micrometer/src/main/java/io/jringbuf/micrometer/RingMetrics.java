/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.micrometer;

import io.jringbuf.RingReader;
import io.jringbuf.RingStatistics;
import io.jringbuf.RingWriter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Binds jringbuf's ring statistics ({@link RingStatistics}) to a Micrometer registry: gauges for
 * the backlog and its highest value, function counters for what only grows. Each ring's meters
 * carry the tags {@code ring} (its name: a ring file, or {@code map NAME (id N)}), {@code type}
 * ({@code RINGBUF} or {@code USER_RINGBUF}) and {@code side} ({@code reader} or {@code writer}).
 *
 * <pre>{@code
 * new RingMetrics().add(ringBuffer.ring(0)).add(writer).bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>kind</th><th>side</th><th>value</th></tr>
 *   <tr><td>{@code jringbuf.ring.backlog}</td><td>gauge, bytes</td><td>both</td><td>unconsumed bytes now</td></tr>
 *   <tr><td>{@code jringbuf.ring.backlog.max}</td><td>gauge, bytes</td><td>both</td><td>the highest backlog seen</td></tr>
 *   <tr><td>{@code jringbuf.ring.size}</td><td>gauge, bytes</td><td>both</td><td>the data area</td></tr>
 *   <tr><td>{@code jringbuf.ring.bytes}</td><td>counter, bytes</td><td>both</td><td>bytes consumed (reader), received (writer)</td></tr>
 *   <tr><td>{@code jringbuf.ring.records}</td><td>counter</td><td>reader</td><td>records delivered</td></tr>
 *   <tr><td>{@code jringbuf.ring.calls}</td><td>counter</td><td>reader</td><td>consume and poll calls</td></tr>
 *   <tr><td>{@code jringbuf.ring.wakeups}</td><td>counter</td><td>reader</td><td>waits a wakeup ended</td></tr>
 *   <tr><td>{@code jringbuf.ring.lost}</td><td>counter</td><td>both</td><td>records the ring refused (not
 *       registered where nothing counts them: a kernel RINGBUF without a lost counter map)</td></tr>
 * </table>
 *
 * The meters hold the readers and writers weakly, as Micrometer does (keep your rings, as you
 * must anyway); a ring that is gone or closed reports NaN.
 */
public final class RingMetrics implements MeterBinder {
    /** A reader or writer, and how to get its statistics. */
    private record Source(String side, Object ring, Function<Object, RingStatistics> statistics) {
    }

    private final List<Source> sources = new ArrayList<>();
    private final Tags extraTags;

    /** Meters with the ring tags only. */
    public RingMetrics() {
        this(Tags.empty());
    }

    /**
     * Meters with more tags (an application or host name, for example).
     *
     * @param extraTags added to every meter
     */
    public RingMetrics(Iterable<io.micrometer.core.instrument.Tag> extraTags) {
        this.extraTags = Tags.of(extraTags);
    }

    /**
     * Adds a reader's meters.
     *
     * @param reader the reader
     * @return this binder
     */
    public RingMetrics add(RingReader reader) {
        Objects.requireNonNull(reader, "reader");
        sources.add(new Source("reader", reader, r -> ((RingReader) r).statistics()));
        return this;
    }

    /**
     * Adds a writer's meters.
     *
     * @param writer the writer
     * @return this binder
     */
    public RingMetrics add(RingWriter writer) {
        Objects.requireNonNull(writer, "writer");
        sources.add(new Source("writer", writer, w -> ((RingWriter) w).statistics()));
        return this;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Source source : sources) {
            RingStatistics first = source.statistics().apply(source.ring());
            Tags tags = extraTags.and("ring", first.ring(), "type", first.type().name(), "side", source.side());
            Object ring = source.ring();
            Function<Object, RingStatistics> stats = source.statistics();
            gauge(registry, "jringbuf.ring.backlog", "unconsumed bytes", tags, ring, stats, s -> s.backlogBytes());
            gauge(registry, "jringbuf.ring.backlog.max", "the highest backlog seen", tags, ring, stats,
                    s -> s.maxBacklogBytes());
            gauge(registry, "jringbuf.ring.size", "the data area", tags, ring, stats, s -> s.size());
            counter(registry, "jringbuf.ring.bytes", "bytes consumed (reader) or received (writer)", "bytes", tags,
                    ring, stats, s -> s.bytes());
            if (source.side().equals("reader")) {
                counter(registry, "jringbuf.ring.records", "records delivered", null, tags, ring, stats, s -> s.records());
                counter(registry, "jringbuf.ring.calls", "consume and poll calls", null, tags, ring, stats, s -> s.calls());
                counter(registry, "jringbuf.ring.wakeups", "waits a wakeup ended", null, tags, ring, stats,
                        s -> s.wakeups());
            }
            if (first.lost() >= 0) {
                counter(registry, "jringbuf.ring.lost", "records the ring refused for lack of space", null, tags,
                        ring, stats, s -> s.lost());
            }
        }
    }

    private static void gauge(MeterRegistry registry, String name, String description, Tags tags, Object ring,
                              Function<Object, RingStatistics> stats, ToDoubleFunction<RingStatistics> value) {
        Gauge.builder(name, ring, r -> read(r, stats, value)).description(description).baseUnit("bytes").tags(tags)
                .register(registry);
    }

    private static void counter(MeterRegistry registry, String name, String description, String unit, Tags tags,
                                Object ring, Function<Object, RingStatistics> stats,
                                ToDoubleFunction<RingStatistics> value) {
        FunctionCounter.Builder<Object> b = FunctionCounter.builder(name, ring, r -> read(r, stats, value))
                .description(description).tags(tags);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    /** A closed ring cannot be read any more: NaN, as Micrometer reports a gauge whose object is gone. */
    private static double read(Object ring, Function<Object, RingStatistics> stats,
                               ToDoubleFunction<RingStatistics> value) {
        try {
            return value.applyAsDouble(stats.apply(ring));
        } catch (RuntimeException closed) {
            return Double.NaN;
        }
    }
}
