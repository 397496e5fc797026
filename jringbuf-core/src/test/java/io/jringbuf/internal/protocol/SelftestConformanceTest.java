/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.wait.Blocking;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The kernel selftests' assertions ({@code prog_tests/ringbuf.c}, {@code ringbuf_multi.c}, {@code user_ringbuf.c}) against JVM rings, where Java plays
 * the BPF program's part. The same assertions against real kernel maps live with the kernel
 * tests. Finer, role-level behaviour is in the role test classes.
 */
class SelftestConformanceTest {

    /** prog_tests/ringbuf.c, with the BPF program of progs/test_ringbuf.c played by a Producer. */
    @Nested
    class Ringbuf {
        private static final RuntimeException SENTINEL = new RuntimeException("EDONE (the callback's -7777)");

        /** One trigger of the test program: a 32-byte sample; odd ones are re-sent with output and the reservation discarded. */
        private final class Program {
            final Producer producer;
            long seq;
            long total;
            long discarded;
            long dropped;
            int flags;
            long availData;
            long ringSize;
            long consPos;
            long prodPos;

            Program(Producer producer) {
                this.producer = producer;
            }

            void trigger(long value) {
                long off = producer.reserve(32);
                if (off < 0) {
                    dropped++;
                    return;
                }
                MemorySegment b = producer.buffer();
                b.set(ValueLayout.JAVA_INT, off, (int) ProcessHandle.current().pid());
                b.set(ValueLayout.JAVA_LONG, off + 8, seq);
                b.set(ValueLayout.JAVA_LONG, off + 16, value);
                total++;
                if (seq++ % 2 == 0) {
                    producer.submit(off, flags);
                } else {
                    boolean copied = producer.output(b, off, 32, flags);
                    assertTrue(copied);
                    producer.discard(off, flags);
                    discarded++;
                }
                availData = producer.query(RingLayout.QUERY_AVAIL_DATA);
                ringSize = producer.query(RingLayout.QUERY_RING_SIZE);
                consPos = producer.query(RingLayout.QUERY_CONS_POS);
                prodPos = producer.query(RingLayout.QUERY_PROD_POS);
            }

            void triggerTwo() {
                trigger(333);
                trigger(777);
            }
        }

        private static long seqOf(MemorySegment b, long o) {
            return b.get(ValueLayout.JAVA_LONG, o + 8);
        }

        @Test
        void twoTriggersQueryValuesHandlerErrorAndNotificationSemantics() throws Exception {
            try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
                Program prog = new Program(JvmRingInternals.producer(ring));
                Consumer consumer = JvmRingInternals.consumer(ring);
                AtomicInteger samples = new AtomicInteger();
                List<Long> values = new ArrayList<>();
                RecordHandler handler = (b, o, l) -> {
                    assertEquals(32, l);
                    samples.incrementAndGet();
                    long seq = seqOf(b, o);
                    if (seq == 0) {
                        values.add(b.get(ValueLayout.JAVA_LONG, o + 16));
                    } else if (seq == 1) {
                        values.add(b.get(ValueLayout.JAVA_LONG, o + 16));
                        throw SENTINEL;
                    }
                    return true;
                };

                prog.triggerTwo();
                assertEquals(3 * 40, prog.availData, "2 submitted + 1 discarded, 40 bytes each");
                assertEquals(4096, prog.ringSize);
                assertEquals(0, prog.consPos);
                assertEquals(120, prog.prodPos);
                assertEquals(120, consumer.availableBytes());
                assertEquals(4096, consumer.size());
                assertEquals(0, consumer.consumerPosition());
                assertEquals(120, consumer.producerPosition());

                RuntimeException e = assertThrows(RuntimeException.class, () -> ring.reader().poll(handler));
                assertSame(SENTINEL, e);
                assertEquals(2, samples.get());
                assertEquals(List.of(333L, 777L), values);
                assertEquals(0, ring.reader().poll(handler, Duration.ZERO), "nothing left");
                assertEquals(0, prog.dropped);
                assertEquals(2, prog.total);
                assertEquals(1, prog.discarded);

                // Second round: the producer sees the consumer position; poll delivers both.
                samples.set(0);
                prog.triggerTwo();
                assertEquals(120, prog.consPos);
                assertEquals(2, ring.reader().poll(handler));
                assertEquals(2, samples.get());

                // Notification semantics with a poll blocked in another thread.
                samples.set(0);
                AtomicInteger bgResult = new AtomicInteger(-1);
                Thread bg = new Thread(() -> bgResult.set(ring.reader().poll(handler, Duration.ofSeconds(10))));
                bg.start();
                Sleepers.awaitRegistered(JvmRingInternals.control(ring).dataWakeupWord(), 1);
                long wakeupsBefore = ring.wakeups();

                prog.flags = RingLayout.NO_WAKEUP;
                prog.triggerTwo();
                bg.join(50); // bounded look, as the selftest's tryjoin after a short pause
                assertTrue(bg.isAlive(), "NO_WAKEUP: the poller stays blocked");
                assertEquals(wakeupsBefore, ring.wakeups(), "no wakeup was sent");
                assertEquals(120, prog.availData);

                prog.flags = 0;
                prog.triggerTwo();
                bg.join(50);
                assertTrue(bg.isAlive(), "adaptive while the consumer is behind: still blocked");
                assertEquals(wakeupsBefore, ring.wakeups());

                prog.flags = RingLayout.FORCE_WAKEUP;
                prog.triggerTwo();
                bg.join(10_000);
                assertFalse(bg.isAlive(), "FORCE_WAKEUP: the poller returned");
                assertTrue(bgResult.get() > 0);
                assertTrue(ring.wakeups() > wakeupsBefore);

                consumer.consume(handler); // leftovers, if the woken poll raced with the last trigger
                assertEquals(6, samples.get(), "3 rounds, 2 samples each");
            }
        }

