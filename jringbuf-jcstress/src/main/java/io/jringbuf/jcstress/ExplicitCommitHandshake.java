/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.base.RecordHandler;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.protocol.Producer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The missed-wakeup handshake of explicit commit, over the real Consumer and Producer: record A
 * was read ahead and not committed. The reader commits A (consumer_pos moves to where B will be)
 * and reads again; concurrently the producer reserves and commits B and loads consumer_pos for the
 * adaptive rule. r1 = records the reader found (0 or 1), r2 = wakeups decided. "0, 0" is the
 * missed wakeup: the reader found nothing and the producer saw it behind, so nobody wakes it. The
 * full fence in {@code Consumer.commit} forbids it; the negative control commits without it.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "missed wakeup: the reader found nothing and the producer saw it behind")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the reader found nothing and the producer woke it")
@Outcome(id = {"1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "the reader found B")
@State
public class ExplicitCommitHandshake {
    static final RecordHandler HANDLER = (buffer, offset, length) -> true;

    private final RingFixture ring = new RingFixture(4096);
    private final RingFixture.CountingNotifier wakeups = new RingFixture.CountingNotifier();
    private final Producer producer = new Producer(ring.view, ring.control, wakeups, null);
    private final Consumer reader = Consumer.forKernelRing(ring.view, false);

    public ExplicitCommitHandshake() {
        producer.submit(producer.reserve(8), 1 /* NO_WAKEUP */);
        reader.read(HANDLER, Integer.MAX_VALUE); // A, read ahead
    }

    @Actor
    public void reader(II_Result r) {
        reader.commit(reader.readPosition());
        r.r1 = reader.read(HANDLER, Integer.MAX_VALUE);
    }

    @Actor
    public void producer(II_Result r) {
        producer.submit(producer.reserve(8), 0);
        r.r2 = wakeups.calls;
    }

    /** The same, with a commit that stores consumer_pos and does not fence. */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE_INTERESTING, desc = "missed wakeup (the bug the fence prevents)")
    @Outcome(id = {"0, 1", "1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "handshake completed")
    @State
    public static class NegativeControl {
        private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

        private final RingFixture ring = new RingFixture(4096);
        private final RingFixture.CountingNotifier wakeups = new RingFixture.CountingNotifier();
        private final Producer producer = new Producer(ring.view, ring.control, wakeups, null);
        private final Consumer reader = Consumer.forKernelRing(ring.view, false);

        public NegativeControl() {
            producer.submit(producer.reserve(8), 1);
            reader.read(HANDLER, Integer.MAX_VALUE);
        }

        @Actor
        public void reader(II_Result r) {
            LONG.setRelease(ring.view.consumerPage(), 0L, reader.readPosition()); // no fence
            r.r1 = reader.read(HANDLER, Integer.MAX_VALUE);
        }

        @Actor
        public void producer(II_Result r) {
            producer.submit(producer.reserve(8), 0);
            r.r2 = wakeups.calls;
        }
    }
}
