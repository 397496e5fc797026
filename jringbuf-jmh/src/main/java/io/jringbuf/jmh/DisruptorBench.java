/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
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

/**
 * An object-queue reference point: the LMAX Disruptor's multi-producer ring of preallocated
 * events, each holding {@code payload} bytes as longs. The producer claims a slot
 * ({@code tryNext}), copies the payload into the event and publishes; the consumer polls
 * ({@link EventPoller}) and sums the words into a Blackhole. As many slots as a byte ring of
 * {@link Shared#RING_BYTES} holds records.
 */
@State(Scope.Group)
@Fork(jvmArgsAppend = {Shared.NATIVE_ACCESS, Shared.ADD_EXPORTS, Shared.AGRONA_UNSAFE})
public class DisruptorBench {
    @Param({"8", "64", "256"})
    public int payload;

    RingBuffer<Event> ring;
    EventPoller<Event> poller;
    long[] source;

    /** A preallocated slot. */
    public static final class Event {
        final long[] words;

        Event(int payload) {
            this.words = new long[payload / 8];
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        Shared.checkPayload(payload);
        ring = RingBuffer.createMultiProducer(() -> new Event(payload), Shared.queueEntries(payload));
        poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
        source = Shared.payloadLongs(payload);
    }

    /** The consumer thread's handler: sums the payload, hands the sum to the Blackhole. */
    @State(Scope.Thread)
    public static class Reader implements EventPoller.Handler<Event> {
        Blackhole bh;
        int idle;
        int count;

        @Override
        public boolean onEvent(Event event, long sequence, boolean endOfBatch) {
            long sum = 0;
            for (long w : event.words) {
                sum += w;
            }
            bh.consume(sum);
            count++;
            return true;
        }
    }

    private void produce(Control control, FullRing full) {
        int failures = 0;
        long sequence;
        for (;;) {
            try {
                sequence = ring.tryNext();
                break;
            } catch (InsufficientCapacityException noSpace) {
                if (Shared.stopped(control)) {
                    return;
                }
                Shared.backOff(++failures);
            }
        }
        full.fullRetries += failures;
        long[] words = ring.get(sequence).words;
        System.arraycopy(source, 0, words, 0, words.length);
        ring.publish(sequence);
    }

    private int consume(Reader reader, Blackhole bh) throws Exception {
        reader.bh = bh;
        reader.count = 0;
        poller.poll(reader);
        int n = reader.count;
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
    public int consume1(Reader reader, Blackhole bh) throws Exception {
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
    public int consume2(Reader reader, Blackhole bh) throws Exception {
        return consume(reader, bh);
    }
}
