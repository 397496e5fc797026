/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
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
 * The Drainer's busy flag: two real Drainers (two "BPF programs") drain the same USER_RINGBUF
 * ring at once. Three samples are committed beforehand.
 *
 * <p>r1, r2 = what each drain returned: the number of samples it delivered, or -1 for
 * {@link ErrnoException} EBUSY (-2 for any other exception); r3 = defects after the arbiter
 * drained what was left: bit 0 a sample delivered twice, bit 1 a sample lost, bit 2 a torn one.
 * One drain takes all three; the other either ran into the busy flag (EBUSY) or came after it
 * and found nothing.
 */
@JCStressTest
@Outcome(id = {"3, -1, 0", "-1, 3, 0"}, expect = ACCEPTABLE, desc = "one drain delivered all, the other got EBUSY")
@Outcome(id = {"3, 0, 0", "0, 3, 0"}, expect = ACCEPTABLE, desc = "one drain delivered all, the other came after and found nothing")
@Outcome(expect = FORBIDDEN, desc = "a sample delivered twice or lost, a split drain, or an unexpected exception")
@State
public class UserRingbufConcurrentDrains {
    static final int[] LENGTH_OF_TAG = {0, 12, 12, 12};
    static final boolean[] ALL_THREE = {false, true, true, true};

    private final RingFixture ring = new RingFixture(4096);
    private final Drainer drainer1 = new Drainer(ring.view, ring.control, Notifier.NONE, null);
    private final Drainer drainer2 = new Drainer(ring.view, ring.control, Notifier.NONE, null);
    private final DrainTally tally1 = new DrainTally(LENGTH_OF_TAG);
    private final DrainTally tally2 = new DrainTally(LENGTH_OF_TAG);

    public UserRingbufConcurrentDrains() {
        UserProducer producer = UserProducer.forKernelRing(ring.view, null);
        for (int tag = 1; tag <= 3; tag++) {
            long offset = producer.reserve(LENGTH_OF_TAG[tag]);
            Payloads.fill(producer.buffer(), offset, LENGTH_OF_TAG[tag], tag);
            producer.submit(offset);
        }
    }

    @Actor
    public void drain1(III_Result r) {
        r.r1 = drain(drainer1, tally1);
    }

    @Actor
    public void drain2(III_Result r) {
        r.r2 = drain(drainer2, tally2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        DrainTally rest = new DrainTally(LENGTH_OF_TAG);
        drainer1.drain(rest, 0);
        r.r3 = DrainTally.defects(ALL_THREE, tally1, tally2, rest);
    }

    static int drain(Drainer drainer, DrainTally tally) {
        try {
            return drainer.drain(tally, 0);
        } catch (ErrnoException e) {
            return e.errno() == Errno.EBUSY ? -1 : -2;
        } catch (RuntimeException e) {
            return -2;
        }
    }
}
