/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.internal.protocol.Drainer;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.protocol.UserProducer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The real UserProducer against the real Drainer at the full/empty boundary. A 64-byte
 * USER_RINGBUF ring is filled exactly by two committed 24-byte samples (32-byte records, no free
 * byte). Concurrently the producer tries to reserve a third 32-byte record, which can only go
 * where the first sample is (offset 0, the ring wraps) once the drainer has consumed it, fills it
 * and submits it; the drainer drains once. The arbiter drains what is left.
 *
 * <p>r1 = 1 if the producer got the space (0: the ring was still full, -2: an exception);
 * r2 = samples the concurrent drain delivered (-2: an exception); r3 = defects: bit 0 a sample
 * delivered twice, bit 1 a committed sample lost (overwritten before it was drained), bit 2 a
 * torn sample (the drainer read bytes of the new sample under an old header, or a half-written
 * new sample).
 */
@JCStressTest
@Outcome(id = "0, 2, 0", expect = ACCEPTABLE, desc = "the producer found the ring full")
@Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "the producer reused the drained space; the drain stopped before its sample")
@Outcome(id = "1, 3, 0", expect = ACCEPTABLE, desc = "the producer reused the drained space; the drain delivered its sample too")
@Outcome(expect = FORBIDDEN, desc = "an undrained sample overwritten, a half-written sample read, or an exception")
@State
public class UserRingbufFullBoundary {
    private static final int[] LENGTH_OF_TAG = {0, 24, 24, 24};

    private final RingFixture ring = new RingFixture(64);
    private final UserProducer producer = UserProducer.forKernelRing(ring.view, null);
    private final Drainer drainer = new Drainer(ring.view, ring.control, Notifier.NONE, null);
    private final DrainTally tally = new DrainTally(LENGTH_OF_TAG);
    private boolean reserved;

    public UserRingbufFullBoundary() {
        for (int tag = 1; tag <= 2; tag++) {
            long offset = producer.reserve(LENGTH_OF_TAG[tag]);
            Payloads.fill(producer.buffer(), offset, LENGTH_OF_TAG[tag], tag);
            producer.submit(offset);
        }
    }

    @Actor
    public void producer(III_Result r) {
        try {
            long offset = producer.reserve(LENGTH_OF_TAG[3]);
            if (offset >= 0) {
                Payloads.fill(producer.buffer(), offset, LENGTH_OF_TAG[3], 3);
                producer.submit(offset);
                reserved = true;
                r.r1 = 1;
            } else {
                r.r1 = 0;
            }
        } catch (RuntimeException e) {
            r.r1 = -2;
        }
    }

    @Actor
    public void drainer(III_Result r) {
        r.r2 = UserRingbufConcurrentDrains.drain(drainer, tally);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        DrainTally rest = new DrainTally(LENGTH_OF_TAG);
        UserRingbufConcurrentDrains.drain(drainer, rest);
        r.r3 = DrainTally.defects(new boolean[] {false, true, true, reserved}, tally, rest);
    }
}
