/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bench;

import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the JIT made of the hot code in one benchmark JVM, from a JFR recording with only
 * {@code jdk.Compilation}, {@code jdk.CompilerInlining}, {@code jdk.Deoptimization} and
 * {@link Timed} enabled ({@code bench/jit.jfc}; {@code bench/kernel.sh} starts every Java run
 * with it). For each method of interest: its last compilation (tier, OSR, code size), the
 * inlining decisions taken in it for the library's and the handler's callees, and any
 * deoptimization of it; and the compilations and deoptimizations that fell inside the timed
 * cycles. Works on recordings of older harness jars too (without the timed windows).
 */
final class JitSummary {
    private JitSummary() {
    }

    /** The timed cycles of one scenario (K1 variant, K3), emitted by {@code KernelBench.WarmUp}. */
    @Name("io.jringbuf.bench.Timed")
    @Label("Timed cycles")
    static final class Timed extends Event {
        @Label("Scenario")
        String scenario;
        @Label("Payload")
        int payload;
    }

    /** The roots whose final compilation decides a scenario's speed. */
    private static final Pattern ROOTS = Pattern.compile(
            "ConsumerLoopTemplate.*::run|KernelBench::(k3|fill)|_jmhStub$|io\\.jringbuf\\.jmh\\.\\w+Bench::(?!setUp|tearDown)\\w+$");
    /** Callees whose inlining decision is reported: the library's and the handler's. */
    private static final Pattern CALLEES = Pattern.compile("io\\.jringbuf\\.(?!bench\\.KernelBench::|bench\\.KernelBench\\$(WarmUp|Params)|bench\\.JitSummary|bpf\\.)");

    record Compile(int id, String method, int level, boolean osr, long codeSize, long inlinedBytes, Instant start,
                   Duration duration, boolean ok) {
    }

    static void main(List<String> files) throws IOException {
        for (String f : files) {
            System.out.print(summarize(Path.of(f)));
        }
    }

    static String summarize(Path file) throws IOException {
        List<Compile> compiles = new ArrayList<>();
        Map<Integer, Set<String>> inlining = new LinkedHashMap<>();
        List<RecordedEvent> deopts = new ArrayList<>();
        List<RecordedEvent> timed = new ArrayList<>();
        Instant first = null;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (first == null || e.getStartTime().isBefore(first)) {
                first = e.getStartTime();
            }
            switch (e.getEventType().getName()) {
                case "jdk.Compilation" -> compiles.add(new Compile(e.getInt("compileId"), name(e.getValue("method")),
                        e.getShort("compileLevel"), e.getBoolean("isOsr"), e.getLong("codeSize"),
                        e.getLong("inlinedBytes"), e.getStartTime(), e.getDuration(), e.getBoolean("succeded")));
                case "jdk.CompilerInlining" -> {
                    RecordedObject callee = e.getValue("callee");
                    String calleeName = callee.getString("type").replace('/', '.') + "::" + callee.getString("name");
                    if (CALLEES.matcher(calleeName).find()) {
                        String verdict = (e.getBoolean("succeeded") ? "inlined " : "NOT inlined ") + shorten(calleeName)
                                + " (" + e.getString("message") + ")";
                        inlining.computeIfAbsent(e.getInt("compileId"), k -> new LinkedHashSet<>()).add(verdict);
                    }
                }
                case "jdk.Deoptimization" -> deopts.add(e);
                case "io.jringbuf.bench.Timed" -> timed.add(e);
                default -> {
                }
            }
        }
        final Instant t0 = first == null ? Instant.EPOCH : first;
        StringBuilder out = new StringBuilder("== " + file.getFileName() + "\n");
        timed.sort(Comparator.comparing(RecordedEvent::getStartTime));
        for (RecordedEvent w : timed) {
            Instant a = w.getStartTime(), b = w.getEndTime();
            List<String> in = compiles.stream().filter(c -> !c.start().isBefore(a) && c.start().isBefore(b))
                    .map(c -> "tier " + c.level() + " " + shorten(c.method())).toList();
            long d = deopts.stream().filter(e -> !e.getStartTime().isBefore(a) && e.getStartTime().isBefore(b)).count();
            out.append(String.format(Locale.ROOT, "timed %s p%d %.3f-%.3f s: %d compilations%s, %d deoptimizations%n",
                    w.getString("scenario"), w.getInt("payload"), secs(t0, a), secs(t0, b), in.size(),
                    in.isEmpty() ? "" : " " + in.subList(0, Math.min(5, in.size())), d));
        }
        if (timed.isEmpty()) {
            out.append("timed windows: not recorded (harness without Timed events)\n");
        }
        // The last successful compilation of each root method (per hidden class, OSR apart), at
        // the highest tier it reached.
        Map<String, Compile> last = new LinkedHashMap<>();
        compiles.stream().filter(Compile::ok).filter(c -> ROOTS.matcher(c.method()).find())
                .sorted(Comparator.comparing(Compile::level).thenComparing(Compile::start))
                .forEach(c -> last.put(c.method() + (c.osr() ? " (OSR)" : ""), c));
        // One line to compare runs by: each hot loop's final tier, code size and the library
        // callees left as calls (the expected rare ones included: busyHeader, done, throws).
        StringBuilder fp = new StringBuilder("fingerprint:");
        for (Map.Entry<String, Compile> m : last.entrySet()) {
            Compile c = m.getValue();
            long calls = inlining.getOrDefault(c.id(), Set.of()).stream().filter(v -> v.startsWith("NOT")).count();
            fp.append(' ').append(shorten(m.getKey()).replaceAll("\\.0x0*([0-9a-f]+)::", "/$1::").replace(" (OSR)", "%"))
                    .append('=').append('T').append(c.level()).append('/').append(c.codeSize()).append("B/")
                    .append(calls).append("calls");
        }
        out.append(fp).append('\n');
        for (Map.Entry<String, Compile> m : last.entrySet()) {
            Compile c = m.getValue();
            List<RecordedEvent> dz = deopts.stream().filter(e -> e.getInt("compileId") == c.id()).toList();
            out.append(String.format(Locale.ROOT, "final %s: tier %d, id %d, %d B code, %d B inlined, at %.3f s (%d ms)%s%n",
                    shorten(m.getKey()), c.level(), c.id(), c.codeSize(), c.inlinedBytes(), secs(t0, c.start()),
                    c.duration().toMillis(), dz.isEmpty() ? "" : ", deoptimized " + dz.size() + "x: "
                            + dz.stream().map(e -> e.getString("reason") + "/" + e.getString("action")).distinct().toList()));
            for (String v : inlining.getOrDefault(c.id(), Set.of())) {
                out.append("    ").append(v).append('\n');
            }
        }
        Map<String, Integer> reasons = new LinkedHashMap<>();
        for (RecordedEvent e : deopts) {
            String method = name(e.getValue("method"));
            if (method.contains("io.jringbuf")) {
                reasons.merge(shorten(method) + " " + e.getString("reason") + "/" + e.getString("action"), 1, Integer::sum);
            }
        }
        out.append("deoptimizations of jringbuf code: ").append(reasons.isEmpty() ? "none" : reasons).append('\n');
        return out.toString();
    }

    private static double secs(Instant t0, Instant t) {
        return Duration.between(t0, t).toNanos() / 1e9;
    }

    private static String name(RecordedMethod m) {
        return m == null ? "?" : m.getType().getName() + "::" + m.getName();
    }

    /** Drops package prefixes: io.jringbuf.internal.protocol.Consumer::x -> Consumer::x. */
    private static String shorten(String method) {
        return method.replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+(?=[A-Z])", "");
    }
}
