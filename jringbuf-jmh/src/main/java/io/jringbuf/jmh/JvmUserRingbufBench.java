/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import io.jringbuf.JvmRing;
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
 * jringbuf's USER_RINGBUF-format ring (one producer, one drainer): {@code UserProducer.reserve},
 * copy the payload in, {@code submit}; the drainer sums the payload's words into a Blackhole.
 * Compare with {@link AgronaOneToOneBench}. Group {@code p1} only: the format has one producer.
 */
@State(Scope.Group)
@Fork(jvmArgsAppend = {Shared.NATIVE_ACCESS, Shared.ADD_EXPORTS, Shared.AGRONA_UNSAFE})
public class JvmUserRingbufBench {
    @Param({"8", "64", "256"})
    public int payload;

    JvmRing ring;
    RingWriter producer;
    RingReader drainer;
    MemorySegment ringData;
    MemorySegment source;

    @Setup(Level.Trial)
    public void setUp() {
        Shared.checkPayload(payload);
        ring = JvmRing.anonymous(RingType.USER_RINGBUF, Shared.RING_BYTES);
        // Neither side sleeps here (both spin, as with Agrona's rings, which have no wakeups):
        // the producer commits with NO_WAKEUP, so it pays for no wakeup decision; the drain
        // decides once per call (a fence and a look at the waiter count), as the kernel's does.
        producer = ring.writer();
        drainer = ring.reader();
        ringData = producer.buffer();
        source = MemorySegment.ofArray(Shared.payload(payload));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ring.close();
    }

    /** The drainer thread's handler: sums the payload, hands the sum to the Blackhole. */
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

    @Benchmark
    @Group("p1")
    @GroupThreads(1)
    public void produce1(Control control, FullRing full) {
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
        producer.submit(offset, RingWriter.NO_WAKEUP);
    }

    @Benchmark
    @Group("p1")
    @GroupThreads(1)
    public int consume1(Reader reader, Blackhole bh) {
        reader.bh = bh;
        int n = drainer.consume(reader);
        if (n == 0) {
            Shared.backOff(++reader.idle);
        } else {
            reader.idle = 0;
        }
        return n;
    }
}
