/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * NEGATIVE CONTROL ONLY — never use outside this module. libbpf's consumer loop before the 2026
 * fix ({@code ringbuf_process_ring}): acquire loads of the positions and headers, a release store of consumer_pos
 * per record, and no full fence anywhere. It exists to show that the missed-wakeup litmus tests can
 * observe the missed wakeup that the real Consumer's fence forbids.
 */
final class LibbpfConsumerWithoutFence {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long mask;

    LibbpfConsumerWithoutFence(RingView view) {
        this.consumerPage = view.consumerPage();
        this.producerPage = view.producerPage();
        this.data = view.data();
        this.mask = view.mask();
    }

    /** @return records delivered */
    int consume() {
        int count = 0;
        long cons = (long) LONG.getAcquire(consumerPage, 0L);
        boolean gotNewData;
        do {
            gotNewData = false;
            long prod = (long) LONG.getAcquire(producerPage, 0L);
            while (cons < prod) {
                int header = (int) INT.getAcquire(data, cons & mask);
                if (header < 0) {
                    return count; // BUSY
                }
                gotNewData = true;
                cons += RingLayout.recordSizeOfHeader(header);
                if (!RingLayout.isDiscarded(header)) {
                    count++;
                }
                LONG.setRelease(consumerPage, 0L, cons); // no StoreLoad barrier after this
            }
        } while (gotNewData);
        return count;
    }
}
