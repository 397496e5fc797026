/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.wait.Blocking;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.internal.wait.Waiter;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.wait.FutexEventCount;
import io.jringbuf.internal.wait.FutexWaiter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class UserProducerTest {
    private JvmRing ring;
    private RingView view;

    @BeforeEach
    void setUp() {
        ring = JvmRing.anonymous(RingType.USER_RINGBUF, 4096);
        view = JvmRingInternals.view(ring);
    }

    @AfterEach
    void tearDown() {
        ring.close();
    }

    @Test
    void reserveWritesABusyHeaderAndSubmitClearsIt() {
        UserProducer p = JvmRingInternals.userProducer(ring);
        long off = p.reserve(32);
        assertEquals(8, off);
        assertEquals(32 | RingLayout.BUSY_BIT, RawRing.header(view, 0));
        assertEquals(40, RawRing.producerPos(view));
        p.submit(off);
        assertEquals(32, RawRing.header(view, 0));
        long d = p.reserve(8);
        p.discard(d);
        assertEquals(8 | RingLayout.DISCARD_BIT, RawRing.header(view, 40));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, Integer.MIN_VALUE, 1 << 30, (1 << 30) | 1, Integer.MAX_VALUE, 4096 - 7, 4096})
    void impossibleSizesAreE2bigAndWriteNothing(int size) {
        UserProducer p = JvmRingInternals.userProducer(ring);
        ErrnoException e = assertThrows(ErrnoException.class, () -> p.reserve(size));
        assertEquals(Errno.E2BIG, e.errno());
        assertEquals(0, RawRing.producerPos(view));
        assertEquals(Errno.E2BIG, assertThrows(ErrnoException.class,
                () -> p.reserve(size, Duration.ofDays(1).toNanos())).errno(), "no waiting for the impossible");
    }

    @Test
    void anotherProducerMovingTheProducerPositionIsDetected() {
        UserProducer mine = JvmRingInternals.userProducer(ring);
        UserProducer intruder = new UserProducer(view, Notifier.NONE, null, null);
        intruder.submit(intruder.reserve(8));
        ErrnoException e = assertThrows(ErrnoException.class, () -> mine.reserve(8));
        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(e.getMessage().contains("exactly one producer"), e.getMessage());
        assertEquals(16, RawRing.producerPos(view), "nothing overwritten");
    }

    @Test
    void aSecondProducerWritingAlongsideIsCaughtWithinOneCheckInterval() {
        UserProducer mine = JvmRingInternals.userProducer(ring);
        for (int i = 0; i < 10; i++) {
            mine.submit(mine.reserve(8)); // to 160: the first reservation's check passed
        }
        // Another producer that, like libbpf, takes producer_pos as its truth and writes one
        // sample after each of ours.
        int accepted = 0;
        ErrnoException e = null;
        while (e == null && accepted < 4096 / 16) {
            long theirs = RawRing.producerPos(view);
            RawRing.setProducerPos(view, RawRing.writeLongRecord(view, theirs, 7, 0));
            try {
                mine.submit(mine.reserve(8));
                accepted++;
            } catch (ErrnoException caught) {
                e = caught;
            }
        }
        assertNotNull(e, "a second producer was never noticed");
        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(e.getMessage().contains("exactly one producer"), e.getMessage());
        // Ours went on from 160 in steps of 16 (over the other's samples, which is what the check
        // bounds): the reservation reaching the next 1 KiB block noticed.
        assertEquals((UserProducer.OWNERSHIP_CHECK_INTERVAL - 160) / 16 - 1, accepted);
    }

    @Test
    void corruptPositionsAreEinval() {
        RawRing.setConsumerPos(view, 64); // consumer ahead of producer
        UserProducer p = new UserProducer(view, Notifier.NONE, null, null);
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> p.reserve(8)).errno());
    }

    @Test
    void submittingTwiceIsEinval() {
        UserProducer p = JvmRingInternals.userProducer(ring);
        long off = p.reserve(8);
        p.submit(off);
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> p.submit(off)).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> p.discard(12)).errno());
    }

    @Test
    void submitWakesADrainerParkedAtTheSampleOnly() {
        RawRing.CountingNotifier n = new RawRing.CountingNotifier();
        UserProducer p = new UserProducer(view, n, null, JvmRingInternals.control(ring));
        long a = p.reserve(8);
        long b = p.reserve(8);
        p.submit(b);
        assertEquals(0, n.calls(), "drainer parked at a, not b");
        p.submit(a);
        assertEquals(1, n.calls());
        assertEquals(ProcessHandle.current().pid(), view.data().get(ValueLayout.JAVA_INT, 4), "owner stamped");
    }

    @Test
    void kernelStyleProducerWritesZeroPadding() {
        UserProducer p = new UserProducer(view, Notifier.NONE, null, null);
        view.data().set(ValueLayout.JAVA_INT, 4, 0x5555);
        p.submit(p.reserve(8));
        assertEquals(0, view.data().get(ValueLayout.JAVA_INT, 4));
    }

    @Test
    void reserveBlockingTimesOut() {
        UserProducer p = JvmRingInternals.userProducer(ring);
        p.submit(p.reserve(4096 - 8));
        assertEquals(-1, p.reserve(8, Duration.ofMillis(30).toNanos()));
        assertEquals(-1, p.reserve(8, 0L));
    }

    /**
     * The two libbpf quirks of {@code reserve_blocking}: with timeout -1 it gives up after the
     * first wakeup, and because EPOLLOUT fires whenever the ring is not 100 % full it spins while
     * some but not enough space is free. Ours, with an infinite timeout, takes a wakeup that frees
     * too little, makes exactly one attempt, sleeps again, and succeeds after the next drain.
     */
    @Test
    void reserveBlockingForeverNeitherGivesUpAfterAWakeupNorSpinsOnPartialSpace() throws Exception {
        FutexEventCount space = new FutexEventCount(JvmRingInternals.control(ring).spaceWakeupWord(), false, null);
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch firstSleep = new CountDownLatch(1);
        CountDownLatch secondSleep = new CountDownLatch(1);
        FutexWaiter real = new FutexWaiter(space);
        Waiter counting = new Waiter() {
            @Override
            public long prepareWait() {
                attempts.incrementAndGet();
                return real.prepareWait();
            }

            @Override
            public int await(long token, long nanos) {
                if (firstSleep.getCount() == 0) {
                    secondSleep.countDown();
                }
                firstSleep.countDown();
                return real.await(token, nanos);
            }

            @Override
            public void cancelWait() {
                real.cancelWait();
            }

            @Override
            public void interrupt() {
                real.interrupt();
            }
        };
        UserProducer p = new UserProducer(view, Notifier.NONE, counting, JvmRingInternals.control(ring));
        Drainer d = new Drainer(view, JvmRingInternals.control(ring), space, null);
        for (int i = 0; i < 102; i++) {
            p.submit(p.reserve(32));
        }
        assertEquals(4096 - 102 * 40, p.freeBytes());
        AtomicLong got = new AtomicLong(Long.MIN_VALUE);
        Thread t = new Thread(() -> got.set(p.reserve(200, Blocking.FOREVER)));
        t.start();
        assertTrue(firstSleep.await(10, TimeUnit.SECONDS));
        int before = attempts.get();
        // Free 40 bytes: some space, not the 208 needed.
        assertEquals(1, d.drain((b, o, l) -> false, 0));
        assertTrue(secondSleep.await(10, TimeUnit.SECONDS), "went back to sleep");
        assertTrue(t.isAlive(), "did not give up after the first wakeup");
        assertEquals(before + 1, attempts.get(), "exactly one more attempt for the one wakeup, no spinning");
        // Free everything: now it succeeds.
        d.drain((b, o, l) -> true, 0);
        t.join(30_000);
        assertFalse(t.isAlive());
        assertTrue(got.get() >= 0);
    }

    @Test
    void reserveBlockingIsReleasedByCloseWithinABound() throws Exception {
        UserProducer p = JvmRingInternals.userProducer(ring);
        p.submit(p.reserve(4096 - 8));
        AtomicLong got = new AtomicLong(Long.MIN_VALUE);
        AtomicInteger errno = new AtomicInteger();
        Thread t = new Thread(() -> {
            try {
                got.set(p.reserve(8, Blocking.FOREVER));
            } catch (ErrnoException e) {
                errno.set(e.errno());
            }
        });
        t.start();
        Sleepers.awaitRegistered(JvmRingInternals.control(ring).spaceWakeupWord(), 1);
        ring.close();
        t.join(30_000);
        assertFalse(t.isAlive(), "close woke the blocked producer");
        // Registered but possibly not yet asleep: it either gives up (-1) or its next attempt
        // finds the ring closed (EBADF); both end the wait.
        assertTrue(got.get() == -1 || errno.get() == Errno.EBADF, "got " + got.get() + ", errno " + errno.get());
    }
    @Test
    @DisabledIfSystemProperty(named = "jringbuf.specialize", matches = "always|never",
            disabledReason = "tests the switch from the generic code after use (jringbuf.specialize=auto)")
    void aBusyProducerSwitchesToItsOwnCodeKeepsOrderAndStillCatchesASecondProducer() {
        UserProducer p = JvmRingInternals.userProducer(ring);
        Drainer d = JvmRingInternals.drainer(ring);
        assertFalse(p.isSpecialized(), "a new producer runs the shared code");
        long[] next = {0};
        RecordHandler inOrder = (b, o, l) -> {
            assertEquals(8, l);
            assertEquals(next[0]++, b.get(ValueLayout.JAVA_LONG, o), "sample order and payload");
            return true;
        };
        long total = 3 * UserProducer.SPECIALIZE_AFTER;
        long straddling = -1;
        for (long seq = 0; seq < total; ) {
            for (int k = 0; k < 100 && seq < total; k++) {
                boolean before = p.isSpecialized();
                long off = p.reserve(8);
                assertTrue(off >= 0, "room: the drainer keeps up");
                p.buffer().set(ValueLayout.JAVA_LONG, off, seq++);
                if (!before && p.isSpecialized()) {
                    straddling = seq; // reserved by the shared code, committed by its own
                }
                p.submit(off);
            }
            d.drain(inOrder, RingLayout.NO_WAKEUP);
        }
        assertTrue(p.isSpecialized(), "switched after " + UserProducer.SPECIALIZE_AFTER + " reservations");
        assertEquals(UserProducer.SPECIALIZE_AFTER, straddling, "switched at the threshold, between a reservation and its commit");
        assertEquals(total, next[0], "every sample once, in order, across the switch");
        // The specialised code keeps the shared code's checks: a second producer is caught
        // before the next 1 KiB block, and a double commit is EINVAL.
        ErrnoException e = null;
        for (int i = 0; i < UserProducer.OWNERSHIP_CHECK_INTERVAL / 16 && e == null; i++) {
            // The other producer writes a sample after each of ours, as in the test above.
            d.drain((b, o, l) -> true, RingLayout.NO_WAKEUP);
            long theirs = RawRing.producerPos(view);
            RawRing.setProducerPos(view, RawRing.writeLongRecord(view, theirs, 7, 0));
            try {
                p.submit(p.reserve(8));
            } catch (ErrnoException caught) {
                e = caught;
            }
        }
        assertNotNull(e, "a second producer was never noticed");
        assertEquals(Errno.EBUSY, e.errno());
        ErrnoException twice = assertThrows(ErrnoException.class, () -> p.submit(8));
        assertEquals(Errno.EINVAL, twice.errno());
    }

    @Test
    @DisabledIfSystemProperty(named = "jringbuf.specialize", matches = "always|never",
            disabledReason = "tests the switch from the generic code after use (jringbuf.specialize=auto)")
    void aBusyProducerSwitchesToItsOwnCodeAtTheThresholdAndKeepsEveryCheck() {
        UserProducer p = new UserProducer(view, Notifier.NONE, null, null);
        for (long i = 0; i < UserProducer.SPECIALIZE_AFTER; i++) {
            assertFalse(p.isSpecialized(), "shared code for the first " + UserProducer.SPECIALIZE_AFTER + " reservations");
            long off = p.reserve(8);
            p.buffer().set(ValueLayout.JAVA_LONG, off, i);
            p.submit(off);
        }
        long off = p.reserve(8);
        assertTrue(p.isSpecialized(), "its own code after " + UserProducer.SPECIALIZE_AFTER + " reservations");
        p.submit(off);
        // The specialised code refuses what the shared code refuses.
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> p.submit(off)).errno(), "twice");
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> p.submit(off + 4)).errno(), "unaligned");
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> p.submit(4096 + 8)).errno(), "outside");
        long last;
        do {
            last = p.reserve(8); // a full ring is -1, not an error
            if (last >= 0) {
                p.submit(last);
            }
        } while (last >= 0);
        long pos = RawRing.producerPos(view);
        assertEquals(4096, pos - RawRing.consumerPos(view), "filled to the last byte");
        RawRing.setConsumerPos(view, pos); // a drainer frees everything
        RawRing.setProducerPos(view, RawRing.writeLongRecord(view, pos, 7, 0)); // a second producer writes
        ErrnoException e = assertThrows(ErrnoException.class, () -> p.reserve(8));
        assertEquals(Errno.EBUSY, e.errno(), "the consumer_pos reload of a ring that looked full checks ownership first");
    }
}
