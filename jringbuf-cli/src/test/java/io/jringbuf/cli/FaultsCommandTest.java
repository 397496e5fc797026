/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import io.jringbuf.RingWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The command under faults from the environment (the library side is in the core's
 * {@code io.jringbuf.faults} suite): each ends in exactly one line on stderr and exit 1, or, for a
 * signal, a clean stop with exit 0 and nothing left half-written.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FaultsCommandTest {
    @TempDir
    Path dir;

    private Path create(String type, int size) {
        Path file = dir.resolve(type + ".ring");
        Cli.Result r = Cli.run("create", "--file", file.toString(), "--type", type, "--size", Integer.toString(size));
        assertEquals(0, r.exit(), r.toString());
        return file;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within 20 s: " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Bounded wait for the end; returns stderr, which must be exactly one line. */
    private static String oneLineOfStderr(Process p, int exit) throws Exception {
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the command ended");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(exit, p.exitValue(), err);
        assertEquals(1, err.lines().count(), "one line: [" + err + "]");
        return err.strip();
    }

    private static BlockingQueue<String> lines(Process p) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // ended
            }
        });
        return lines;
    }

    private static String take(BlockingQueue<String> lines) throws InterruptedException {
        String l = lines.poll(20, TimeUnit.SECONDS);
        assertNotNull(l, "no line within 20 s");
        return l;
    }

    /** Waits until a producer of the ring sleeps for space (the space wakeup's waiter count). */
    private static void awaitBlockedForSpace(Path ring) {
        try (JvmRing r = JvmRing.open(ring)) {
            await(() -> r.waitingWriters() > 0, "send waits for space");
        }
    }

    @Test
    void createOnATmpfsTooSmallIsOneLineWithEnospcThePathAndTheSize() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "jringbuf-fault", mnt.toString())
                .redirectErrorStream(true).start();
        assertTrue(mount.waitFor(30, TimeUnit.SECONDS));
        String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        Assumptions.assumeTrue(mount.exitValue() == 0, () -> "the kernel refused a tmpfs mount: " + why);
        try {
            Path file = mnt.resolve("r");
            Cli.Result r = Cli.run("create", "--file", file.toString(), "--type", "ringbuf", "--size", "4194304");
            assertEquals(1, r.exit(), r.toString());
            assertEquals("jringbuf create: ENOSPC (28): create ring file " + file + ": allocate 4206592 bytes (a ring"
                    + " of 4194304 data bytes and 3 header pages): the file system is full\n", r.err());
            assertEquals("", run("ls", "-A", mnt.toString()), "nothing left behind");
        } finally {
            run("umount", "-l", mnt.toString());
        }
    }

    @Test
    void catOfARingTruncatedUnderItIsOneLineAndExit1() throws Exception {
        Path ring = create("ringbuf", 65536);
        Process cat = Cli.start("cat", ring.toString());
        BlockingQueue<String> out = lines(cat);
        assertEquals(0, Cli.runWithInput("c0ffee\n", "send", ring.toString()).exit());
        assertEquals("c0ffee", take(out), "cat is consuming");
        run("truncate", "-s", "0", ring.toString());
        String err = oneLineOfStderr(cat, 1);
        assertTrue(err.startsWith("jringbuf cat: EFAULT (14): "), err);
        assertTrue(err.endsWith("ring file " + ring + " was truncated to 0 bytes while mapped (the ring needs 77824);"
                + " it is closed in this process"), err);
    }

    @Test
    void sendIntoARingTruncatedUnderItIsOneLineAndExit1() throws Exception {
        Path ring = create("ringbuf", 4096);
        Process send = Cli.start("send", ring.toString());
        OutputStream in = send.getOutputStream();
        for (int i = 0; i < 400; i++) { // 400 x 16 bytes: more than the 4096 fit
            in.write("0102030405060708\n".getBytes(StandardCharsets.US_ASCII));
        }
        in.flush();
        awaitBlockedForSpace(ring);
        run("truncate", "-s", "0", ring.toString());
        String err = oneLineOfStderr(send, 1);
        assertTrue(err.matches("jringbuf send: line \\d+: EFAULT \\(14\\): reserve: ring file " + ring
                + " was truncated to 0 bytes while mapped \\(the ring needs 16384\\); it is closed in this process;"
                + " \\d+ earlier records submitted"), err);
    }

    @Test
    void sigtermWhileSendIsBlockedInAReservationStopsCleanlyAndLeavesNoBusyRecord() throws Exception {
        Path ring = create("ringbuf", 4096);
        Process send = Cli.start("send", ring.toString());
        OutputStream in = send.getOutputStream();
        List<String> sentLines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String line = String.format("%08x", i) + "ab".repeat(i % 7);
            sentLines.add(line);
            in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        in.flush(); // stdin stays open: send is blocked in a reservation, not at the end of its input
        awaitBlockedForSpace(ring);
        run("kill", "-TERM", Long.toString(send.pid()));
        String err = oneLineOfStderr(send, 0);
        assertTrue(err.matches("send: stopped by a signal: \\d+ records submitted"), err);
        int submitted = Integer.parseInt(err.replaceAll("\\D+", " ").strip());
        assertTrue(submitted > 0 && submitted < 300, err);

        Cli.Result cat = Cli.run("cat", ring.toString(), "--timeout", "0ms");
        assertEquals(0, cat.exit(), cat.toString());
        assertEquals(sentLines.subList(0, submitted), cat.lines(), "each submitted record once, whole, in order");
        try (JvmRing r = JvmRing.open(ring)) {
            assertEquals(r.producerPosition(), r.consumerPosition(), "nothing left behind, nothing BUSY");
            assertEquals(0, r.waitingWriters(), "no waiter registered");
        }
    }

    @Test
    void sigtermWhileSendWaitsForInputEndsAtOnce() throws Exception {
        Path ring = create("ringbuf", 4096);
        Process send = Cli.start("send", ring.toString());
        OutputStream in = send.getOutputStream();
        in.write("01\n02\n".getBytes(StandardCharsets.US_ASCII));
        in.flush(); // and no more: send waits on stdin with nothing reserved
        try (JvmRing r = JvmRing.open(ring)) {
            await(() -> r.producerPosition() == 32, "both records committed");
        }
        long start = System.nanoTime();
        run("kill", "-TERM", Long.toString(send.pid()));
        String err = oneLineOfStderr(send, 0);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4),
                "not the signal hook's 5 s patience: nothing was in flight");
        assertEquals("send: stopped by a signal: 2 records submitted", err);
        Cli.Result cat = Cli.run("cat", ring.toString(), "--timeout", "0ms");
        assertEquals(List.of("01", "02"), cat.lines());
    }

    @Test
    void aRingRemovedWhileCatHasItIsReachableThroughProcAndStatSaysSo() throws Exception {
        Path ring = create("ringbuf", 65536);
        Process cat = Cli.start("cat", ring.toString());
        BlockingQueue<String> out = lines(cat);
        assertEquals(0, Cli.runWithInput("01\n", "send", ring.toString()).exit());
        assertEquals("01", take(out));
        run("rm", ring.toString());

        Cli.Result gone = Cli.run("stat", ring.toString());
        assertEquals(1, gone.exit(), gone.toString());
        assertEquals("jringbuf stat: ENOENT (2): open ring file " + ring + "\n", gone.err());

        Path viaProc = null;
        try (var fds = Files.list(Path.of("/proc/" + cat.pid() + "/fd"))) {
            for (Path fd : fds.toList()) {
                if (Files.readSymbolicLink(fd).toString().equals(ring + " (deleted)")) {
                    viaProc = fd;
                }
            }
        }
        assertNotNull(viaProc, "cat keeps the removed ring file open");
        Cli.Result stat = Cli.run("stat", viaProc.toString());
        assertEquals(0, stat.exit(), stat.toString());
        assertTrue(stat.lines().contains("links: 0"), stat.out());
        assertEquals(0, Cli.runWithInput("02\n", "send", viaProc.toString()).exit());
        assertEquals("02", take(out), "the ring works on without its name");
        cat.destroy();
        assertTrue(cat.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, cat.exitValue());
    }

    @Test
    void aRecordStillBeingWrittenIsNamedByStatAndByCatsTimeout() throws Exception {
        Path ring = create("ringbuf", 65536);
        assertEquals(0, Cli.runWithInput("01\n", "send", ring.toString()).exit());
        long self = ProcessHandle.current().pid();
        try (JvmRing r = JvmRing.open(ring)) {
            RingWriter writer = r.writer();
            long offset = writer.reserve(8); // BUSY, written by this (live) process
            assertTrue(offset >= 0);
            assertEquals(0, Cli.runWithInput("02\n", "send", ring.toString()).exit()); // behind it
            String head = "the record at the head is still being written by process " + self + " (alive)";
            Cli.Result cat = Cli.run("cat", ring.toString(), "--count", "2", "--timeout", "200ms");
            assertEquals(1, cat.exit(), cat.toString());
            assertEquals(List.of("01"), cat.lines());
            assertEquals("jringbuf cat: timeout after 200ms: 1 of 2 records received; " + head + "\n", cat.err());
            Cli.Result stat = Cli.run("stat", ring.toString()); // now the BUSY record is the head
            assertEquals(0, stat.exit(), stat.toString());
            assertEquals("head: " + head, stat.lines().get(stat.lines().size() - 1), stat.out());
            writer.submit(offset);
        }
        Cli.Result rest = Cli.run("cat", ring.toString(), "--count", "2", "--timeout", "5s");
        assertEquals(0, rest.exit(), rest.toString());
        assertEquals(List.of("0000000000000000", "02"), rest.lines(), "committed, the rest follows in order");
    }

    @Test
    void aSecondCatWhileTheFirstIsStoppedNamesTheStoppedProcess() throws Exception {
        Path ring = create("ringbuf", 65536);
        Process first = Cli.start("cat", ring.toString());
        BlockingQueue<String> out = lines(first);
        assertEquals(0, Cli.runWithInput("01\n", "send", ring.toString()).exit());
        assertEquals("01", take(out));
        run("kill", "-STOP", Long.toString(first.pid()));
        try {
            await(() -> {
                try {
                    String stat = Files.readString(Path.of("/proc/" + first.pid() + "/stat"));
                    return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
                } catch (IOException e) {
                    return false;
                }
            }, "the first cat is stopped");
            Cli.Result second = Cli.run("cat", ring.toString(), "--timeout", "0ms");
            assertEquals(1, second.exit(), second.toString());
            assertEquals("jringbuf cat: EBUSY (16): claim the consumer side of the ring: process " + first.pid()
                    + " (alive, stopped by a signal: SIGCONT resumes it) holds it; a ring has exactly one consumer\n",
                    second.err());
        } finally {
            first.destroyForcibly();
            first.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
