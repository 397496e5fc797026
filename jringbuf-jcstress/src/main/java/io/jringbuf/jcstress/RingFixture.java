/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.protocol.RingControl;
import io.jringbuf.internal.format.RingView;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Ring memory for one litmus state: plain native memory (no double mapping; the tests' records
 * never straddle the end), a control block, and a notifier that counts the wakeup decisions of the
 * real producer code.
 */
final class RingFixture {
    final RingView view;
    final RingControl control;

    RingFixture(long size) {
        Arena arena = Arena.ofAuto();
        MemorySegment consumerPage = arena.allocate(64, 64);
        MemorySegment producerPage = arena.allocate(64, 64);
        MemorySegment data = arena.allocate(2 * size, 64);
        this.view = new RingView(consumerPage, producerPage, data, size);
        this.control = new RingControl(arena.allocate(RingControl.SIZE, 64));
    }

    /** Counts the producer's "wake the consumer" decisions (called from one actor only). */
    static final class CountingNotifier implements Notifier {
        int calls;

        @Override
        public void wakeUp() {
            calls++;
        }
    }
}
