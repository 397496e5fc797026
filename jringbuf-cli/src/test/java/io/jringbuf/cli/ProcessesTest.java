/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command as real processes: concurrent senders, a sender killed with SIGKILL, SIGINT/SIGTERM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessesTest {
    private static final String EOF = "<eof>";

    @TempDir
    Path dir;

    private Path create(String type, int size) {
        Path file = dir.resolve(type + ".ring");
        assertEquals(0, Cli.run("create", "--file", file.toString(), "--type", type, "--size", Integer.toString(size))
                .exit());
        return file;
    }

    /** Line {@code seq} of sender {@code sender}: sender, sequence, then 0-4 filler bytes. */
    static String line(int sender, int seq) {
        return String.format("%08x%08x", sender, seq) + "ee".repeat(seq % 5);
    }

    /**
     * Checks that the lines are exactly {@code perSender} lines of each sender, each sender's in
     * its order (any interleaving of senders).
     */
    static void checkEveryLineOnceInSenderOrder(List<String> lines, int senders, int perSender) {
        int[] next = new int[senders];
        for (String l : lines) {
            int sender = Integer.parseInt(l.substring(0, 8), 16);
            int seq = Integer.parseInt(l.substring(8, 16), 16);
            if (sender >= senders || seq != next[sender] || !l.equals(line(sender, seq))) {
                throw new AssertionError("unexpected line " + l + " (sender " + sender + " expected sequence "
                        + (sender < senders ? next[sender] : -1) + ")");
            }
            next[sender]++;
        }
        for (int s = 0; s < senders; s++) {
            assertEquals(perSender, next[s], "lines of sender " + s);
        }
    }

    @Test
    void concurrentSendersIntoOneRingbufFileReachOneCatExactlyOnceInSenderOrder() throws Exception {
        int senders = 3;
        int perSender = 3000;
        // 16 KiB: far less than what each sender writes, so senders block for space and interleave.
        Path ring = create("ringbuf", 16384);
        Path catOut = dir.resolve("cat.out");
        Path catErr = dir.resolve("cat.err");
        List<String> catCommand = command("cat", ring.toString(), "--count", Integer.toString(senders * perSender),
                "--timeout", "40s");
        Process cat = new ProcessBuilder(catCommand).redirectOutput(catOut.toFile()).redirectError(catErr.toFile())
                .start();
        List<Process> sending = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            StringBuilder input = new StringBuilder();
            for (int i = 0; i < perSender; i++) {
                input.append(line(s, i)).append('\n');
            }
            Path in = Files.writeString(dir.resolve("in" + s), input);
            sending.add(new ProcessBuilder(command("send", ring.toString(), "--timeout", "20s"))
                    .redirectInput(in.toFile()).redirectError(dir.resolve("err" + s).toFile()).start());
        }
        for (int s = 0; s < senders; s++) {
            assertTrue(sending.get(s).waitFor(45, TimeUnit.SECONDS), "sender " + s + " finished");
            assertEquals(0, sending.get(s).exitValue(), Files.readString(dir.resolve("err" + s)));
        }
        assertTrue(cat.waitFor(45, TimeUnit.SECONDS), "cat finished");
        assertEquals(0, cat.exitValue(), Files.readString(catErr));
        checkEveryLineOnceInSenderOrder(Files.readAllLines(catOut), senders, perSender);
    }

    @Test
    void theOrderCheckCatchesLostDuplicatedAndReorderedLines() {
        List<String> good = List.of(line(0, 0), line(1, 0), line(0, 1), line(1, 1));
        checkEveryLineOnceInSenderOrder(good, 2, 2);
        List<List<String>> bad = List.of(
                List.of(line(0, 0), line(1, 0), line(0, 1)),                           // lost
                List.of(line(0, 0), line(1, 0), line(0, 1), line(0, 1), line(1, 1)),   // duplicated
                List.of(line(0, 1), line(1, 0), line(0, 0), line(1, 1)),               // reordered
                List.of(line(0, 0), line(1, 0), line(0, 1).substring(0, 17), line(1, 1))); // damaged
        for (List<String> lines : bad) {
            assertThrows(AssertionError.class, () -> checkEveryLineOnceInSenderOrder(lines, 2, 2), lines.toString());
        }
    }

    @Test
    void catSurvivesASenderKilledMidStreamAndStopsOnSigterm() throws Exception {
        Path ring = create("ringbuf", 65536);
        Path catErr = dir.resolve("cat.err");
        Process cat = new ProcessBuilder(command("cat", ring.toString())).redirectError(catErr.toFile()).start();
        BlockingQueue<String> received = readLines(cat);
        Process sender = Cli.start("send", ring.toString());
        Thread feeder = Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream in = sender.getOutputStream()) {
                for (int seq = 0; ; seq++) {
                    in.write((line(0, seq) + "\n").getBytes(StandardCharsets.US_ASCII));
                    if (seq % 64 == 0) {
                        in.flush();
                    }
                }
            } catch (IOException brokenPipe) {
                // The sender was killed.
            }
        });
        int seen = 0;
        while (seen < 2000) {
            assertEquals(line(0, seen), take(received), "line " + seen);
            seen++;
        }
        // While cat holds the consumer side, another consumer is refused.
        Cli.Result second = Cli.run("cat", ring.toString(), "--count", "1", "--timeout", "200ms");
        assertEquals(1, second.exit(), second.toString());
        assertTrue(second.err().startsWith("jringbuf cat: EBUSY (16): "), second.err());

        sender.destroyForcibly(); // SIGKILL, possibly between reserve and submit
        assertTrue(sender.waitFor(10, TimeUnit.SECONDS));
        feeder.join(TimeUnit.SECONDS.toMillis(10));
        String marker = line(1, 0);
        assertEquals(0, Cli.runWithInput(marker + "\n", "send", ring.toString(), "--timeout", "10s").exit());
        // Everything the killed sender committed, then the marker: cat did not hang at an
        // abandoned record.
        for (String l = take(received); !l.equals(marker); l = take(received)) {
            assertEquals(line(0, seen), l, "line " + seen + " of the killed sender");
            seen++;
        }
        cat.destroy(); // SIGTERM
        assertTrue(cat.waitFor(10, TimeUnit.SECONDS), "cat stopped on SIGTERM");
        assertEquals(0, cat.exitValue(), Files.readString(catErr));
        assertEquals(EOF, take(received), "nothing after the marker");
    }

    /** Also before --count is reached, with or without --timeout: a signal is a clean stop. */
    @ParameterizedTest
    @ValueSource(strings = {"", "--count 10", "--count 10 --timeout 60s"})
    void sigintFlushesTheSummaryAndExitsZero(String options) throws Exception {
        Path ring = create("user_ringbuf", 4096);
        List<String> args = new ArrayList<>(List.of("cat", ring.toString(), "--format", "none"));
        if (!options.isEmpty()) {
            args.addAll(List.of(options.split(" ")));
        }
        Process cat = Cli.start(args.toArray(String[]::new));
        assertEquals(0, Cli.runWithInput("01\n0203\n04\n05\n06\n", "send", ring.toString()).exit());
        try (JvmRing r = JvmRing.open(ring)) {
            // Wait (bounded) until the cat process has drained all five records: 5 x 16 bytes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (r.consumerPosition() != 80) {
                assertTrue(System.nanoTime() < deadline, "cat drained the records");
                assertTrue(cat.isAlive(), "cat is running");
                Thread.sleep(10); // polling another process's progress: nothing to join on
            }
        }
        assertFalse(Cli.ignoresSigint(cat.pid()), "precondition: the cat process does not ignore SIGINT");
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(cat.pid())).start().waitFor());
        assertTrue(cat.waitFor(10, TimeUnit.SECONDS), "cat stopped on SIGINT");
        String err = new String(cat.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cat.exitValue(), err);
        assertTrue(err.startsWith("cat: 5 records, 6 bytes, "), err);
        assertEquals(0, cat.getInputStream().readAllBytes().length, "--format none prints nothing on stdout");
    }

    @Test
    void demoJvmModeRunsARoundTripBetweenTwoProcesses() {
        Cli.Result demo = Cli.run("demo", "--duration", "1s", "--mode", "jvm");
        assertEquals(0, demo.exit(), demo.toString());
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (String l : demo.lines()) {
            String[] kv = l.split(": ", 2);
            values.put(kv[0], kv[1]);
        }
        assertEquals("jvm-rings", values.get("mode"));
        assertTrue(Long.parseLong(values.get("round_trips")) > 0, demo.out());
        double previous = 0;
        for (String key : List.of("latency_p50_us", "latency_p90_us", "latency_p99_us", "latency_p99.9_us",
                "latency_max_us")) {
            assertNotNull(values.get(key), key);
            double v = Double.parseDouble(values.get(key));
            assertTrue(v > 0 && v >= previous, key + " = " + v + " after " + previous);
            previous = v;
        }
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Cli.java(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static BlockingQueue<String> readLines(Process p) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                lines.add(EOF);
            }
        });
        return lines;
    }

    private static String take(BlockingQueue<String> lines) throws InterruptedException {
        String l = lines.poll(15, TimeUnit.SECONDS);
        assertNotNull(l, "no line within 15 s");
        return l;
    }
}
