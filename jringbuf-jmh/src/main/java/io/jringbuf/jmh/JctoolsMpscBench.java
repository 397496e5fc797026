/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
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
 * An object-queue reference point: JCTools' {@link MpscArrayQueue} of {@code long[]} messages.
 * Each producer thread cycles through its own pool of capacity + 2 preallocated messages (so a
 * message is never rewritten before the consumer has finished with it), copies the payload into
 * one and offers it; the consumer drains and sums the words into a Blackhole. No allocation per
 * message, the same copy-in/read-out work as the byte rings.
 */
@State(Scope.Group)
@Fork(jvmArgsAppend = {Shared.NATIVE_ACCESS, Shared.ADD_EXPORTS, Shared.AGRONA_UNSAFE})
public class JctoolsMpscBench {
    @Param({"8", "64", "256"})
    public int payload;

    MpscArrayQueue<long[]> queue;
    long[] source;

    @Setup(Level.Trial)
    public void setUp() {
        Shared.checkPayload(payload);
        queue = new MpscArrayQueue<>(Shared.queueEntries(payload));
        source = Shared.payloadLongs(payload);
    }

    /** A producer thread's message pool. */
    @State(Scope.Thread)
    public static class Pool {
        long[][] messages;
        int next;

        long[] next(JctoolsMpscBench bench) {
            if (messages == null) {
                messages = new long[bench.queue.capacity() + 2][bench.payload / 8];
            }
            long[] m = messages[next];
            next = next + 1 == messages.length ? 0 : next + 1;
            return m;
        }
    }

    /** The consumer thread's handler: sums the payload, hands the sum to the Blackhole. */
    @State(Scope.Thread)
    public static class Reader implements MessagePassingQueue.Consumer<long[]> {
        Blackhole bh;
        int idle;

        @Override
        public void accept(long[] words) {
            long sum = 0;
            for (long w : words) {
                sum += w;
            }
            bh.consume(sum);
        }
    }

    private void produce(Control control, Pool pool, FullRing full) {
        long[] m = pool.next(this);
        System.arraycopy(source, 0, m, 0, m.length);
        int failures = 0;
        while (!queue.offer(m)) {
            if (Shared.stopped(control)) {
                return;
            }
            Shared.backOff(++failures);
        }
        full.fullRetries += failures;
    }

    private int consume(Reader reader, Blackhole bh) {
        reader.bh = bh;
        int n = queue.drain(reader);
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
    public void produce1(Control control, Pool pool, FullRing full) {
        produce(control, pool, full);
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
    public void produce2(Control control, Pool pool, FullRing full) {
        produce(control, pool, full);
    }

    @Benchmark
    @Group("p2")
    @GroupThreads(1)
    public int consume2(Reader reader, Blackhole bh) {
        return consume(reader, bh);
    }
}
