/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

import java.nio.ByteBuffer;

/**
 * Agrona's {@link ManyToOneRingBuffer}, the same work as {@link JvmRingbufBench}:
 * {@code tryClaim}, copy the payload in, {@code commit}; the consumer {@code read}s and sums the
 * payload's words into a Blackhole. Same data capacity ({@link Shared#RING_BYTES}), off-heap.
 */
@State(Scope.Group)
@Fork(jvmArgsAppend = {Shared.NATIVE_ACCESS, Shared.ADD_EXPORTS, Shared.AGRONA_UNSAFE})
public class AgronaManyToOneBench {
    private static final int MSG_TYPE = 1;

    @Param({"8", "64", "256"})
    public int payload;

    RingBuffer ring;
    UnsafeBuffer ringData;
    byte[] source;

    @Setup(Level.Trial)
    public void setUp() {
        Shared.checkPayload(payload);
        ByteBuffer memory = ByteBuffer.allocateDirect(Shared.RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH);
        ring = new ManyToOneRingBuffer(new UnsafeBuffer(memory));
        ringData = (UnsafeBuffer) ring.buffer();
        source = Shared.payload(payload);
    }

    /** The consumer thread's handler: sums the payload, hands the sum to the Blackhole. */
    @State(Scope.Thread)
    public static class Reader implements MessageHandler {
        Blackhole bh;
        int idle;

        @Override
        public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            long sum = 0;
            for (int i = 0; i < length; i += 8) {
                sum += buffer.getLong(index + i);
            }
            bh.consume(sum);
        }
    }

    private void produce(Control control, FullRing full) {
        int failures = 0;
        int index;
        while ((index = ring.tryClaim(MSG_TYPE, payload)) < 0) {
            if (Shared.stopped(control)) {
                return;
            }
            Shared.backOff(++failures);
        }
        full.fullRetries += failures;
        ringData.putBytes(index, source, 0, payload);
        ring.commit(index);
    }

    private int consume(Reader reader, Blackhole bh) {
        reader.bh = bh;
        int n = ring.read(reader);
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
