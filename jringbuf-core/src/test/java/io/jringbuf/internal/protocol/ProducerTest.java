/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.JvmRingInternals;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class ProducerTest {
    private JvmRing ring;

    @AfterEach
    void tearDown() {
        if (ring != null) {
            ring.close();
        }
    }

    private Producer producer(long size, Notifier notifier) {
        ring = JvmRing.anonymous(RingType.RINGBUF, size);
        return new Producer(JvmRingInternals.view(ring), JvmRingInternals.control(ring), notifier, null);
    }

    @Test
    void aRecordOf32BytesOccupies40AndCarriesTheOwnerWhileBusy() {
        Producer p = producer(4096, Notifier.NONE);
        long off = p.reserve(32);
        assertEquals(8, off);
        RingView v = JvmRingInternals.view(ring);
        assertEquals(32 | RingLayout.BUSY_BIT, RawRing.header(v, 0));
        assertEquals(ProcessHandle.current().pid(), v.data().get(ValueLayout.JAVA_INT, 4));
        assertEquals(40, RawRing.producerPos(v));
        p.submit(off, 0);
        assertEquals(32, RawRing.header(v, 0));
        assertEquals(48, p.reserve(1), "next record starts at 40");
        assertEquals(56, RawRing.producerPos(v), "a 1-byte record occupies 16");
    }

    @Test
    void largestPayloadIsSizeMinus16() {
        Producer p = producer(4096, Notifier.NONE);
        long off = p.reserve(4096 - 16);
        assertTrue(off >= 0);
        p.discard(off, 0);
        ErrnoException e = assertThrows(ErrnoException.class, () -> p.reserve(4096 - 15));
        assertEquals(Errno.E2BIG, e.errno());
        assertTrue(e.getMessage().contains("largest record is 4080"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, Integer.MIN_VALUE, 1 << 30, (1 << 30) | 8, Integer.MAX_VALUE, 4096, 4097})
    void impossibleSizesAreRefusedWithE2bigAndNotCountedAsDrops(int size) {
        Producer p = producer(4096, Notifier.NONE);
        assertEquals(Errno.E2BIG, assertThrows(ErrnoException.class, () -> p.reserve(size)).errno());
        assertEquals(0, p.drops());
        assertEquals(0, RawRing.producerPos(JvmRingInternals.view(ring)), "nothing written");
    }

    @Test
    void fullRingFailsWithoutBlockingAndCountsDrops() {
        Producer p = producer(4096, Notifier.NONE);
        int n = 0;
        long off;
        while ((off = p.reserve(24)) >= 0) {
            p.submit(off, RingLayout.NO_WAKEUP);
            n++;
        }
        assertEquals(127, n, "a RINGBUF never fills completely: 127 x 32 of 4096");
        assertEquals(1, p.drops());
        assertEquals(-1, p.reserve(24));
        assertEquals(2, p.drops());
        assertEquals(2, ring.drops(), "visible through the ring too");
        Consumer c = new Consumer(JvmRingInternals.view(ring), false, Notifier.NONE, null);
        assertEquals(1, c.consume((b, o, l) -> true, 1));
        assertTrue(p.reserve(24) >= 0, "space freed by the consumer is reusable");
    }

    @Test
    void aProducerWhoseConsumerPositionIsStaleReloadsItAndNeverOverwritesUnconsumedRecords() {
        // Two Producer objects on one ring, as in two processes: each keeps its own copy of the
        // consumer position.
        Producer a = producer(4096, Notifier.NONE);
        Producer b = new Producer(JvmRingInternals.view(ring), JvmRingInternals.control(ring), Notifier.NONE, null);
        Consumer c = new Consumer(JvmRingInternals.view(ring), false, Notifier.NONE, null);
        a.submit(a.reserve(24), RingLayout.NO_WAKEUP); // a has seen consumer_pos 0
        assertEquals(1, c.consume((buf, o, l) -> true));
        int n = 0;
        long off;
        while ((off = b.reserve(24)) >= 0) {
            b.submit(off, RingLayout.NO_WAKEUP);
            n++;
        }
        assertEquals(127, n, "b filled the ring behind the consumed record");
        assertEquals(-1, a.reserve(24), "a must not reuse space the consumer has not freed");
        assertEquals(32 + 127 * 32, RawRing.producerPos(JvmRingInternals.view(ring)));
        assertEquals(1, c.consume((buf, o, l) -> true, 1));
        assertTrue(a.reserve(24) >= 0, "a sees the freed space after reloading consumer_pos");
    }

    /**
     * From three start positions: 0, just before the ring's end (records cross it), and just
     * before 2^64 (positions wrap). 4 KiB ring: pending_pos is walked once it trails by more than
     * 1 KiB (a quarter of the ring), on to 512 bytes, and always as far as a record needs.
     */
    @ParameterizedTest
    @ValueSource(longs = {0, 4096 - 24, -40})
    void pendingPositionIsWalkedInBatchesAndRefusesExactlyWhereTheKernelDoes(long start) {
        Producer p = producer(4096, Notifier.NONE);
        RingView v = JvmRingInternals.view(ring);
        RawRing.setConsumerPos(v, start);
        RawRing.setProducerPos(v, start);
        RawRing.setPendingPos(v, start);
        p.submit(p.reserve(8), 0); // c at start, committed: the kernel's walk would pass it at once
        long a = p.reserve(8); // start + 16, left BUSY
        p.submit(p.reserve(8), 0); // b at start + 32
        assertEquals(start, pendingPos(v), "trailing by less than 1 KiB: no walk (the kernel's is at a)");
        // A faulty consumer passes the BUSY record a: from here only pending_pos protects it.
        RawRing.setConsumerPos(v, start + 48);
        long prod = start + 48;
        for (;;) {
            long offset = p.reserve(8);
            if (offset < 0) {
                break;
            }
            assertEquals((prod & 4095) + 8, offset);
            p.submit(offset, 0);
            prod += 16;
            assertTrue(prod - pendingPos(v) <= 1024 + 16 || pendingPos(v) == start + 16,
                    "walked once it trailed by more than 1 KiB (up to the BUSY record a)");
        }
        assertEquals(start + 16 + 4096 - 16, prod, "refused exactly when the next record would reach a: "
                + "new producer_pos - a > size - 1");
        assertEquals(start + 16, pendingPos(v), "the walk passed c and stopped at the BUSY record a");
        p.submit(a, 0);
        assertEquals((prod & 4095) + 8, p.reserve(8), "a committed: room again");
        assertEquals(prod - 512, pendingPos(v), "walked past a, on to 512 bytes behind the reservation");
    }

    private static long pendingPos(RingView v) {
        return v.producerPage().get(ValueLayout.JAVA_LONG, RingLayout.PENDING_POS_OFFSET);
    }

    @Test
    void noWakeupNeverWakesForceAlwaysWakesAndWinsOverNoWakeup() {
        RawRing.CountingNotifier n = new RawRing.CountingNotifier();
        Producer p = producer(4096, n);
        p.submit(p.reserve(8), RingLayout.NO_WAKEUP);
        assertEquals(0, n.calls());
        p.submit(p.reserve(8), RingLayout.FORCE_WAKEUP);
        assertEquals(1, n.calls(), "FORCE wakes even though the consumer is behind");
        p.discard(p.reserve(8), RingLayout.FORCE_WAKEUP | RingLayout.NO_WAKEUP);
        assertEquals(2, n.calls(), "FORCE wins over NO_WAKEUP");
    }

    @Test
    void adaptiveWakeupOnlyWhenTheConsumerIsParkedAtTheCommittedRecord() {
        RawRing.CountingNotifier n = new RawRing.CountingNotifier();
        Producer p = producer(4096, n);
        long first = p.reserve(8);
        long second = p.reserve(8);
        p.submit(second, 0);
        assertEquals(0, n.calls(), "consumer parked at the first record: the second is not announced");
        p.submit(first, 0);
        assertEquals(1, n.calls(), "consumer parked exactly at the first record");
        // The consumer is now behind (records committed it has not read): no wakeups.
        p.submit(p.reserve(8), 0);
        assertEquals(1, n.calls());
        new Consumer(JvmRingInternals.view(ring), false, Notifier.NONE, null).consume((b, o, l) -> true);
        p.submit(p.reserve(8), 0);
        assertEquals(2, n.calls(), "caught up again: announced");
    }

    @Test
    void commitOfSomethingNotReservedIsEinvalAndChangesNothing() {
        Producer p = producer(4096, Notifier.NONE);
        long off = p.reserve(8);
        p.submit(off, 0);
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> p.submit(off, 0)).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> p.discard(off, 0)).errno());
        assertEquals(8, RawRing.header(JvmRingInternals.view(ring), 0), "still committed, not discarded");
        for (long bad : new long[] {0, 4, 12, 4096 + 8, -8}) {
            assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> p.submit(bad, 0)).errno(), "offset " + bad);
        }
    }

    @Test
    void unknownFlagsAreEinval() {
        Producer p = producer(4096, Notifier.NONE);
        long off = p.reserve(8);
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> p.submit(off, 4)).errno());
        assertTrue(RingLayout.isBusy(RawRing.header(JvmRingInternals.view(ring), 0)), "not committed by the refused call");
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> p.output(new byte[8], 8)).errno());
        assertEquals(16, RawRing.producerPos(JvmRingInternals.view(ring)), "output with bad flags reserved nothing");
    }

    @Test
    void outputCopiesAndCommits() {
        Producer p = producer(4096, Notifier.NONE);
        assertTrue(p.output(new byte[] {1, 2, 3}, 0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(16);
            src.set(ValueLayout.JAVA_LONG, 8, 0x0102030405060708L);
            assertTrue(p.output(src, 8, 8, 0));
        }
        List<byte[]> got = new ArrayList<>();
        new Consumer(JvmRingInternals.view(ring), false, Notifier.NONE, null).consume(RecordHandler.copying(got::add));
        assertArrayEquals(new byte[] {1, 2, 3}, got.get(0));
        assertEquals(0x0102030405060708L, MemorySegment.ofArray(got.get(1)).get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
    }

    @Test
    void outputIntoAFullRingReturnsFalseAndCountsADrop() {
        Producer p = producer(4096, Notifier.NONE);
        assertTrue(p.output(new byte[4080], 0));
        assertFalse(p.output(new byte[8], 0));
        assertEquals(1, p.drops());
    }

    @Test
    void queryReportsPositionsSizeAndAvailableData() {
        Producer p = producer(8192, Notifier.NONE);
        p.submit(p.reserve(32), 0);
        p.discard(p.reserve(32), 0);
        p.submit(p.reserve(32), 0);
        assertEquals(120, p.query(RingLayout.QUERY_AVAIL_DATA));
        assertEquals(8192, p.query(RingLayout.QUERY_RING_SIZE));
        assertEquals(0, p.query(RingLayout.QUERY_CONS_POS));
        assertEquals(120, p.query(RingLayout.QUERY_PROD_POS));
        assertEquals(0, p.query(99), "unknown selector reads 0, as in the kernel");
    }

    @Test
    void blockingReserveWaitsForTheConsumerToFreeSpace() throws Exception {
        ring = JvmRing.anonymous(RingType.RINGBUF, 4096);
        Producer p = JvmRingInternals.producer(ring);
        Consumer c = JvmRingInternals.consumer(ring);
        assertTrue(p.output(new byte[4000], 0));
        AtomicLong result = new AtomicLong(Long.MIN_VALUE);
        Thread t = new Thread(() -> result.set(p.reserve(2000, Duration.ofSeconds(30).toNanos())));
        t.start();
        // It cannot succeed before the consumer frees space; consuming frees it and wakes it.
        assertEquals(1, c.consume((b, o, l) -> true));
        t.join(30_000);
        assertFalse(t.isAlive(), "woken by the consumer");
        assertTrue(result.get() >= 0);
        assertEquals(0, p.drops());
    }

    @Test
    void blockingReserveTimesOutAsOneDrop() {
        ring = JvmRing.anonymous(RingType.RINGBUF, 4096);
        Producer p = JvmRingInternals.producer(ring);
        assertTrue(p.output(new byte[4000], 0));
        assertEquals(-1, p.reserve(2000, Duration.ofMillis(30).toNanos()));
        assertEquals(1, p.drops());
    }

    @Test
    void aLiveLockHolderIsNeverOvertakenAndTheReservationFailsAfterTheTimeout() {
        Producer p = producer(4096, Notifier.NONE);
        RingControl control = JvmRingInternals.control(ring);
        assertTrue(control.lockReservation(), "held by this process, as if by another thread");
        try {
            assertEquals(-1, p.reserve(8), "the lock times out like the kernel's resilient spinlock");
            assertEquals(1, p.drops());
            assertEquals(0, control.recoveries());
        } finally {
            control.unlockReservation();
        }
        assertTrue(p.reserve(8) >= 0);
    }
    @Test
    @DisabledIfSystemProperty(named = "jringbuf.specialize", matches = "always|never",
            disabledReason = "tests the switch from the generic code after use (jringbuf.specialize=auto)")
    void aBusyProducerSwitchesToItsOwnCodeAndInteroperatesWithTheSharedOne() {
        Producer p = producer(4096, Notifier.NONE);
        Producer other = new Producer(JvmRingInternals.view(ring), JvmRingInternals.control(ring), Notifier.NONE, null);
        Consumer c = new Consumer(JvmRingInternals.view(ring), false, Notifier.NONE, null);
        assertFalse(p.isSpecialized(), "a new producer runs the shared code");
        long[] next = {0};
        RecordHandler inOrder = (b, o, l) -> {
            assertEquals(8, l);
            assertEquals(next[0]++, b.get(ValueLayout.JAVA_LONG, o), "record order and payload");
            return true;
        };
        long total = 3 * Producer.SPECIALIZE_AFTER;
        long seq = 0;
        long straddling = -1;
        long reservations = 0;
        while (seq < total) {
            for (int k = 0; k < 50 && seq < total; k++) {
                boolean before = p.isSpecialized();
                long off = p.reserve(8);
                reservations++;
                assertTrue(off >= 0, "room: the consumer keeps up");
                p.buffer().set(ValueLayout.JAVA_LONG, off, seq++);
                if (!before && p.isSpecialized()) {
                    straddling = reservations; // reserved by the shared code, committed by its own
                }
                p.submit(off, RingLayout.NO_WAKEUP);
            }
            // Another producer of the same ring, still on the shared code, between them.
            long off = other.reserve(8);
            other.buffer().set(ValueLayout.JAVA_LONG, off, seq++);
            other.submit(off, RingLayout.NO_WAKEUP);
            c.consume(inOrder);
        }
        assertTrue(p.isSpecialized(), "switched after " + Producer.SPECIALIZE_AFTER + " reservations");
        assertEquals(Producer.SPECIALIZE_AFTER, straddling,
                "switched at the threshold, between that reservation and its commit");
        assertFalse(other.isSpecialized(), "the switch is per producer");
        assertEquals(seq, next[0], "every record once, in order, across the switch");
        assertEquals(0, p.drops());
        // The specialised code keeps the shared code's checks.
        assertThrows(ErrnoException.class, () -> p.submit(8, 0), "committing a committed record");
        ErrnoException e = assertThrows(ErrnoException.class, () -> p.reserve(4096));
        assertEquals(Errno.E2BIG, e.errno());
    }
}
