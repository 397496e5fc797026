/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;

import java.lang.invoke.VarHandle;
import java.lang.foreign.ValueLayout;

/**
 * NEGATIVE CONTROL, test code only: libbpf's consumer loop before the 2026 fix — acquire loads and
 * a release store of the consumer position, but no full fence between that store and the next
 * producer-position load, also none before the early return at the bound. Used to show that the
 * missed-wakeup test can see the missed wakeup the fence prevents.
 */
final class FencelessConsumer {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final RingView view;
    private final long mask;

    FencelessConsumer(RingView view) {
        this.view = view;
        this.mask = view.size() - 1;
    }

    /** Delivers at most {@code n} records' first 8 bytes to {@code sink}; returns the count. */
    int consume(int n, java.util.function.LongConsumer sink) {
        int count = 0;
        long cons = (long) LONG.getAcquire(view.consumerPage(), 0L);
        for (;;) {
            boolean progress = false;
            long prod = (long) LONG.getAcquire(view.producerPage(), 0L);
            while (cons < prod) {
                int header = (int) INT.getAcquire(view.data(), cons & mask);
                if (RingLayout.isBusy(header)) {
                    break;
                }
                long rec = RingLayout.recordSizeOfHeader(header);
                if (!RingLayout.isDiscarded(header)) {
                    sink.accept(view.data().get(ValueLayout.JAVA_LONG, (cons & mask) + 8));
                    count++;
                }
                cons += rec;
                LONG.setRelease(view.consumerPage(), 0L, cons); // no fullFence after this store
                progress = true;
                if (count >= n) {
                    return count; // early return: no fence either
                }
            }
            if (!progress) {
                return count;
            }
        }
    }
}
