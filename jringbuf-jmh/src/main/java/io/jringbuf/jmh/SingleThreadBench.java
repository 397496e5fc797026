/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import io.jringbuf.JvmRing;
import io.jringbuf.RingWriter;
import io.jringbuf.RingReader;
import io.jringbuf.base.RingType;
import io.jringbuf.base.RecordHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
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
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The rings' own cost, without a second thread: one thread produces {@link #BATCH} records
 * (reserve or claim, copy the payload in, commit), then consumes them, calling consume, drain or
 * read until all are delivered (summing the payload's words into a Blackhole). Scores are nanoseconds per record, produce and consume together.
 * With two threads (the other benchmarks) what decides the rate is mostly which cache lines move
 * between the cores; this says what each implementation costs where they do not.
 *
 * <p>jringbuf's producers switch to their per-ring code after 4,096 reservations, and its
 * consumer after 65,536 calls plus records, both within JMH's first warm-up iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {Shared.NATIVE_ACCESS, Shared.ADD_EXPORTS, Shared.AGRONA_UNSAFE})
public class SingleThreadBench {
    /** Records per invocation: at most what the ring holds at the largest payload. */
    static final int BATCH = 512;
    private static final int MSG_TYPE = 1;
    /**
     * Consume calls per batch at most: jringbuf delivers the batch in one (its data area is mapped
     * twice), Agrona's read stops at the end of its buffer and may return 0 for a call that only
     * skipped its padding record.
     */
    private static final int MAX_CALLS = 4;

    @Param({"8", "64", "256"})
    public int payload;

    JvmRing ringbuf;
    RingWriter producer;
    RingReader consumer;
    JvmRing userRingbuf;
    RingWriter userProducer;
    RingReader drainer;
    MemorySegment source;
    RingBuffer manyToOne;
    RingBuffer oneToOne;
    byte[] sourceBytes;
    JringbufReader reader;
    AgronaReader agronaReader;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        Shared.checkPayload(payload);
        ringbuf = JvmRing.anonymous(RingType.RINGBUF, Shared.RING_BYTES);
        producer = ringbuf.writer();
        consumer = ringbuf.reader();
        userRingbuf = JvmRing.anonymous(RingType.USER_RINGBUF, Shared.RING_BYTES);
        userProducer = userRingbuf.writer();
        drainer = userRingbuf.reader();
        source = MemorySegment.ofArray(Shared.payload(payload));
        sourceBytes = Shared.payload(payload);
        int bytes = Shared.RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH;
        manyToOne = new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(bytes)));
        oneToOne = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(bytes)));
        reader = new JringbufReader(bh);
        agronaReader = new AgronaReader(bh);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ringbuf.close();
        userRingbuf.close();
    }

    static final class JringbufReader implements RecordHandler {
        private final Blackhole bh;

        JringbufReader(Blackhole bh) {
            this.bh = bh;
        }

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

    static final class AgronaReader implements MessageHandler {
        private final Blackhole bh;

        AgronaReader(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            long sum = 0;
            for (int i = 0; i < length; i += 8) {
                sum += buffer.getLong(index + i);
            }
            bh.consume(sum);
        }
    }

    /** jringbuf RINGBUF: the writer (NO_WAKEUP commits) and the reader (per-record commit). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int ringbuf() {
        MemorySegment data = producer.buffer();
        for (int i = 0; i < BATCH; i++) {
            long offset = producer.reserve(payload);
            MemorySegment.copy(source, 0, data, offset, payload);
            producer.submit(offset, RingWriter.NO_WAKEUP);
        }
        int n = 0;
        for (int calls = 0; n < BATCH && calls < MAX_CALLS; calls++) {
            n += consumer.consume(reader);
        }
        return expect(n);
    }

    /** Agrona ManyToOneRingBuffer: tryClaim, copy, commit; read. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int manyToOne() {
        MutableDirectBuffer data = manyToOne.buffer();
        for (int i = 0; i < BATCH; i++) {
            int index = manyToOne.tryClaim(MSG_TYPE, payload);
            data.putBytes(index, sourceBytes, 0, payload);
            manyToOne.commit(index);
        }
        int n = 0;
        for (int calls = 0; n < BATCH && calls < MAX_CALLS; calls++) {
            n += manyToOne.read(agronaReader);
        }
        return expect(n);
    }

    /** jringbuf USER_RINGBUF: the writer (NO_WAKEUP commits) and the reader (the drainer). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int userRingbuf() {
        MemorySegment data = userProducer.buffer();
        for (int i = 0; i < BATCH; i++) {
            long offset = userProducer.reserve(payload);
            MemorySegment.copy(source, 0, data, offset, payload);
            userProducer.submit(offset, RingWriter.NO_WAKEUP);
        }
        int n = 0;
        for (int calls = 0; n < BATCH && calls < MAX_CALLS; calls++) {
            n += drainer.consume(reader);
        }
        return expect(n);
    }

    /** Agrona OneToOneRingBuffer: tryClaim, copy, commit; read. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int oneToOne() {
        MutableDirectBuffer data = oneToOne.buffer();
        for (int i = 0; i < BATCH; i++) {
            int index = oneToOne.tryClaim(MSG_TYPE, payload);
            data.putBytes(index, sourceBytes, 0, payload);
            oneToOne.commit(index);
        }
        int n = 0;
        for (int calls = 0; n < BATCH && calls < MAX_CALLS; calls++) {
            n += oneToOne.read(agronaReader);
        }
        return expect(n);
    }

    /** Every record produced must be consumed in the same invocation, on every side. */
    private static int expect(int consumed) {
        if (consumed != BATCH) {
            throw new IllegalStateException("consumed " + consumed + " records of " + BATCH);
        }
        return consumed;
    }
}
