/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.process;

import io.jringbuf.base.RecordHandler;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks {@link ProducerProcess} records: each producer's sequence numbers arrive exactly once and
 * in order (0, 1, 2, ...), with the right length and check word. Allocates nothing per record; the
 * first violation is kept and reported by {@link #assertClean()}. Used by one consuming thread;
 * {@link #received()} may be read from others.
 */
final class SequenceChecker implements RecordHandler {
    private final long[] next;
    private volatile long received;
    private volatile String error;
    private long switches;
    private int lastProducer = -1;
    private final long signalAt;
    private final CountDownLatch signal = new CountDownLatch(1);

    /** @param producers producer ids are 0..producers-1 */
    SequenceChecker(int producers) {
        this(producers, -1);
    }

    /** @param signalAt {@link #reached()} opens once this many records arrived */
    SequenceChecker(int producers, long signalAt) {
        this.next = new long[producers];
        this.signalAt = signalAt;
    }

    @Override
    public boolean onRecord(MemorySegment buffer, long offset, int length) {
        if (error != null) {
            return true;
        }
        int producer = buffer.get(ValueLayout.JAVA_INT, offset);
        long seq = buffer.get(ValueLayout.JAVA_LONG, offset + 8);
        long check = buffer.get(ValueLayout.JAVA_LONG, offset + 16);
        if (length != ProducerProcess.PAYLOAD || producer < 0 || producer >= next.length) {
            error = "record " + received + ": length " + length + ", producer " + producer;
        } else if (check != ProducerProcess.check(producer, seq)) {
            error = "record " + received + ": producer " + producer + " seq " + seq + ": torn payload (check word "
                    + Long.toHexString(check) + ")";
        } else if (seq != next[producer]) {
            error = "producer " + producer + ": expected seq " + next[producer] + ", got " + seq
                    + (seq < next[producer] ? " (duplicate or reordered)" : " (gap)");
        } else {
            next[producer] = seq + 1;
            if (producer != lastProducer) {
                switches++;
                lastProducer = producer;
            }
            long r = received + 1;
            received = r; // single writer
            if (r == signalAt) {
                signal.countDown();
            }
        }
        return true;
    }

    long received() {
        return received;
    }

    /** @return the number of records received from {@code producer} (its next expected seq) */
    long receivedFrom(int producer) {
        return next[producer];
    }

    /** @return how often consecutive records came from different producers */
    long switches() {
        return switches;
    }

    /** @return a latch that opens when {@code signalAt} records arrived */
    CountDownLatch reached() {
        return signal;
    }

    void assertClean() {
        String e = error;
        if (e != null) {
            fail(e);
        }
    }
}
