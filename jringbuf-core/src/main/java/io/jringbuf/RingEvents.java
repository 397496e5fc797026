/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Java Flight Recorder events of jringbuf, enabled with the usual JFR settings (names
 * {@code io.jringbuf.RingStatistics}, {@code io.jringbuf.Poll}, {@code io.jringbuf.Lost}):
 * <ul>
 *   <li>a periodic statistics event for every open reader and writer (default every second);</li>
 *   <li>a poll event for each poll that waited longer than its threshold (default 20 ms);</li>
 *   <li>a lost event for each call during which the ring refused records.</li>
 * </ul>
 * Readers and writers register themselves here when they are made; the registry holds them weakly,
 * and forgets those that are gone or closed.
 */
final class RingEvents {
    private RingEvents() {
    }

    /** Statistics sources: a snapshot, or an exception once the ring is closed. */
    private static final List<WeakReference<Supplier<RingStatistics>>> SOURCES = new ArrayList<>();

    static {
        FlightRecorder.addPeriodicEvent(StatisticsEvent.class, RingEvents::emitStatistics);
    }

    /** Registers a reader or writer for the periodic statistics event. */
    static void register(Supplier<RingStatistics> source) {
        synchronized (SOURCES) {
            SOURCES.removeIf(ref -> ref.get() == null);
            SOURCES.add(new WeakReference<>(source));
        }
    }

    private static void emitStatistics() {
        List<Supplier<RingStatistics>> live = new ArrayList<>();
        synchronized (SOURCES) {
            SOURCES.removeIf(ref -> ref.get() == null);
            for (WeakReference<Supplier<RingStatistics>> ref : SOURCES) {
                Supplier<RingStatistics> s = ref.get();
                if (s != null) {
                    live.add(s);
                }
            }
        }
        for (Supplier<RingStatistics> source : live) {
            RingStatistics s;
            try {
                s = source.get();
            } catch (RuntimeException closed) {
                synchronized (SOURCES) {
                    SOURCES.removeIf(ref -> ref.get() == source);
                }
                continue;
            }
            StatisticsEvent e = new StatisticsEvent();
            e.ring = s.ring();
            e.type = s.type().name();
            e.size = s.size();
            e.consumerPosition = s.consumerPosition();
            e.producerPosition = s.producerPosition();
            e.backlog = s.backlogBytes();
            e.maxBacklog = s.maxBacklogBytes();
            e.records = s.records();
            e.bytes = s.bytes();
            e.calls = s.calls();
            e.wakeups = s.wakeups();
            e.lost = s.lost();
            e.commit();
        }
    }

    /** Ends a poll event started before the poll: committed if it waited past its threshold. */
    static void pollEnded(PollEvent event, String ring, int records) {
        event.end();
        if (event.shouldCommit()) {
            event.ring = ring;
            event.records = records;
            event.commit();
        }
    }

    /** A call during which the ring refused {@code lost} records. */
    static void lost(String ring, long lost, long total) {
        LostEvent e = new LostEvent();
        if (e.shouldCommit()) {
            e.ring = ring;
            e.lost = lost;
            e.total = total;
            e.commit();
        }
    }

    @Name("io.jringbuf.RingStatistics")
    @Label("Ring Statistics")
    @Category({"jringbuf"})
    @Description("One ring's statistics as one reader or writer sees them")
    @Period("1 s")
    @StackTrace(false)
    static final class StatisticsEvent extends Event {
        @Label("Ring")
        String ring;
        @Label("Type")
        String type;
        @Label("Size")
        @DataAmount
        long size;
        @Label("Consumer Position")
        long consumerPosition;
        @Label("Producer Position")
        long producerPosition;
        @Label("Backlog")
        @DataAmount
        long backlog;
        @Label("Highest Backlog")
        @DataAmount
        long maxBacklog;
        @Label("Records Delivered")
        long records;
        @Label("Bytes")
        @DataAmount
        long bytes;
        @Label("Calls")
        long calls;
        @Label("Wakeups")
        long wakeups;
        @Label("Records Lost")
        @Description("Records the ring refused for lack of space; -1 where nothing counts them")
        long lost;
    }

    @Name("io.jringbuf.Poll")
    @Label("Ring Poll")
    @Category({"jringbuf"})
    @Description("A poll that waited longer than the threshold")
    @Threshold("20 ms")
    static final class PollEvent extends Event {
        @Label("Ring")
        String ring;
        @Label("Records Delivered")
        int records;
    }

    @Name("io.jringbuf.Lost")
    @Label("Records Lost")
    @Category({"jringbuf"})
    @Description("The ring refused records for lack of space since the reader last looked")
    @StackTrace(false)
    static final class LostEvent extends Event {
        @Label("Ring")
        String ring;
        @Label("Lost")
        long lost;
        @Label("Lost In All")
        long total;
    }
}
