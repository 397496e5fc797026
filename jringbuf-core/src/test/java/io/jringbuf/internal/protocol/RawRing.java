/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.format.RingLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;

/** Raw access to a ring's words, for tests that write headers and positions by hand. */
final class RawRing {
    private RawRing() {
    }

    static long consumerPos(RingView v) {
        return v.consumerPage().get(ValueLayout.JAVA_LONG, 0);
    }

    static long producerPos(RingView v) {
        return v.producerPage().get(ValueLayout.JAVA_LONG, 0);
    }

    static void setConsumerPos(RingView v, long pos) {
        v.consumerPage().set(ValueLayout.JAVA_LONG, 0, pos);
    }

    static void setProducerPos(RingView v, long pos) {
        v.producerPage().set(ValueLayout.JAVA_LONG, 0, pos);
    }

    static void setPendingPos(RingView v, long pos) {
        v.producerPage().set(ValueLayout.JAVA_LONG, RingLayout.PENDING_POS_OFFSET, pos);
    }

    static int header(RingView v, long pos) {
        return v.data().get(ValueLayout.JAVA_INT, pos & v.mask());
    }

    /** Writes a header word (length with flag bits) and an owner word at a position. */
    static void writeHeader(RingView v, long pos, int lengthWord, int owner) {
        MemorySegment d = v.data();
        d.set(ValueLayout.JAVA_INT, (pos & v.mask()) + 4, owner);
        d.set(ValueLayout.JAVA_INT, pos & v.mask(), lengthWord);
    }

    /** Writes a committed record with a long payload {@code value} (length 8) and returns the next position. */
    static long writeLongRecord(RingView v, long pos, long value, int flags) {
        v.data().set(ValueLayout.JAVA_LONG, (pos & v.mask()) + 8, value);
        writeHeader(v, pos, 8 | flags, 0);
        return pos + 16;
    }

    /** A notifier that counts its calls. */
    static final class CountingNotifier implements Notifier {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void wakeUp() {
            calls.incrementAndGet();
        }

        int calls() {
            return calls.get();
        }
    }
}
