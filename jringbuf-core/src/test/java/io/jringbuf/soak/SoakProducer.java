/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.soak;

import io.jringbuf.RingWriter;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;

import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One soak producer process: {@code SoakProducer RING PROGRESS_FILE ID EPOCH}. Writes records
 * {@code [id u32][epoch u32][seq u64][commit nanos u64][pattern...]} of random length 24–280 bytes
 * with a pattern derived from (id, epoch, seq), as fast as the ring allows, and after each commit
 * stores its last committed seq in the progress file (a side channel the soak reads after a kill;
 * the soak creates it holding -1).
 * Runs until killed or until its standard input closes.
 */
public final class SoakProducer {
    private SoakProducer() {
    }

    static byte pattern(int id, int epoch, long seq, int i) {
        return (byte) (id * 31 + epoch * 17 + seq * 7 + i);
    }

    public static void main(String[] args) throws Exception {
        Path ringPath = Path.of(args[0]);
        Path progressPath = Path.of(args[1]);
        int id = Integer.parseInt(args[2]);
        int epoch = Integer.parseInt(args[3]);
        Thread stdinWatch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // wait for EOF: the soak died
                }
            } catch (Exception ignored) {
                // fall through
            }
            Runtime.getRuntime().halt(3);
        });
        stdinWatch.setDaemon(true);
        stdinWatch.start();
        try (RandomAccessFile raf = new RandomAccessFile(progressPath.toFile(), "rw");
             JvmRing ring = JvmRing.open(ringPath, RingType.RINGBUF)) {
            MappedByteBuffer progress = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, 16);
            MemorySegment p = MemorySegment.ofBuffer(progress);
            RingWriter producer = ring.writer();
            MemorySegment data = producer.buffer();
            long rnd = 0x9E3779B97F4A7C15L * (id + 1) + epoch;
            System.out.println("ready");
            System.out.flush();
            for (long seq = 0; ; seq++) {
                rnd ^= rnd << 13;
                rnd ^= rnd >>> 7;
                rnd ^= rnd << 17;
                int len = 24 + (int) ((rnd >>> 1) % 257);
                long off = producer.reserve(len, Duration.ofSeconds(30));
                if (off < 0) {
                    throw new IllegalStateException("no space for 30 s: the consumer is stuck");
                }
                data.set(ValueLayout.JAVA_INT, off, id);
                data.set(ValueLayout.JAVA_INT, off + 4, epoch);
                data.set(ValueLayout.JAVA_LONG, off + 8, seq);
                for (int i = 24; i < len; i++) {
                    data.set(ValueLayout.JAVA_BYTE, off + i, pattern(id, epoch, seq, i));
                }
                data.set(ValueLayout.JAVA_LONG, off + 16, System.nanoTime());
                if (seq == 0) {
                    p.set(ValueLayout.JAVA_LONG, 8, off); // diagnostics: where the first record went
                }
                producer.submit(off, 0);
                // Release-ordered so that a reader after our death sees it no earlier than the commit.
                ValueLayout.JAVA_LONG.varHandle().setRelease(p, 0L, seq);
            }
        }
    }
}
