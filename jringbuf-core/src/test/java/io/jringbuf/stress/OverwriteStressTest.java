/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.stress;

import io.jringbuf.CommitMode;
import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.base.RingType;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Producers lapping a slow consumer on an overwrite JVM ring ({@link JvmRing#OVERWRITE}). Two
 * producer threads write records of varying length (every 8-byte word derived from the
 * producer's id and the record's sequence number) for {@link #RUN_NANOS}, discarding some; the
 * consumer polls with a timeout and pauses every few records, so the producers lap it over and
 * over. Checked: every delivered record is intact (every word as written) and each producer's
 * records arrive in order; after the producers stop and the consumer drains,
 * {@code delivered + lost = produced} exactly (discarded records are neither), and the run did lap
 * (records lost) and deliver.
 */
class OverwriteStressTest {
    private static final long SIZE = 16 * 1024;
    private static final int PRODUCERS = 2;
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(2);

    static long word(int producer, long seq, int i) {
        return (((long) producer) << 56) ^ (seq * 0x9E37_79B9_7F4A_7C15L) ^ i;
    }

    @ParameterizedTest
    @EnumSource(value = CommitMode.class, names = {"PER_RECORD", "BATCH"})
    @Timeout(60)
    void everyDeliveredRecordIsIntactAndInOrderAndDeliveredPlusLostIsProduced(CommitMode mode) throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, SIZE, JvmRing.OVERWRITE)) {
            RingWriter writer = ring.writer();
            RingReader reader = ring.reader(mode);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong produced = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(PRODUCERS);
            for (int p = 0; p < PRODUCERS; p++) {
                int id = p + 1;
                Thread t = new Thread(() -> {
                    try {
                        long seq = 0;
                        long mine = 0;
                        while (!stop.get()) {
                            int words = 2 + (int) (seq % 13);
                            long off = writer.reserve(words * 8);
                            if (off < 0) {
                                Thread.onSpinWait(); // only a BUSY record refuses
                                continue;
                            }
                            MemorySegment buf = writer.buffer();
                            buf.set(ValueLayout.JAVA_LONG, off, ((long) id << 56) | seq);
                            for (int i = 1; i < words; i++) {
                                buf.set(ValueLayout.JAVA_LONG, off + 8L * i, word(id, seq, i));
                            }
                            if (seq % 11 == 5) {
                                writer.discard(off, RingWriter.NO_WAKEUP);
                            } else {
                                writer.submit(off, seq % 4 == 0 ? 0 : RingWriter.NO_WAKEUP);
                                mine++;
                            }
                            seq++;
                        }
                        produced.addAndGet(mine);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                }, "overwrite-producer-" + id);
                t.setDaemon(true);
                t.start();
            }
            long[] lastSeq = new long[PRODUCERS + 1];
            java.util.Arrays.fill(lastSeq, -1);
            long[] delivered = {0};
            String[] bad = {null};
            io.jringbuf.base.RecordHandler check = (b, o, l) -> {
                long head = b.get(ValueLayout.JAVA_LONG, o);
                int id = (int) (head >>> 56);
                long seq = head & ((1L << 56) - 1);
                if (id < 1 || id > PRODUCERS || l != 8 * (2 + (int) (seq % 13))) {
                    bad[0] = "torn record: head 0x" + Long.toHexString(head) + ", length " + l;
                    return false;
                }
                for (int i = 1; i < l / 8; i++) {
                    if (b.get(ValueLayout.JAVA_LONG, o + 8L * i) != word(id, seq, i)) {
                        bad[0] = "torn record: producer " + id + " seq " + seq + " word " + i;
                        return false;
                    }
                }
                if (seq <= lastSeq[id] || seq % 11 == 5) {
                    bad[0] = "out of order or discarded: producer " + id + " seq " + seq + " after " + lastSeq[id];
                    return false;
                }
                lastSeq[id] = seq;
                delivered[0]++;
                if (delivered[0] % 64 == 0) {
                    LockSupport.parkNanos(200_000); // a slow consumer: the producers lap it
                }
                return true;
            };
            long start = System.nanoTime();
            while (System.nanoTime() - start < RUN_NANOS && bad[0] == null && failure.get() == null) {
                reader.poll(check, Duration.ofMillis(10));
            }
            stop.set(true);
            assertTrue(done.await(30, TimeUnit.SECONDS), "producers stopped");
            while (bad[0] == null && reader.consume(check) > 0) {
                // drain what is left
            }
            assertNull(failure.get(), () -> "producer failed: " + failure.get());
            assertNull(bad[0], bad[0]);
            long lost = ring.lostRecords();
            System.out.printf("overwrite stress (%s): produced %d, delivered %d, lost %d, refused (BUSY) %d%n",
                    mode, produced.get(), delivered[0], lost, ring.drops());
            assertEquals(produced.get(), delivered[0] + lost, "delivered + lost = produced");
            assertTrue(lost > 0, "the producers lapped the consumer");
            assertTrue(delivered[0] > 1000, "the consumer delivered");
            assertEquals(lost, reader.statistics().lost() - ring.drops(), "statistics: lost + refused");
        }
    }
}
