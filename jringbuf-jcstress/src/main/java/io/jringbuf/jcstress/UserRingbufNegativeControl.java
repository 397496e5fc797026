/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.protocol.UserProducer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * Negative control for {@link UserRingbufConcurrentDrains}: the same state and outcome encoding,
 * but the drains have no busy flag ({@link NoBusyFlagDrainer}). A duplicate delivery (r3 bit 0)
 * is marked interesting: seeing it proves the litmus test can catch what the flag prevents.
 */
@JCStressTest
@Outcome(id = {"3, 0, 0", "0, 3, 0"}, expect = ACCEPTABLE, desc = "the drains happened one after the other")
@Outcome(expect = ACCEPTABLE_INTERESTING, desc = "a sample delivered twice or lost (the bug the busy flag prevents)")
@State
public class UserRingbufNegativeControl {
    private final RingFixture ring = new RingFixture(4096);
    private final NoBusyFlagDrainer drainer1 = new NoBusyFlagDrainer(ring.view);
    private final NoBusyFlagDrainer drainer2 = new NoBusyFlagDrainer(ring.view);
    private final DrainTally tally1 = new DrainTally(UserRingbufConcurrentDrains.LENGTH_OF_TAG);
    private final DrainTally tally2 = new DrainTally(UserRingbufConcurrentDrains.LENGTH_OF_TAG);

    public UserRingbufNegativeControl() {
        UserProducer producer = UserProducer.forKernelRing(ring.view, null);
        for (int tag = 1; tag <= 3; tag++) {
            int length = UserRingbufConcurrentDrains.LENGTH_OF_TAG[tag];
            long offset = producer.reserve(length);
            Payloads.fill(producer.buffer(), offset, length, tag);
            producer.submit(offset);
        }
    }

    @Actor
    public void drain1(III_Result r) {
        r.r1 = drainer1.drain(tally1);
    }

    @Actor
    public void drain2(III_Result r) {
        r.r2 = drainer2.drain(tally2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        DrainTally rest = new DrainTally(UserRingbufConcurrentDrains.LENGTH_OF_TAG);
        drainer1.drain(rest);
        r.r3 = DrainTally.defects(UserRingbufConcurrentDrains.ALL_THREE, tally1, tally2, rest);
    }
}
