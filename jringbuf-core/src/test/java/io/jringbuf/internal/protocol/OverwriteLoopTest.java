/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.JvmRing;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.Errno;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.format.RingFileDescriptor;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The overwrite reader as a kernel map gets it ({@link Consumer#forKernelRing(RingView, boolean,
 * boolean)}: no record counts), run over a JVM overwrite ring's memory, since this machine's
 * kernel (6.18) refuses {@code BPF_F_RB_OVERWRITE}: the same loop, without the counts.
 */
class OverwriteLoopTest {

    @Test
    void theKernelFormReadsTheNewestRecordsAndLeavesTheRestOfTheConsumerPageAlone() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096, JvmRing.OVERWRITE)) {
            Producer p = JvmRingInternals.producer(ring);
            RingView v = JvmRingInternals.view(ring);
            for (long i = 0; i < 1000; i++) {
                long off = p.reserve(8);
                p.buffer().set(ValueLayout.JAVA_LONG, off, i);
                p.submit(off, RingLayout.NO_WAKEUP);
            }
            Consumer kernelForm = Consumer.forKernelRing(v, false, true);
            assertEquals(-1, kernelForm.lostRecords(), "a kernel ring keeps no count");
            List<Long> got = new ArrayList<>();
            assertEquals(255, kernelForm.consume((b, o, l) -> got.add(b.get(ValueLayout.JAVA_LONG, o))));
            assertEquals(999L, got.getLast());
            assertEquals(745L, got.getFirst());
            assertEquals(RawRing.producerPos(v), RawRing.consumerPos(v));
            assertEquals(0, v.consumerPage().get(ValueLayout.JAVA_LONG, 8), "no count written into the kernel's page");
            assertEquals(0, v.consumerPage().get(ValueLayout.JAVA_LONG, 16));
        }
    }

    @Test
    @Timeout(10) // not a hang: the reader's patience is 1 ms
    void aSequenceLeftOddByADeadProducerNeitherHangsTheReaderNorMakesItGuessAndIsRepairedByTheNextReservation() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096, JvmRing.OVERWRITE)) {
            Producer p = JvmRingInternals.producer(ring);
            RingView v = JvmRingInternals.view(ring);
            for (long i = 0; i < 300; i++) {
                p.submit(p.reserve(8), RingLayout.NO_WAKEUP);
            }
            long seq = v.producerPage().get(ValueLayout.JAVA_LONG, RingFileDescriptor.OVERWRITE_SEQUENCE_OFFSET);
            assertEquals(0, seq & 1);
            // A producer that died between its odd and even sequence stores.
            v.producerPage().set(ValueLayout.JAVA_LONG, RingFileDescriptor.OVERWRITE_SEQUENCE_OFFSET, seq + 1);
            Consumer c = JvmRingInternals.consumer(ring);
            // Not a hang, and no guess: the call ends after its patience without moving or counting
            // (a half-written pair would count wrong).
            assertEquals(0, c.consume((b, o, l) -> true), "nothing read while the pair is not readable");
            assertEquals(0, c.lostRecords(), "nothing counted from a pair that may be half-written");
            assertEquals(0, RawRing.consumerPos(v), "not moved");
            // The next overwriting reservation repairs the word; then the reader goes on, exactly.
            p.submit(p.reserve(8), RingLayout.NO_WAKEUP);
            assertEquals(0, v.producerPage().get(ValueLayout.JAVA_LONG, RingFileDescriptor.OVERWRITE_SEQUENCE_OFFSET) & 1);
            assertEquals(255, c.consume((b, o, l) -> true));
            assertEquals(46, c.lostRecords(), "301 written, the newest 255 read");
        }
    }

    @Test
    void corruptPositionsAreEinvalNotAHang() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096, JvmRing.OVERWRITE)) {
            RingView v = JvmRingInternals.view(ring);
            Consumer c = Consumer.forKernelRing(v, false, true);
            RawRing.setProducerPos(v, 12); // not a multiple of 8
            ErrnoException e = assertThrows(ErrnoException.class, () -> c.consume((b, o, l) -> true));
            assertEquals(Errno.EINVAL, e.errno());
            RawRing.setProducerPos(v, 64);
            RawRing.writeHeader(v, 0, 4000, 0); // claims more than was published
            e = assertThrows(ErrnoException.class, () -> c.consume((b, o, l) -> true));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().contains("corrupt record"), e.getMessage());
        }
    }
}
