/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The demo's round-trip summary: {@code key: value} lines on stdout. */
final class DemoReport {
    private DemoReport() {
    }

    static void print(CliIo io, String mode, String path, LatencyHistogram h, double seconds) {
        PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
        out.println("mode: " + mode);
        out.println("processes: " + path);
        out.println("round_trips: " + h.count());
        out.printf("round_trips_per_s: %.0f%n", h.count() / Math.max(seconds, 1e-9));
        out.printf("latency_p50_us: %.1f%n", h.percentile(50) / 1e3);
        out.printf("latency_p90_us: %.1f%n", h.percentile(90) / 1e3);
        out.printf("latency_p99_us: %.1f%n", h.percentile(99) / 1e3);
        out.printf("latency_p99.9_us: %.1f%n", h.percentile(99.9) / 1e3);
        out.printf("latency_max_us: %.1f%n", h.max() / 1e3);
        out.flush();
    }
}
