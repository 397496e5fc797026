/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.internal.protocol.Producer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * Negative controls for {@link MissedWakeupBusyHandshake} and {@link MissedWakeupReloadHandshake}: the same
 * states and the same real Producer, but the consumer is libbpf's loop without the full fence.
 * The missed-wakeup outcome "1, 0" is marked interesting: seeing it proves the litmus tests can
 * catch the bug the fence fixes.
 */
public final class MissedWakeupNegativeControl {
    private MissedWakeupNegativeControl() {
    }

    /** BUSY variant without the fence. */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING, desc = "missed wakeup (the bug the fence fixes)")
    @Outcome(id = {"1, 1", "2, 0", "2, 1"}, expect = ACCEPTABLE, desc = "handshake completed")
    @State
    public static class Busy {
        private final RingFixture ring = new RingFixture(4096);
        private final RingFixture.CountingNotifier wakeups = new RingFixture.CountingNotifier();
        private final Producer producer = new Producer(ring.view, ring.control, wakeups, null);
        private final LibbpfConsumerWithoutFence consumer = new LibbpfConsumerWithoutFence(ring.view);
        private final long recordB;

        public Busy() {
            long a = producer.reserve(8);
            recordB = producer.reserve(8);
            producer.submit(a, 1);
        }

        @Actor
        public void consumer(II_Result r) {
            r.r1 = consumer.consume();
        }

        @Actor
        public void producer(II_Result r) {
            producer.submit(recordB, 0);
            r.r2 = wakeups.calls;
        }
    }

    /** Producer-position reload variant without the fence. */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING, desc = "missed wakeup (the bug the fence fixes)")
    @Outcome(id = {"1, 1", "2, 0", "2, 1"}, expect = ACCEPTABLE, desc = "handshake completed")
    @State
    public static class Reload {
        private final RingFixture ring = new RingFixture(4096);
        private final RingFixture.CountingNotifier wakeups = new RingFixture.CountingNotifier();
        private final Producer producer = new Producer(ring.view, ring.control, wakeups, null);
        private final LibbpfConsumerWithoutFence consumer = new LibbpfConsumerWithoutFence(ring.view);

        public Reload() {
            producer.submit(producer.reserve(8), 1);
        }

        @Actor
        public void consumer(II_Result r) {
            r.r1 = consumer.consume();
        }

        @Actor
        public void producer(II_Result r) {
            producer.submit(producer.reserve(8), 0);
            r.r2 = wakeups.calls;
        }
    }
}
