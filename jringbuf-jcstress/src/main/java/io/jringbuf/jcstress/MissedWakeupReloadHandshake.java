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
 * The missed-wakeup handshake as the reviewer described it, over the real Consumer and Producer:
 * record A is committed and is the only one. The consumer consumes A, publishes consumer_pos, and
 * re-reads producer_pos to see whether more came. Concurrently the producer reserves B (release
 * store of producer_pos), commits it (atomic exchange) and loads consumer_pos for the adaptive
 * rule.
 *
 * <p>r1 = records delivered (1 or 2); r2 = wakeups decided. "1, 0" is the missed wakeup, forbidden
 * by the full fence between publishing consumer_pos and reloading producer_pos.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "missed wakeup: the consumer found nothing more and the producer saw it behind")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the consumer stopped and the producer woke it")
@Outcome(id = {"2, 0", "2, 1"}, expect = ACCEPTABLE, desc = "the consumer saw B committed")
@State
public class MissedWakeupReloadHandshake {
    private static final RecordHandler HANDLER = (buffer, offset, length) -> true;

    private final RingFixture ring = new RingFixture(4096);
    private final RingFixture.CountingNotifier wakeups = new RingFixture.CountingNotifier();
    private final Producer producer = new Producer(ring.view, ring.control, wakeups, null);
    private final Consumer consumer = Consumer.forKernelRing(ring.view, false);

    public MissedWakeupReloadHandshake() {
        producer.submit(producer.reserve(8), 1 /* NO_WAKEUP */);
    }

    @Actor
    public void consumer(II_Result r) {
        r.r1 = consumer.consume(HANDLER);
    }

    @Actor
    public void producer(II_Result r) {
        long b = producer.reserve(8);
        producer.submit(b, 0);
        r.r2 = wakeups.calls;
    }
}
