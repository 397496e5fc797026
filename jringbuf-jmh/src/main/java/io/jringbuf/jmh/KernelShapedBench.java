/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import io.jringbuf.CommitMode;
import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * The kernel harness's K1 and K3 loops ({@code bench/kernel.sh}) on JVM rings of the same size
 * (4 MiB), one thread, without the kernel: {@code k1} times a reader draining {@link #RECORDS}
 * records written before the timed part (untimed, per invocation), the handler adding each
 * payload's first 8 bytes to a sink as KernelBench's does; {@code k3} times a writer reserving,
 * writing the first 8 bytes and submitting (NO_WAKEUP) {@link #RECORDS} samples into a
 * USER_RINGBUF emptied before (untimed). Time per record. The code timed is the library's
 * consume loop and reservation/commit, as in the kernel scenarios, so that they can be looked at
 * (profilers, {@code -prof perfasm} where the machine has counters and hsdis) without a BPF
 * program in the loop; the JVM ring's header carries an owner word where the kernel's has 0.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {Shared.NATIVE_ACCESS, Shared.ADD_EXPORTS, Shared.AGRONA_UNSAFE})
public class KernelShapedBench {
    /** Records per invocation: they fit the 4 MiB ring at every payload (8,192 x 264 B = 2.1 MB). */
    static final int RECORDS = 8192;
    static final long RING_BYTES = 4L << 20;

    /** The handler of the kernel harness: the payload's first 8 bytes into a sink. */
    static final class Sink implements RecordHandler {
        long sum;
        long count;

        @Override
        public boolean onRecord(MemorySegment buffer, long offset, int length) {
            sum += buffer.get(ValueLayout.JAVA_LONG, offset);
            count++;
            return true;
        }
    }

    /** K1: a RINGBUF ring filled before each invocation. */
    @State(Scope.Thread)
    public static class K1 {
        @Param({"8", "64", "256"})
        public int payload;
        @Param({"PER_RECORD", "BATCH"})
        public CommitMode commit;

        JvmRing ring;
        RingWriter writer;
        RingReader reader;
        final Sink sink = new Sink();
        long seq;

        @Setup(Level.Trial)
        public void setUp() {
            ring = JvmRing.anonymous(RingType.RINGBUF, RING_BYTES);
            writer = ring.writer();
            reader = ring.reader(commit);
        }

        @Setup(Level.Invocation)
        public void fill() {
            MemorySegment data = writer.buffer();
            for (int i = 0; i < RECORDS; i++) {
                long off = writer.reserve(payload);
                data.set(ValueLayout.JAVA_LONG, off, seq++);
                writer.submit(off, RingWriter.NO_WAKEUP);
            }
            sink.count = 0;
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (sink.count != RECORDS) {
                throw new IllegalStateException("K1 consumed " + sink.count + " of " + RECORDS + " records");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            ring.close();
        }
    }

    /** K3: a USER_RINGBUF ring emptied before each invocation. */
    @State(Scope.Thread)
    public static class K3 {
        @Param({"8", "64", "256"})
        public int payload;

        JvmRing ring;
        RingWriter writer;
        RingReader drainer;
        final Sink sink = new Sink();
        long filled;

        @Setup(Level.Trial)
        public void setUp() {
            ring = JvmRing.anonymous(RingType.USER_RINGBUF, RING_BYTES);
            writer = ring.writer();
            drainer = ring.reader();
        }

        @Setup(Level.Invocation)
        public void empty() {
            while (drainer.consume(sink) > 0) {
                // drain what the last invocation wrote
            }
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (filled != RECORDS) {
                throw new IllegalStateException("K3 wrote " + filled + " of " + RECORDS + " samples");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            ring.close();
        }
    }

    /** K1's timed part: one consume call draining the ring. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int k1(K1 s) {
        return s.reader.consume(s.sink);
    }

    /** K3's timed part: the fill loop of KernelBench.fill, bounded by {@link #RECORDS}. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long k3(K3 s) {
        RingWriter w = s.writer;
        MemorySegment buf = w.buffer();
        int payload = s.payload;
        long n = 0;
        long off;
        while (n < RECORDS && (off = w.reserve(payload)) >= 0) {
            buf.set(ValueLayout.JAVA_LONG, off, n++);
            w.submit(off, RingWriter.NO_WAKEUP);
        }
        s.filled = n;
        return n;
    }
}
