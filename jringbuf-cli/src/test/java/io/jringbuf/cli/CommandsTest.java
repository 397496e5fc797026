/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import io.jringbuf.RingWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands run in-process: round trips on ring files of both formats, and the error cases. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CommandsTest {
    @TempDir
    Path dir;

    private Path create(String type, int size) {
        Path file = dir.resolve(type + ".ring");
        Cli.Result r = Cli.run("create", "--file", file.toString(), "--type", type, "--size", Integer.toString(size));
        assertEquals(0, r.exit(), r.toString());
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ringbuf", "user_ringbuf"})
    void sendThenCatDeliversEveryLineInOrderAsLowercaseHex(String type) {
        Path ring = create(type, 4096);
        Cli.Result sent = Cli.runWithInput("DEADbeef\n\n  01  \r\n\t\n00112233445566778899aabbccddeeff\r\n", "send", ring.toString());
        assertEquals(0, sent.exit(), sent.toString());
        Cli.Result cat = Cli.run("cat", ring.toString(), "--count", "3", "--timeout", "5s");
        assertEquals(0, cat.exit(), cat.toString());
        assertEquals(List.of("deadbeef", "01", "00112233445566778899aabbccddeeff"), cat.lines());
        assertEquals("", cat.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ringbuf", "user_ringbuf"})
    void statShowsTypeSizeAndPositionsBeforeAndAfterConsuming(String type) {
        Path ring = create(type, 8192);
        assertEquals(List.of("type: " + type, "max_entries: 8192", "consumer_pos: 0", "producer_pos: 0",
                "available: 0", "drops: 0", "lost: 0", "waiting_readers: 0", "waiting_writers: 0", "links: 1"), Cli.run("stat", ring.toString()).lines());
        assertEquals(0, Cli.runWithInput("0102\n03\n", "send", ring.toString()).exit());
        // Two records of 8-byte header + payload rounded up to 8: 16 bytes each.
        assertEquals(List.of("type: " + type, "max_entries: 8192", "consumer_pos: 0", "producer_pos: 32",
                "available: 32", "drops: 0", "lost: 0", "waiting_readers: 0", "waiting_writers: 0", "links: 1"), Cli.run("stat", ring.toString()).lines());
        assertEquals(0, Cli.run("cat", ring.toString(), "--count", "2", "--timeout", "5s").exit());
        assertEquals(List.of("type: " + type, "max_entries: 8192", "consumer_pos: 32", "producer_pos: 32",
                "available: 0", "drops: 0", "lost: 0", "waiting_readers: 0", "waiting_writers: 0", "links: 1"), Cli.run("stat", ring.toString()).lines());
    }

    @Test
    void catSendAndStatTakeTheFileAsAnOptionAsCreateDoes() {
        Path ring = create("ringbuf", 4096);
        assertEquals(0, Cli.runWithInput("0a0b\n", "send", "--file", ring.toString()).exit());
        assertTrue(Cli.run("stat", "--file", ring.toString()).lines().contains("available: 16"));
        Cli.Result cat = Cli.run("cat", "--file", ring.toString(), "--count", "1", "--timeout", "5s");
        assertEquals(0, cat.exit(), cat.err());
        assertEquals(List.of("0a0b"), cat.lines());
        Cli.Result both = Cli.run("stat", ring.toString(), "--file", ring.toString());
        assertEquals(2, both.exit(), "a target given twice is a usage error");
        assertTrue(both.err().contains("give only one target"), both.err());
    }

    @Test
    void catPrintsLargeRecordsExactlyAndStopsAtCount() throws IOException {
        Path ring = create("ringbuf", 65536);
        Random random = new Random(42);
        StringBuilder input = new StringBuilder();
        byte[][] payloads = new byte[5][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = new byte[1 + random.nextInt(9000)];
            random.nextBytes(payloads[i]);
            input.append(HexFormat.of().withUpperCase().formatHex(payloads[i])).append('\n');
        }
        assertEquals(0, Cli.runWithInput(input.toString(), "send", ring.toString()).exit());
        Cli.Result first = Cli.run("cat", ring.toString(), "--count", "2");
        assertEquals(List.of(HexFormat.of().formatHex(payloads[0]), HexFormat.of().formatHex(payloads[1])), first.lines());
        Cli.Result rest = Cli.run("cat", ring.toString(), "--count", "3", "--timeout", "5s");
        assertEquals(List.of(HexFormat.of().formatHex(payloads[2]), HexFormat.of().formatHex(payloads[3]),
                HexFormat.of().formatHex(payloads[4])), rest.lines());
    }

    @Test
    void catSkipsDiscardedRecords() {
        Path ring = create("ringbuf", 4096);
        try (JvmRing r = JvmRing.open(ring)) {
            RingWriter p = r.writer();
            assertTrue(p.output(new byte[] {1}, 0));
            long discarded = p.reserve(4);
            p.discard(discarded, 0);
            assertTrue(p.output(new byte[] {2}, 0));
        }
        Cli.Result cat = Cli.run("cat", ring.toString(), "--count", "2", "--timeout", "5s");
        assertEquals(List.of("01", "02"), cat.lines(), cat.toString());
    }

    @Test
    void formatNonePrintsNothingPerRecordAndASummaryOnStderr() {
        Path ring = create("ringbuf", 4096);
        assertEquals(0, Cli.runWithInput("aa\nbbcc\n", "send", ring.toString()).exit());
        Cli.Result cat = Cli.run("cat", ring.toString(), "--count", "2", "--format", "none", "--timeout", "5s");
        assertEquals(0, cat.exit(), cat.toString());
        assertEquals("", cat.out());
        assertTrue(cat.err().startsWith("cat: 2 records, 3 bytes, "), cat.err());
        assertTrue(cat.err().contains("records/s"), cat.err());
    }

    @Test
    void catWithoutCountStopsAtTimeoutWithExitZero() {
        Path ring = create("ringbuf", 4096);
        assertEquals(0, Cli.runWithInput("ab\n", "send", ring.toString()).exit());
        Cli.Result cat = Cli.run("cat", ring.toString(), "--timeout", "300ms");
        assertEquals(0, cat.exit(), cat.toString());
        assertEquals(List.of("ab"), cat.lines());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ringbuf", "user_ringbuf"})
    void aTimeoutThatHasPassedStillPrintsTheRecordsAlreadyInTheRing(String type) {
        Path ring = create(type, 4096);
        assertEquals(0, Cli.runWithInput("0a\n0b\n", "send", ring.toString()).exit());
        Cli.Result counted = Cli.run("cat", ring.toString(), "--count", "2", "--timeout", "0ms");
        assertEquals(0, counted.exit(), counted.toString());
        assertEquals(List.of("0a", "0b"), counted.lines());
        assertEquals(0, Cli.runWithInput("0c\n", "send", ring.toString()).exit());
        Cli.Result uncounted = Cli.run("cat", ring.toString(), "--timeout", "0ms");
        assertEquals(0, uncounted.exit(), uncounted.toString());
        assertEquals(List.of("0c"), uncounted.lines());
    }

    @Test
    void catTimesOutBeforeCountWithExitOneAndSaysHowManyArrived() {
        Path ring = create("user_ringbuf", 4096);
        assertEquals(0, Cli.runWithInput("ab\n", "send", ring.toString()).exit());
        Cli.Result cat = Cli.run("cat", ring.toString(), "--count", "2", "--timeout", "300ms");
        assertEquals(1, cat.exit(), cat.toString());
        assertEquals(List.of("ab"), cat.lines(), "the records that did arrive are printed");
        assertEquals("jringbuf cat: timeout after 300ms: 1 of 2 records received\n", cat.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ringbuf", "user_ringbuf"})
    void invalidHexStopsNamingTheLineAndTheRecordsSubmittedBefore(String type) {
        Path ring = create(type, 4096);
        Cli.Result sent = Cli.runWithInput("01\n\n02\n0x03\n04\n", "send", ring.toString());
        assertEquals(1, sent.exit(), sent.toString());
        assertEquals("jringbuf send: line 4: invalid hex character 'x'; 2 earlier records submitted\n", sent.err());
        assertEquals(List.of("01", "02"), Cli.run("cat", ring.toString(), "--timeout", "200ms").lines());
        Cli.Result odd = Cli.runWithInput("abc\n", "send", ring.toString());
        assertEquals(1, odd.exit());
        assertEquals("jringbuf send: line 1: odd number of hex digits (3); 0 earlier records submitted\n", odd.err());
        Cli.Result split = Cli.runWithInput("ab cd\n", "send", ring.toString());
        assertEquals(1, split.exit());
        assertTrue(split.err().contains("line 1: hex digits separated by blanks"), split.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ringbuf", "user_ringbuf"})
    void aRecordThatCanNeverFitFailsWithE2bigInsteadOfWaiting(String type) {
        Path ring = create(type, 4096);
        // Larger than the ring: refused while reading the line.
        Cli.Result huge = Cli.runWithInput("00\n" + "ab".repeat(5000) + "\n", "send", ring.toString());
        assertEquals(1, huge.exit(), huge.toString());
        assertTrue(huge.err().startsWith("jringbuf send: line 2: "), huge.err());
        assertTrue(huge.err().contains("E2BIG") && huge.err().endsWith("; 1 earlier records submitted\n"), huge.err());
        // Smaller than the ring, but header + payload can never fit: refused by the ring, at once.
        long start = System.nanoTime();
        Cli.Result borderline = Cli.runWithInput("ab".repeat(4090) + "\n", "send", ring.toString());
        assertEquals(1, borderline.exit(), borderline.toString());
        assertTrue(borderline.err().startsWith("jringbuf send: line 1: E2BIG (7): "), borderline.err());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "E2BIG must not wait");
    }

    @Test
    void sendTimesOutWhenTheRingStaysFull() {
        Path ring = create("user_ringbuf", 4096);
        // Records of 1016 payload bytes take 1024: four fill a USER_RINGBUF of 4096 completely.
        String record = "ab".repeat(1016) + "\n";
        Cli.Result sent = Cli.runWithInput(record.repeat(5), "send", ring.toString(), "--timeout", "300ms");
        assertEquals(1, sent.exit(), sent.toString());
        assertEquals("jringbuf send: line 5: timeout after 300ms waiting for space; 4 earlier records submitted\n",
                sent.err());
    }

    @Test
    void missingPathAndNonRingFileFailWithErrnoAndExitOne() throws IOException {
        Path missing = dir.resolve("missing.ring");
        for (String command : List.of("cat", "send", "stat")) {
            Cli.Result r = Cli.run(command, missing.toString());
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().startsWith("jringbuf " + command + ": ENOENT (2): "), r.err());
            assertEquals(1, r.err().lines().count(), "one-line error");
        }
        Path notRing = Files.writeString(dir.resolve("not-a-ring"), "x".repeat(20000));
        Cli.Result r = Cli.run("cat", notRing.toString(), "--count", "1");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("jringbuf cat: EINVAL (22): ") && r.err().contains("not a jringbuf ring file"),
                r.err());
    }

    @Test
    void noPermissionFailsWithEaccesUnlessRunningAsRoot() throws IOException {
        Path ring = create("ringbuf", 4096);
        Files.setPosixFilePermissions(ring, java.util.Set.of());
        boolean root = Files.isReadable(ring);
        Cli.Result r = Cli.run("stat", ring.toString());
        if (root) {
            assertEquals(0, r.exit(), "root may open any file: " + r);
        } else {
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().startsWith("jringbuf stat: EACCES (13): "), r.err());
        }
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        Path ring = create("ringbuf", 4096);
        List<String[]> cases = List.of(
                new String[] {"cat"},
                new String[] {"cat", ring.toString(), "--map-id", "3"},
                new String[] {"cat", ring.toString(), "--timeout", "10"},
                new String[] {"cat", ring.toString(), "--count", "0"},
                new String[] {"cat", ring.toString(), "--format", "json"},
                new String[] {"create", "--file", dir.resolve("a").toString(), "--type", "ringbuf", "--size", "5000"},
                new String[] {"create", "--file", dir.resolve("a").toString(), "--type", "hashmap", "--size", "4096"},
                new String[] {"frobnicate"},
                new String[] {});
        for (String[] args : cases) {
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r);
            assertEquals(1, r.err().lines().count(), String.join(" ", args) + ": " + r);
            assertTrue(r.err().startsWith("jringbuf"), r.err());
        }
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void createRefusesAnExistingFileAndASizeThatIsNotAPageMultiple() {
        Path ring = create("ringbuf", 4096);
        Cli.Result again = Cli.run("create", "--file", ring.toString(), "--type", "ringbuf", "--size", "4096");
        assertEquals(1, again.exit(), again.toString());
        assertTrue(again.err().startsWith("jringbuf create: EEXIST (17): "), again.err());
        Cli.Result small = Cli.run("create", "--file", dir.resolve("small").toString(), "--type", "ringbuf",
                "--size", "1024");
        assertEquals(1, small.exit(), small.toString());
        assertTrue(small.err().contains("multiple of"), small.err());
        Cli.Result suffixed = Cli.run("create", "--file", dir.resolve("big").toString(), "--type", "user_ringbuf",
                "--size", "1M");
        assertEquals(0, suffixed.exit(), suffixed.toString());
        assertTrue(Cli.run("stat", dir.resolve("big").toString()).lines().contains("max_entries: 1048576"));
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("cat", "send", "stat", "create", "demo")) {
            Cli.Result r = Cli.run(command, "--help");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().startsWith("Usage: jringbuf " + command), r.out());
        }
        Cli.Result top = Cli.run("--help");
        assertEquals(0, top.exit());
        assertTrue(top.out().contains("Exit codes: 0 ok, 1 run-time failure (timeout, errno), 2 usage error."));
    }
}
