/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.process;

import io.jringbuf.RingWriter;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A producer JVM started by the process tests. Modes:
 * <pre>
 *   produce RING ID COUNT [PROGRESS [PACE]]
 *                                      COUNT records of {@link #PAYLOAD} bytes (producer ID, seq 0..COUNT-1,
 *                                      check word); after each submit, seq is stored in the 8-byte
 *                                      PROGRESS file (mmap'd) if given. COUNT -1 means until killed.
 *                                      PACE: nanoseconds to spin between records, so that the
 *                                      consumer keeps up and the ring is rarely full.
 *   reserve-hang RING                  reserves one record, prints "reserved", never commits it
 *   lock-hang RING                     takes the reservation lock, prints "locked", never releases it
 * </pre>
 * Every mode also ends when its standard input closes (the test JVM died), so no process outlives
 * its test; a producer that cannot reserve for 10 s exits with status 3.
 */
public final class ProducerProcess {
    /** Payload bytes: int producer id, int 0, long sequence, long check word. */
    public static final int PAYLOAD = 24;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private ProducerProcess() {
    }

    /** The check word of a record: a torn or foreign payload does not match it. */
    public static long check(int producer, long seq) {
        return (seq * 0x9E37_79B9_7F4A_7C15L) ^ ((long) producer << 48) ^ 0x5DEE_CE66_DL;
    }

    public static void main(String[] args) throws Exception {
        exitWhenStdinCloses();
        Path ringFile = Path.of(args[1]);
        switch (args[0]) {
            case "produce" -> produce(ringFile, Integer.parseInt(args[2]), Long.parseLong(args[3]),
                    args.length > 4 && !args[4].equals("-") ? Path.of(args[4]) : null,
                    args.length > 5 ? Long.parseLong(args[5]) : 0, args.length > 6 ? Path.of(args[6]) : null);
            case "reserve-hang" -> {
                JvmRing ring = JvmRing.open(ringFile, RingType.RINGBUF);
                long offset = ring.writer().reserve(PAYLOAD);
                System.out.println(offset >= 0 ? "reserved " + offset : "no space");
                System.out.flush();
                hang();
            }
            case "lock-hang" -> {
                JvmRing ring = JvmRing.open(ringFile, RingType.RINGBUF);
                System.out.println(JvmRingInternals.control(ring).lockReservation() ? "locked" : "not locked");
                System.out.flush();
                hang();
            }
            default -> {
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
            }
        }
    }

    private static void produce(Path ringFile, int id, long count, Path progressFile, long paceNanos, Path gate)
            throws IOException, InterruptedException {
        try (JvmRing ring = JvmRing.open(ringFile, RingType.RINGBUF);
             Arena arena = Arena.ofShared()) {
            MemorySegment progress = null;
            if (progressFile != null) {
                try (FileChannel ch = FileChannel.open(progressFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    progress = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8, arena);
                }
            }
            RingWriter p = ring.writer();
            MemorySegment buf = p.buffer();
            Duration patience = Duration.ofSeconds(10);
            if (gate != null) {
                // Several producers start together: each says it is ready and waits for the test to
                // create the gate file (a condition across processes, polled, bounded).
                System.out.println("ready");
                System.out.flush();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!Files.exists(gate)) {
                    if (System.nanoTime() > deadline) {
                        System.err.println("producer " + id + ": no gate " + gate + " within 30 s");
                        System.exit(5);
                    }
                    Thread.sleep(1);
                }
            }
            System.out.println("producing");
            System.out.flush();
            for (long seq = 0; count < 0 || seq < count; seq++) {
                long off = p.reserve(PAYLOAD, patience);
                if (off < 0) {
                    System.err.println("producer " + id + ": no space for 10 s at seq " + seq);
                    System.exit(3);
                }
                buf.set(ValueLayout.JAVA_INT, off, id);
                buf.set(ValueLayout.JAVA_INT, off + 4, 0);
                buf.set(ValueLayout.JAVA_LONG, off + 8, seq);
                buf.set(ValueLayout.JAVA_LONG, off + 16, check(id, seq));
                p.submit(off, 0);
                if (progress != null) {
                    // Release: after the submit; read by the test only after this process is dead.
                    LONG.setRelease(progress, 0L, seq);
                }
                if (paceNanos > 0) {
                    long until = System.nanoTime() + paceNanos;
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                }
            }
        }
        System.out.println("done");
        System.out.flush();
    }

    private static void hang() throws InterruptedException {
        Thread.sleep(Duration.ofMinutes(2)); // bounded; the test kills us long before
        System.exit(4);
    }

    private static void exitWhenStdinCloses() {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // ignore input
                }
            } catch (IOException ignored) {
                // treat as closed
            }
            Runtime.getRuntime().halt(5);
        }, "stdin-watch");
        t.setDaemon(true);
        t.start();
    }
}