        /** ringbuf_n: 32 records, consume(4) returns exactly 4, eight times. */
        @Test
        void consumeFourAtATimeOutOfThirtyTwo() {
            try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
                Producer p = JvmRingInternals.producer(ring);
                for (int i = 0; i < 32; i++) {
                    assertTrue(p.output(new byte[] {(byte) i}, 0));
                }
                Consumer c = JvmRingInternals.consumer(ring);
                AtomicInteger next = new AtomicInteger();
                for (int round = 0; round < 8; round++) {
                    assertEquals(4, c.consume((b, o, l) -> {
                        assertEquals(next.getAndIncrement(), b.get(ValueLayout.JAVA_BYTE, o));
                        return true;
                    }, 4));
                }
                assertEquals(0, c.consume((b, o, l) -> true, 4));
            }
        }

        /**
         * ringbuf_write (the 2024 overrun fix, cfa1a2329a69): user space moves consumer_pos to
         * 0x30000 in a 0x40000 ring; two 0x30000 reservations: the second must fail because it
         * would overlap the first, still BUSY.
         */
        @Test
        void aReservationNeverOverlapsABusyRecordEvenWithAMovedConsumerPosition() {
            try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 0x40000)) {
                RawRing.setConsumerPos(JvmRingInternals.view(ring), 0x30000);
                Producer p = JvmRingInternals.producer(ring);
                int passed = 0;
                int discarded = 0;
                for (int trigger = 0; trigger < 2; trigger++) {
                    long first = p.reserve(0x30000);
                    if (first < 0) {
                        continue;
                    }
                    long second = p.reserve(0x30000);
                    if (second >= 0) {
                        passed++;
                        p.buffer().set(ValueLayout.JAVA_LONG, second, 0xdead); // would clobber the first
                        p.discard(second, 0);
                    }
                    p.discard(first, 0);
                    discarded++;
                }
                assertEquals(0, passed);
                assertEquals(2, discarded);
            }
        }
    }

    /** prog_tests/user_ringbuf.c, with bpf_user_ringbuf_drain played by a Drainer. */
    @Nested
    class UserRingbuf {
        private static final int SIZE = 4096;

        private final JvmRing ring = JvmRing.anonymous(RingType.USER_RINGBUF, SIZE);
        private final RingView view = JvmRingInternals.view(ring);

        private int drainAll(Drainer d) {
            return d.drain((b, o, l) -> true, 0);
        }

        @org.junit.jupiter.api.AfterEach
        void close() {
            ring.close();
        }

        @Test
        void postMisalignedIsEinvalAndReadsNothing() {
            RawRing.writeHeader(view, 0, 39, 0);
            RawRing.setProducerPos(view, 47);
            AtomicInteger read = new AtomicInteger();
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> JvmRingInternals.drainer(ring).drain((b, o, l) -> read.incrementAndGet() > 0, 0));
            assertEquals(Errno.EINVAL, e.errno());
            assertEquals(0, read.get());
        }

        @Test
        void postProducerWrongOffsetIsEinval() {
            RawRing.writeHeader(view, 0, 32, 0);
            RawRing.setProducerPos(view, 32); // the record needs 40
            assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> drainAll(JvmRingInternals.drainer(ring))).errno());
        }

        @Test
        void postLargerThanRingbufSizeIsE2big() {
            RawRing.writeHeader(view, 0, SIZE, 0);
            RawRing.setProducerPos(view, SIZE + 8);
            assertEquals(Errno.E2BIG, assertThrows(ErrnoException.class, () -> drainAll(JvmRingInternals.drainer(ring))).errno());
        }

        @Test
        void basic() {
            UserProducer p = JvmRingInternals.userProducer(ring);
            p.submit(p.reserve(32));
            p.submit(p.reserve(32));
            assertEquals(2, drainAll(JvmRingInternals.drainer(ring)));
        }

        @Test
        void sampleFullRingBuffer() {
            UserProducer p = JvmRingInternals.userProducer(ring);
            long off = p.reserve(SIZE - 8);
            assertTrue(off >= 0, "exactly the whole ring");
            assertEquals(-1, p.reserve(0), "now completely full");
            p.submit(off);
            assertEquals(1, drainAll(JvmRingInternals.drainer(ring)));
        }

        @Test
        void postAlignmentAutoadjust() {
            UserProducer p = JvmRingInternals.userProducer(ring);
            p.submit(p.reserve(33));
            assertEquals(48, p.producerPosition());
            AtomicInteger len = new AtomicInteger();
            assertEquals(1, JvmRingInternals.drainer(ring).drain((b, o, l) -> {
                len.set(l);
                return true;
            }, 0));
            assertEquals(33, len.get());
        }

        @Test
        void overfill() {
            UserProducer p = JvmRingInternals.userProducer(ring);
            int written = 0;
            int failed = 0;
            for (int i = 0; i < 5 * 102; i++) {
                long off = p.reserve(32);
                if (off < 0) {
                    failed++;
                    continue;
                }
                p.submit(off);
                written++;
            }
            assertEquals(102, written, "4096 / 40");
            assertTrue(failed > 0, "writing past full failed");
            assertEquals(102, drainAll(JvmRingInternals.drainer(ring)));
        }

        @Test
        void discardsProperlyIgnored() {
            UserProducer p = JvmRingInternals.userProducer(ring);
            int tokens = 0;
            long off;
            while ((off = p.reserve(8)) >= 0) {
                p.discard(off);
                tokens++;
            }
            assertEquals(SIZE / 16, tokens);
            assertEquals(0, drainAll(JvmRingInternals.drainer(ring)), "discards are not read");
            assertTrue(p.reserve(8) >= 0, "but their space is freed");
        }

        @Test
        void loop() {
            UserProducer p = JvmRingInternals.userProducer(ring);
            Drainer d = JvmRingInternals.drainer(ring);
            AtomicLong sum = new AtomicLong();
            long expected = 0;
            int remaining = 8192;
            int seq = 0;
            while (remaining > 0) {
                int batch = Math.min(remaining, 102);
                for (int i = 0; i < batch; i++) {
                    long o = p.reserve(32);
                    assertTrue(o >= 0);
                    p.buffer().set(ValueLayout.JAVA_LONG, o, seq);
                    expected += seq++;
                    p.submit(o);
                }
                remaining -= batch;
                assertEquals(batch, d.drain((b, o, l) -> {
                    sum.addAndGet(b.get(ValueLayout.JAVA_LONG, o));
                    return true;
                }, 0));
            }
            assertEquals(expected, sum.get());
        }

        @Test
        void blockingReserve() throws Exception {
            UserProducer p = JvmRingInternals.userProducer(ring);
            Drainer d = JvmRingInternals.drainer(ring);
            int written = 0;
            long off;
            while ((off = p.reserve(8)) >= 0) {
                p.submit(off);
                written++;
            }
            assertEquals(SIZE / 16, written, "filled exactly with 16-byte records");
            assertEquals(-1, p.reserve(8, Duration.ofMillis(100).toNanos()), "nobody drains: times out");
            AtomicInteger read = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread drainer = new Thread(() -> {
                try {
                    Sleepers.awaitRegistered(JvmRingInternals.control(ring).spaceWakeupWord(), 1);
                    read.set(d.drain((b, o, l) -> true, 0));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            drainer.start();
            long got = p.reserve(8, Duration.ofSeconds(10).toNanos());
            drainer.join(10_000);
            assertNull(failure.get());
            assertTrue(got >= 0, "woken by the drain");
            assertTrue(read.get() > 0 && read.get() <= written);
        }
    }
}
