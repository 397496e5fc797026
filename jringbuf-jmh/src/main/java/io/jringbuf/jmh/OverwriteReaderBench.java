/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
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
import org.openjdk.jmh.infra.Blackhole;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * The overwrite reader's cost against the ordinary consumer, on the same records, one thread:
 * each invocation produces {@link SingleThreadBench#BATCH} records into a RINGBUF JVM ring
 * (reserve, copy the payload in, NO_WAKEUP submit), then consumes them (per-record commit,
 * summing the payload's words into a Blackhole). {@code ordinary} is a plain ring (zero-copy
 * delivery); {@code overwrite} an overwrite ring ({@link JvmRing#OVERWRITE}): its reader walks the
 * headers, copies the records out, re-reads {@code overwrite_pos} and delivers from the copy.
 * The ring never fills here (the producer's overwrite walk does not run), so the difference is the
 * reader's copy and recheck. Scores: nanoseconds per record, produce and consume together.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {Shared.NATIVE_ACCESS})
public class OverwriteReaderBench {
    static final int BATCH = SingleThreadBench.BATCH;

    @Param({"8", "64", "256"})
    public int payload;

    JvmRing ordinaryRing;
    RingWriter ordinaryWriter;
    RingReader ordinaryReader;
    JvmRing overwriteRing;
    RingWriter overwriteWriter;
    RingReader overwriteReader;
    MemorySegment source;
    SingleThreadBench.JringbufReader handler;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        Shared.checkPayload(payload);
        ordinaryRing = JvmRing.anonymous(RingType.RINGBUF, Shared.RING_BYTES);
        ordinaryWriter = ordinaryRing.writer();
        ordinaryReader = ordinaryRing.reader();
        overwriteRing = JvmRing.anonymous(RingType.RINGBUF, Shared.RING_BYTES, JvmRing.OVERWRITE);
        overwriteWriter = overwriteRing.writer();
        overwriteReader = overwriteRing.reader();
        source = MemorySegment.ofArray(Shared.payload(payload));
        handler = new SingleThreadBench.JringbufReader(bh);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (overwriteRing.lostRecords() != 0) {
            throw new IllegalStateException("the overwrite ring lost records: the benchmark must not lap");
        }
        ordinaryRing.close();
        overwriteRing.close();
    }

    /** The ordinary ring: zero-copy delivery. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int ordinary() {
        return run(ordinaryWriter, ordinaryReader);
    }

    /** The overwrite ring: delivery from the reader's copy after the recheck. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int overwrite() {
        return run(overwriteWriter, overwriteReader);
    }

    private int run(RingWriter writer, RingReader reader) {
        MemorySegment data = writer.buffer();
        for (int i = 0; i < BATCH; i++) {
            long offset = writer.reserve(payload);
            MemorySegment.copy(source, 0, data, offset, payload);
            writer.submit(offset, RingWriter.NO_WAKEUP);
        }
        int n = 0;
        for (int calls = 0; n < BATCH && calls < 4; calls++) {
            n += reader.consume(handler);
        }
        if (n != BATCH) {
            throw new IllegalStateException("consumed " + n + " records of " + BATCH);
        }
        return n;
    }
}
