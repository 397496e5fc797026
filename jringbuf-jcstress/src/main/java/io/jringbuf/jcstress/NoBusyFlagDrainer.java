/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.base.RecordHandler;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * NEGATIVE CONTROL ONLY — never use outside this module. A USER_RINGBUF drain loop with the same
 * loads and stores as the real Drainer but without the busy flag, to show that
 * {@link UserRingbufConcurrentDrains} catches two drains delivering the same sample.
 */
final class NoBusyFlagDrainer {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long mask;

    NoBusyFlagDrainer(RingView view) {
        this.consumerPage = view.consumerPage();
        this.producerPage = view.producerPage();
        this.data = view.data();
        this.mask = view.mask();
    }

    /** @return samples delivered */
    int drain(RecordHandler handler) {
        int samples = 0;
        for (;;) {
            long prod = (long) LONG.getAcquire(producerPage, 0L);
            long cons = (long) LONG.getAcquire(consumerPage, 0L);
            if (prod - cons <= 0) {
                return samples;
            }
            int header = (int) INT.getAcquire(data, cons & mask);
            if (header < 0) {
                return samples;
            }
            handler.onRecord(data, (cons & mask) + RingLayout.HEADER_SIZE, RingLayout.payloadLength(header));
            samples++;
            LONG.setRelease(consumerPage, 0L, cons + RingLayout.recordSizeOfHeader(header));
        }
    }
}
