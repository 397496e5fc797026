/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import io.jringbuf.JvmRing;
import io.jringbuf.CommitMode;
import io.jringbuf.RingWriter;
import io.jringbuf.RingReader;
import io.jringbuf.base.RingType;
import io.jringbuf.base.RecordHandler;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * jringbuf's RINGBUF-format ring (multi-producer, one consumer): {@code Producer.reserve}, copy
 * the payload in, {@code submit}; the consumer sums the payload's words into a Blackhole.
 * Compare with {@link AgronaManyToOneBench}.
 *
 * <p>Groups {@code p1} and {@code p2}: one and two producer threads, one consumer thread. The
 * {@code produce} score is the records/s through the ring.
 */
@State(Scope.Group)
@Fork(jvmArgsAppend = {Shared.NATIVE_ACCESS, Shared.ADD_EXPORTS, Shared.AGRONA_UNSAFE})
public class JvmRingbufBench {
    @Param({"8", "64", "256"})
    public int payload;

    /** The consumer's commit mode: false = once per record (libbpf's), true = once per pass. */
    @Param({"false"})
    public boolean batchCommit;

    JvmRing ring;
    RingWriter producer;
    RingReader consumer;
    MemorySegment ringData;
    MemorySegment source;

    @Setup(Level.Trial)
    public void setUp() {
        Shared.checkPayload(payload);
        ring = JvmRing.anonymous(RingType.RINGBUF, Shared.RING_BYTES);
        producer = ring.writer();
        consumer = ring.reader(batchCommit ? CommitMode.BATCH : CommitMode.PER_RECORD);
        ringData = producer.buffer();
        source = MemorySegment.ofArray(Shared.payload(payload));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ring.close();
    }

    /** The consumer thread's handler: sums the payload, hands the sum to the Blackhole. */
    @State(Scope.Thread)
    public static class Reader implements RecordHandler {
        Blackhole bh;
        int idle;

        @Override
        public boolean onRecord(MemorySegment buffer, long offset, int length) {
            long sum = 0;
            for (long i = 0; i < length; i += 8) {
                sum += buffer.get(ValueLayout.JAVA_LONG, offset + i);
            }
            bh.consume(sum);
            return true;
        }
    }

    private void produce(Control control, FullRing full) {
        int failures = 0;
        long offset;
        while ((offset = producer.reserve(payload)) < 0) {
            if (Shared.stopped(control)) {
                return;
            }
            Shared.backOff(++failures);
        }
        full.fullRetries += failures;
        MemorySegment.copy(source, 0, ringData, offset, payload);
        // NO_WAKEUP: the consumer spins and never sleeps, and Agrona's rings have no wakeups;
        // the adaptive rule (flags 0) would add a full barrier per record for nothing here.
        producer.submit(offset, RingWriter.NO_WAKEUP);
    }

    private int consume(Reader reader, Blackhole bh) {
        reader.bh = bh;
        int n = consumer.consume(reader);
        if (n == 0) {
            Shared.backOff(++reader.idle);
        } else {
            reader.idle = 0;
        }
        return n;
    }

    @Benchmark
    @Group("p1")
    @GroupThreads(1)
    public void produce1(Control control, FullRing full) {
        produce(control, full);
    }

    @Benchmark
    @Group("p1")
    @GroupThreads(1)
    public int consume1(Reader reader, Blackhole bh) {
        return consume(reader, bh);
    }

    @Benchmark
    @Group("p2")
    @GroupThreads(2)
    public void produce2(Control control, FullRing full) {
        produce(control, full);
    }

    @Benchmark
    @Group("p2")
    @GroupThreads(1)
    public int consume2(Reader reader, Blackhole bh) {
        return consume(reader, bh);
    }
}
