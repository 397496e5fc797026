/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.protocol.Producer;
import io.jringbuf.base.RecordHandler;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The missed-wakeup handshake in its store-buffering shape, BUSY variant, over the real Consumer and
 * Producer. Record A is committed, record B right after it is reserved (BUSY). The consumer
 * consumes A, publishes consumer_pos = B, and finds B BUSY: it stops, i.e. goes to sleep. The
 * producer commits B with an atomic exchange and loads consumer_pos for the adaptive wakeup rule.
 *
 * <p>r1 = records the consumer delivered (1: it stopped at B; 2: it saw the commit);
 * r2 = wakeups the producer decided (1: it saw the consumer parked at B).
 * "1, 0" is the missed wakeup: the consumer sleeps, nobody wakes it, B sits in the ring. The
 * Consumer's full fence between publishing consumer_pos and the BUSY re-check forbids it.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "missed wakeup: the consumer stopped at B and the producer saw it behind")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the consumer stopped at B and the producer woke it")
@Outcome(id = {"2, 0", "2, 1"}, expect = ACCEPTABLE, desc = "the consumer saw B committed")
@State
public class MissedWakeupBusyHandshake {
    private static final RecordHandler HANDLER = (buffer, offset, length) -> true;

    private final RingFixture ring = new RingFixture(4096);
    private final RingFixture.CountingNotifier wakeups = new RingFixture.CountingNotifier();
    private final Producer producer = new Producer(ring.view, ring.control, wakeups, null);
    private final Consumer consumer = Consumer.forKernelRing(ring.view, false);
    private final long recordB;

    public MissedWakeupBusyHandshake() {
        long a = producer.reserve(8);
        recordB = producer.reserve(8);
        producer.submit(a, 1 /* NO_WAKEUP: the set-up itself decides nothing */);
    }

    @Actor
    public void consumer(II_Result r) {
        r.r1 = consumer.consume(HANDLER);
    }

    @Actor
    public void producer(II_Result r) {
        producer.submit(recordB, 0);
        r.r2 = wakeups.calls;
    }
}
