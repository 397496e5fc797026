/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code create --overwrite}, and {@code send}, {@code cat}, {@code stat} on an overwrite ring file. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OverwriteCommandsTest {
    @TempDir
    Path dir;

    @Test
    void sendNeverWaitsCatReadsTheNewestAndStatShowsOverwritePosAndTheLostCount() {
        Path ring = dir.resolve("ow.ring");
        Cli.Result created = Cli.run("create", "--file", ring.toString(), "--type", "ringbuf", "--size", "4096",
                "--overwrite");
        assertEquals(0, created.exit(), created.toString());
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            lines.append(String.format("%016x%n", i));
        }
        // 1000 records of 16 bytes into 4 KiB with nobody reading: an ordinary ring would wait.
        Cli.Result sent = Cli.runWithInput(lines.toString(), "send", ring.toString(), "--timeout", "0ms");
        assertEquals(0, sent.exit(), sent.toString());
        assertEquals(List.of("type: ringbuf", "max_entries: 4096", "consumer_pos: 0", "producer_pos: 16000",
                "overwrite_pos: 11920", "available: 4080", "drops: 0", "lost: 0", "waiting_readers: 0", "waiting_writers: 0", "links: 1"),
                Cli.run("stat", ring.toString()).lines());
        Cli.Result cat = Cli.run("cat", ring.toString(), "--timeout", "0ms");
        assertEquals(0, cat.exit(), cat.toString());
        assertEquals(255, cat.lines().size(), "the ring's worth of newest records");
        assertEquals(String.format("%016x", 745), cat.lines().getFirst());
        assertEquals(String.format("%016x", 999), cat.lines().getLast());
        assertEquals(List.of("type: ringbuf", "max_entries: 4096", "consumer_pos: 16000", "producer_pos: 16000",
                "overwrite_pos: 11920", "available: 0", "drops: 0", "lost: 745", "waiting_readers: 0", "waiting_writers: 0", "links: 1"),
                Cli.run("stat", ring.toString()).lines());
    }

    @Test
    void overwriteIsForRingbufOnly() {
        Cli.Result r = Cli.run("create", "--file", dir.resolve("u").toString(), "--type", "user_ringbuf", "--size",
                "4096", "--overwrite");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("only a ringbuf can overwrite"), r.err());
    }
}
