/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.JvmRingInternals;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.internal.memory.KernelRingMemory;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.protocol.Drainer;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.protocol.Producer;
import io.jringbuf.internal.protocol.UserProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import static io.jringbuf.kernel.Programs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The protocol roles do not care where the memory comes from: the same {@link Consumer} class
 * reads a kernel RINGBUF written by BPF and a JVM ring written by {@link Producer}; the same
 * {@link UserProducer} class feeds a kernel USER_RINGBUF drained by BPF and a JVM ring drained by
 * {@link Drainer}. One shared check runs over both.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SameRolesBothBackingsTest {
    private static final int SIZE = 1 << 14;
    private static final int N = 300;

    @BeforeAll
    static void kernel() {
        KernelSupport.requireBpf();
    }

    /** Consumes everything and checks sequence numbers 0..N-1 in order. */
    private static void consumeSequence(Consumer consumer) {
        long[] next = {0};
        int got = consumer.consume((b, off, len) -> {
            assertEquals(16, len);
            assertEquals(next[0]++, b.get(ValueLayout.JAVA_LONG, off));
            return true;
        });
        assertEquals(N, got);
        assertEquals(0, consumer.availableBytes());
    }

    @Test
    void oneConsumerClassReadsAKernelRingAndAJvmRing() {
        try (BpfMap ring = BpfMap.createRingbuf("same_rb", SIZE);
             BpfMap state = BpfMap.createArray("same_st", SEQ_STATE_SIZE, 1);
             BpfProgram p = sequenceProducer(ring, state, 16);
             KernelRingMemory memory = KernelRingMemory.forConsumer(ring.fd(), SIZE)) {
            p.testRun(N);
            consumeSequence(Consumer.forKernelRing(memory.view(), false));
        }
        try (JvmRing jvm = JvmRing.anonymous(RingType.RINGBUF, SIZE)) {
            Producer producer = JvmRingInternals.producer(jvm);
            for (long i = 0; i < N; i++) {
                long off = producer.reserve(16);
                producer.buffer().set(ValueLayout.JAVA_LONG, off, i);
                producer.submit(off, 0);
            }
            consumeSequence(JvmRingInternals.consumer(jvm));
        }
    }

    /** Writes N samples whose first 8 bytes are 1..N; returns their sum. */
    private static long produceSequence(UserProducer producer) {
        long sum = 0;
        for (long i = 1; i <= N; i++) {
            long off = producer.reserve(16);
            assertTrue(off >= 0);
            producer.buffer().set(ValueLayout.JAVA_LONG, off, i);
            producer.submit(off);
            sum += i;
        }
        return sum;
    }

    @Test
    void oneUserProducerClassFeedsAKernelRingAndAJvmRing() {
        try (BpfMap ring = BpfMap.createUserRingbuf("same_urb", SIZE);
             BpfMap state = BpfMap.createArray("same_dst", DRAIN_STATE_SIZE, 1);
             BpfProgram drain = drainProgram(ring, state);
             KernelRingMemory memory = KernelRingMemory.forUserProducer(ring.fd(), SIZE)) {
            long sum = produceSequence(UserProducer.forKernelRing(memory.view(), null));
            drain.testRun(1);
            assertEquals(N, field(state, DR_RET));
            assertEquals(sum, field(state, DR_SUM));
        }
        try (JvmRing jvm = JvmRing.anonymous(RingType.USER_RINGBUF, SIZE)) {
            long sum = produceSequence(JvmRingInternals.userProducer(jvm));
            long[] seen = {0};
            int drained = JvmRingInternals.drainer(jvm).drain((b, off, len) -> {
                seen[0] += b.get(ValueLayout.JAVA_LONG, off);
                return true;
            }, 0);
            assertEquals(N, drained);
            assertEquals(sum, seen[0]);
        }
    }
}
