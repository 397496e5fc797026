/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.base.RecordHandler;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * NEGATIVE CONTROL ONLY — never use outside this module. An overwrite-ring reader without the
 * recheck: it starts at {@code max(consumer_pos, overwrite_pos)}, walks the committed headers
 * with acquire loads, copies the records out and delivers them from the copy, but never re-reads
 * {@code overwrite_pos} after the copy, so a record a producer overwrote during the copy is
 * delivered torn. It exists to show that {@link OverwriteCopyRecheck} can observe that.
 */
final class CopyWithoutRecheck {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final RingView view;
    private final MemorySegment copy;

    CopyWithoutRecheck(RingView view) {
        this.view = view;
        this.copy = Arena.ofAuto().allocate(view.size(), 8);
    }

    void consume(RecordHandler handler) {
        MemorySegment data = view.data();
        long mask = view.mask();
        long prod = (long) LONG.getAcquire(view.producerPage(), 0L);
        long ow = (long) LONG.getAcquire(view.producerPage(), RingLayout.OVERWRITE_POS_OFFSET);
        long cons = (long) LONG.getAcquire(view.consumerPage(), 0L);
        long pos = Math.max(cons, ow);
        long end = pos;
        while (end < prod) {
            int header = (int) INT.getAcquire(data, end & mask);
            if (header < 0) {
                break;
            }
            long len = RingLayout.recordSizeOfHeader(header);
            if (len > prod - end) {
                break;
            }
            end += len;
        }
        if (end == pos) {
            return;
        }
        MemorySegment.copy(data, pos & mask, copy, 0, end - pos);
        for (long at = pos; at < end; ) {
            int header = copy.get(ValueLayout.JAVA_INT, at - pos);
            long len = RingLayout.recordSizeOfHeader(header);
            if (len > end - at) {
                break;
            }
            if (!RingLayout.isDiscarded(header) && header >= 0) {
                handler.onRecord(copy, at - pos + RingLayout.HEADER_SIZE, header & RingLayout.LENGTH_MASK);
            }
            at += len;
        }
        LONG.setRelease(view.consumerPage(), 0L, end);
    }
}
