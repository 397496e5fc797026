/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.base.RecordHandler;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's fallback: this JVM sends 16-byte requests (sequence, send time) over a RINGBUF ring
 * file to a child JVM ({@link DemoEcho}) that echoes them back over a second ring; one request in
 * flight at a time. No allocation per round trip.
 */
final class JvmRoundTrip {
    static final long READY = -2;
    static final long STOP = -1;
    static final int RECORD = 16;
    static final long RING_SIZE = 1 << 16;
    private static final Duration REPLY_WAIT = Duration.ofSeconds(5);
    private static final long STARTUP_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final CliIo io;
    private final Duration duration;
    private long replySeq;

    JvmRoundTrip(CliIo io, Duration duration) {
        this.io = io;
        this.duration = duration;
    }

    void run() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(ringDirectory(), "jringbuf-demo-");
        Path requestPath = dir.resolve("request.ring");
        Path replyPath = dir.resolve("reply.ring");
        // Also removed when the demo is stopped by SIGINT/SIGTERM (registered first, deleted last).
        dir.toFile().deleteOnExit();
        requestPath.toFile().deleteOnExit();
        replyPath.toFile().deleteOnExit();
        Process child = null;
        try (JvmRing request = JvmRing.create(requestPath, RingType.RINGBUF, RING_SIZE);
             JvmRing reply = JvmRing.create(replyPath, RingType.RINGBUF, RING_SIZE)) {
            RingWriter out = request.writer();
            RingReader in = reply.reader();
            child = startChild(requestPath, replyPath);
            RecordHandler onReply = (buffer, offset, length) -> {
                replySeq = length == RECORD ? buffer.get(ValueLayout.JAVA_LONG, offset) : Long.MIN_VALUE;
                return false;
            };
            awaitReply(in, onReply, READY, child, STARTUP_NANOS);

            LatencyHistogram histogram = new LatencyHistogram();
            Progress progress = new Progress(io, true, "demo");
            long start = System.nanoTime();
            long warmEnd = start + Math.min(TimeUnit.SECONDS.toNanos(1), duration.toNanos() / 10);
            long end = start + duration.toNanos();
            long measuredStart = 0;
            long now = start;
            for (long seq = 0; now < end; seq++) {
                long sent = System.nanoTime();
                send(out, seq, sent);
                awaitReply(in, onReply, seq, child, REPLY_WAIT.toNanos());
                now = System.nanoTime();
                if (sent >= warmEnd) {
                    if (measuredStart == 0) {
                        measuredStart = sent;
                    }
                    histogram.record(now - sent);
                }
                progress.tick(histogram.count(), -1);
            }
            progress.done();
            send(out, STOP, 0);
            if (!child.waitFor(5, TimeUnit.SECONDS)) {
                io.err().println("demo: the echo process did not stop within 5 s; killing it");
            }
            long self = ProcessHandle.current().pid();
            DemoReport.print(io, "jvm-rings", self + " -> " + child.pid() + " -> " + self, histogram,
                    (now - measuredStart) / 1e9);
        } finally {
            if (child != null && child.isAlive()) {
                child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(requestPath);
            Files.deleteIfExists(replyPath);
            Files.deleteIfExists(dir);
        }
    }

    private static void send(RingWriter out, long seq, long time) {
        long offset = out.reserve(RECORD, REPLY_WAIT);
        if (offset < 0) {
            throw new CliException(CliException.RUNTIME, "demo: request ring full for 5 s");
        }
        MemorySegment buffer = out.buffer();
        buffer.set(ValueLayout.JAVA_LONG, offset, seq);
        buffer.set(ValueLayout.JAVA_LONG, offset + 8, time);
        out.submit(offset, 0);
    }

    private void awaitReply(RingReader in, RecordHandler onReply, long seq, Process child, long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (;;) {
            if (in.poll(onReply, 1, REPLY_WAIT) > 0) {
                if (replySeq != seq) {
                    throw new CliException(CliException.RUNTIME, "demo: expected reply " + seq + ", got " + replySeq);
                }
                return;
            }
            if (!child.isAlive()) {
                throw new CliException(CliException.RUNTIME, "demo: the echo process exited with status "
                        + child.exitValue());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new CliException(CliException.RUNTIME, "demo: no reply " + seq + " within "
                        + TimeUnit.NANOSECONDS.toSeconds(nanos) + " s");
            }
        }
    }

    private static Process startChild(Path request, Path reply) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DemoEcho.class.getName(),
                request.toString(), reply.toString(), Long.toString(ProcessHandle.current().pid())));
        return new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static Path ringDirectory() {
        Path shm = Paths.get("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir"));
    }
}
