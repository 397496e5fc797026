/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stat --watch} and {@code top} on ring files: the logfmt lines of pipe mode checked line by
 * line against a known workload, the redrawn table of terminal mode in a pseudo-terminal
 * ({@code script}), the stop on SIGTERM, and {@code cat --peek}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveViewTest {
    private static final List<String> KEYS = List.of("time", "ring", "type", "size", "consumer_pos", "producer_pos",
            "backlog", "backlog_pct", "records", "bytes", "records_per_s", "bytes_per_s", "lost", "wakeups");
    private static final Pattern PAIR = Pattern.compile("(\\w+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");

    @TempDir
    Path dir;

    /** A logfmt line as key to value, in order (quotes removed). */
    static Map<String, String> parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher matcher = PAIR.matcher(line);
        while (matcher.find()) {
            String v = matcher.group(2);
            m.put(matcher.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        return m;
    }

    private static void put(RingWriter w, int length) {
        long at = w.reserve(length);
        assertTrue(at != RingWriter.NO_SPACE);
        w.buffer().set(ValueLayout.JAVA_BYTE, at, (byte) length);
        w.submit(at);
    }

    /** Stdout split into lines as they are written. */
    private static final class Lines extends OutputStream {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write(b);
            }
        }

        String next() throws InterruptedException {
            String l = lines.poll(10, TimeUnit.SECONDS);
            assertNotNull(l, "a line within 10 s");
            return l;
        }
    }

    /** Signals the test raises itself: {@link #stop()} acts as SIGTERM does. */
    private static final class TestSignals implements Signals {
        volatile boolean requested;
        volatile Runnable wakeUp;

        @Override
        public Stop register(Runnable wakeUp) {
            this.wakeUp = wakeUp;
            return new Stop() {
                @Override
                public boolean requested() {
                    return requested;
                }

                @Override
                public void finished() {
                }
            };
        }

        void stop() {
            requested = true;
            wakeUp.run();
        }
    }

    @Test
    void pipeModePrintsOneLogfmtLinePerSampleThatAddsUpToTheWorkload() throws Exception {
        Path file = dir.resolve("watched");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 4096)) {
            RingWriter w = ring.writer();
            for (int i = 0; i < 3; i++) {
                put(w, 8); // 16 bytes each
            }
            Lines out = new Lines();
            TestSignals signals = new TestSignals();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            CliIo io = new CliIo(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true), false, signals);
            AtomicInteger exit = new AtomicInteger(-1);
            Thread command = new Thread(() -> exit.set(Main.run(io, "stat", file.toString(), "--watch", "100ms")));
            command.start();
            List<Map<String, String>> samples = new ArrayList<>();
            samples.add(parse(out.next()));
            Map<String, String> first = samples.get(0);
            assertEquals(KEYS, List.copyOf(first.keySet()), "the keys, in order");
            assertEquals(file.toString(), first.get("ring"));
            assertEquals("ringbuf", first.get("type"));
            assertEquals("4096", first.get("size"));
            assertEquals("0", first.get("consumer_pos"));
            assertEquals("48", first.get("producer_pos"));
            assertEquals("48", first.get("backlog"));
            assertEquals("1.2", first.get("backlog_pct"));
            assertEquals("-", first.get("records"), "no rates on the first line");
            assertEquals("-", first.get("records_per_s"));
            assertEquals("0", first.get("lost"));

            // The workload: 5 records of 24 bytes (32 in the ring), 2 refused reservations, 1 consumed.
            for (int i = 0; i < 5; i++) {
                put(w, 24);
            }
            assertEquals(RingWriter.NO_SPACE, w.reserve(4000));
            assertEquals(RingWriter.NO_SPACE, w.reserve(4000));
            assertEquals(1, ring.reader().consume((b, o, l) -> RecordHandler.STOP));

            Map<String, String> last;
            do {
                last = parse(out.next());
                samples.add(last);
            } while (!("208".equals(last.get("producer_pos")) && "16".equals(last.get("consumer_pos"))
                    && "2".equals(last.get("lost"))));
            samples.add(parse(out.next())); // one more, after the workload: nothing new
            signals.stop();
            command.join(10_000);
            assertEquals(0, exit.get(), err.toString());

            long records = 0;
            long bytes = 0;
            for (Map<String, String> s : samples.subList(1, samples.size())) {
                assertEquals(KEYS, List.copyOf(s.keySet()));
                records += Long.parseLong(s.get("records"));
                bytes += Long.parseLong(s.get("bytes"));
                assertFalse(s.get("records_per_s").equals("-"), "rates after the first line: " + s);
            }
            assertEquals(5, records, "every reserved record counted once: " + samples);
            assertEquals(160, bytes, "every reserved byte counted once");
            Map<String, String> end = samples.get(samples.size() - 1);
            assertEquals("192", end.get("backlog"));
            assertEquals("4.7", end.get("backlog_pct"));
            assertEquals("0", end.get("records"));
            assertEquals("0", end.get("records_per_s"));
        }
    }

    @Test
    void recordsOfARingLappedBetweenTwoLooksAreEstimatedAndMarked() throws Exception {
        Path file = dir.resolve("lapped");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 4096)) {
            RingWriter w = ring.writer();
            for (int i = 0; i < 3; i++) {
                put(w, 8); // the mean size the estimate starts from: 16 bytes
            }
            Lines out = new Lines();
            TestSignals signals = new TestSignals();
            CliIo io = new CliIo(new ByteArrayInputStream(new byte[0]), out, new PrintStream(new ByteArrayOutputStream()),
                    false, signals);
            AtomicInteger exit = new AtomicInteger(-1);
            Thread command = new Thread(() -> exit.set(Main.run(io, "stat", file.toString(), "--watch", "200ms")));
            command.start();
            assertEquals("48", parse(out.next()).get("producer_pos"));
            // 2000 records of 16 bytes, 32000 bytes through a 4096-byte ring in a burst of about a
            // millisecond: between two looks (50 ms apart) the producer laps the ring, so the
            // headers are gone before they can be counted.
            RingReader reader = ring.reader();
            for (int i = 0; i < 2000; i++) {
                put(w, 8);
                reader.consume((b, o, l) -> RecordHandler.CONTINUE);
            }
            long records = 0;
            boolean estimated = false;
            for (Map<String, String> s = parse(out.next()); ; s = parse(out.next())) {
                estimated |= s.get("records").startsWith("~");
                records += Long.parseLong(s.get("records").replace("~", ""));
                if ("32048".equals(s.get("producer_pos"))) {
                    break;
                }
            }
            signals.stop();
            command.join(10_000);
            assertEquals(0, exit.get());
            assertTrue(estimated, "marked as an estimate");
            assertEquals(2000, records, "bytes over the mean record size");
        }
    }

    @Test
    void terminalModeRedrawsTheTableInPlaceInAPseudoTerminal() throws Exception {
        Path file = dir.resolve("half");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 4096)) {
            RingWriter w = ring.writer();
            for (int i = 0; i < 128; i++) {
                put(w, 8); // 2048 bytes: half the ring
            }
        }
        String command = String.join(" ", Cli.java(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "stat", file.toString(), "--watch",
                "100ms", "--count", "3");
        Process script = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true).start();
        script.getOutputStream().close();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(script.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, script.exitValue(), out);
        String redraw = "\033[3F\033[J"; // back to the table's first line, erase below
        assertEquals(2, count(out, redraw), "redrawn twice in place: " + out);
        assertTrue(out.startsWith("\033[?7l") && out.stripTrailing().endsWith("\033[?7h"),
                "line wrapping off while the table is shown, back on at the end: " + out);
        assertEquals(3, count(out, "jringbuf stat " + file + ", every 100ms"), out);
        assertTrue(out.contains("RING "), out);
        Pattern row = Pattern.compile(Pattern.quote(file.toString().length() <= 24 ? file.toString()
                : file.toString().substring(file.toString().length() - 21))
                + " +ringbuf +4096 +0 +2048 +2048 \\[#####\\.\\.\\.\\.\\.\\] +50% ");
        assertEquals(3, row.matcher(out).results().count(), "the row with the bar: " + out);
        assertFalse(out.contains("time="), "no logfmt on a terminal");

        // The same in the pseudo-terminal, but with stdout piped: logfmt lines, no escape sequence.
        Process piped = new ProcessBuilder("script", "-qec", command + " | cat", "/dev/null").redirectErrorStream(true)
                .start();
        piped.getOutputStream().close();
        String lines = new String(piped.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(piped.waitFor(30, TimeUnit.SECONDS));
        assertEquals(3, count(lines, "time="), lines);
        assertFalse(lines.contains("\033["), "no escape sequence when stdout is a pipe: " + lines);
    }

    @Test
    void aWatchStopsOnSigtermWithExitZero() throws Exception {
        Path file = dir.resolve("sigterm");
        JvmRing.create(file, RingType.USER_RINGBUF, 4096).close();
        Process p = Cli.start("stat", file.toString(), "--watch", "100ms");
        try {
            p.getOutputStream().close();
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
            Map<String, String> first = parse(reader.readLine());
            assertEquals("user_ringbuf", first.get("type"));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stopped on SIGTERM");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void topListsRingFilesByBacklogAndSkipsFilesThatAreNotRings() throws Exception {
        Path rings = Files.createDirectory(dir.resolve("rings"));
        try (JvmRing small = JvmRing.create(rings.resolve("small"), RingType.RINGBUF, 4096);
             JvmRing big = JvmRing.create(rings.resolve("big"), RingType.RINGBUF, 8192)) {
            put(small.writer(), 8);
            for (int i = 0; i < 10; i++) {
                put(big.writer(), 8);
            }
        }
        Files.writeString(rings.resolve("notes.txt"), "not a ring");
        Files.createDirectory(rings.resolve("subdir"));
        Path broken = rings.resolve("broken");
        Files.copy(rings.resolve("small"), broken);
        try (FileChannel ch = FileChannel.open(broken, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 4096); // a ring file's header, but not its length
        }
        Cli.Result r = Cli.run("top", "--dir", rings.toString(), "--interval", "100ms", "--count", "2", "--no-maps");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = List.of(r.out().split("\n", -1));
        // Two blocks: the big ring first (160 bytes of backlog), the small one, an empty line.
        assertEquals(7, lines.size(), r.out());
        for (int block = 0; block < 2; block++) {
            Map<String, String> first = parse(lines.get(3 * block));
            Map<String, String> second = parse(lines.get(3 * block + 1));
            assertEquals(rings.resolve("big").toString(), first.get("ring"));
            assertEquals("160", first.get("backlog"));
            assertEquals(rings.resolve("small").toString(), second.get("ring"));
            assertEquals("16", second.get("backlog"));
            assertEquals("", lines.get(3 * block + 2));
        }
        List<String> err = r.err().lines().toList();
        assertEquals(1, err.size(), "one line for the unreadable ring file, none for the others: " + r.err());
        assertTrue(err.get(0).startsWith("jringbuf top: skipped " + broken + ": "), r.err());
    }

    @Test
    void topFollowsRingFilesThatAppearAreReplacedOrRemoved() throws Exception {
        Path rings = Files.createDirectory(dir.resolve("changing"));
        Path a = rings.resolve("a");
        Path b = rings.resolve("b");
        try (JvmRing ring = JvmRing.create(a, RingType.RINGBUF, 4096)) {
            put(ring.writer(), 8);
        }
        Files.writeString(b, "not a ring yet");
        Lines out = new Lines();
        TestSignals signals = new TestSignals();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliIo io = new CliIo(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true), false, signals);
        AtomicInteger exit = new AtomicInteger(-1);
        Thread command = new Thread(() -> exit.set(Main.run(io, "top", "--dir", rings.toString(), "--interval", "100ms",
                "--no-maps")));
        command.start();
        assertEquals(Map.of(a.toString(), "16"), block(out));
        // a is replaced by another ring file under the same name, b becomes a ring file.
        Files.delete(a);
        try (JvmRing ring = JvmRing.create(a, RingType.RINGBUF, 4096)) {
            put(ring.writer(), 8);
            put(ring.writer(), 8);
        }
        Files.delete(b);
        try (JvmRing ring = JvmRing.create(b, RingType.RINGBUF, 4096)) {
            put(ring.writer(), 24);
        }
        Map<String, String> seen;
        do {
            seen = block(out);
        } while (!seen.equals(Map.of(a.toString(), "32", b.toString(), "32")));
        Files.delete(a);
        do {
            seen = block(out);
        } while (!seen.equals(Map.of(b.toString(), "32")));
        signals.stop();
        command.join(10_000);
        assertEquals(0, exit.get(), err.toString());
        assertEquals("", err.toString(), "nothing to report: b was not a ring file, then a readable one");
    }

    /** One block of top's pipe output: ring to backlog. */
    private static Map<String, String> block(Lines out) throws InterruptedException {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line = out.next(); !line.isEmpty(); line = out.next()) {
            Map<String, String> m = parse(line);
            rows.put(m.get("ring"), m.get("backlog"));
        }
        return rows;
    }

    @Test
    void catPeekPrintsTheUnconsumedRecordsWithoutConsumingThem() throws Exception {
        Path file = dir.resolve("peeked");
        try (JvmRing ring = JvmRing.create(file, RingType.RINGBUF, 4096)) {
            RingWriter w = ring.writer();
            put(w, 1);
            put(w, 2);
            long open = w.reserve(3); // still being written: the peek stops before it
            Cli.Result peek = Cli.run("cat", "--peek", file.toString());
            assertEquals(0, peek.exit(), peek.toString());
            assertEquals(List.of("01", "0200"), peek.lines());
            assertEquals("", peek.err());
            assertEquals(0, ring.consumerPosition(), "nothing consumed");
            w.buffer().set(ValueLayout.JAVA_BYTE, open, (byte) 3);
            w.submit(open);
            assertEquals(List.of("01", "0200"), Cli.run("cat", "--peek", "--count", "2", file.toString()).lines());
            assertEquals(List.of("01", "0200", "030000"), Cli.run("cat", file.toString(), "--count", "3").lines(),
                    "a consuming cat still gets every record");
            assertEquals(List.of(), Cli.run("cat", "--peek", file.toString()).lines());
            Cli.Result withTimeout = Cli.run("cat", "--peek", "--timeout", "1s", file.toString());
            assertEquals(2, withTimeout.exit(), "a usage error: " + withTimeout);
        }
    }

    @Test
    void catPeekWorksWhileAnotherProcessHoldsTheReader() throws Exception {
        Path file = dir.resolve("held");
        JvmRing.create(file, RingType.RINGBUF, 4096).close();
        Process consumer = Cli.start("cat", file.toString(), "--timeout", "30s");
        try (JvmRing ring = JvmRing.open(file)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (ring.waitingReaders() == 0) {
                assertTrue(System.nanoTime() < deadline, "the other process waits for records");
                Thread.onSpinWait();
            }
            Cli.Result taking = Cli.run("cat", file.toString(), "--timeout", "0ms");
            assertEquals(1, taking.exit(), "a second reader is refused: " + taking);
            Cli.Result peek = Cli.run("cat", "--peek", file.toString());
            assertEquals(0, peek.exit(), "a peek takes nothing: " + peek);
        } finally {
            consumer.destroyForcibly();
            consumer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }
}
