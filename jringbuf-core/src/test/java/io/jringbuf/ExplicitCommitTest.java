/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CommitMode#EXPLICIT} on JVM rings: records are read ahead of {@code consumer_pos}, the
 * read position is known inside the handler, only a commit gives space back, and whatever was
 * not committed is read again by the next reader (as after a crash).
 */
class ExplicitCommitTest {
    @TempDir
    Path dir;

    private static void put(RingWriter w, long value) {
        long off = w.reserve(8);
        w.buffer().set(ValueLayout.JAVA_LONG, off, value);
        w.submit(off);
    }

    @Test
    void readsAheadAndCommitsOnlyWhatItIsTold() {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            RingWriter w = ring.writer();
            RingReader r = ring.reader(CommitMode.EXPLICIT);
            assertEquals(CommitMode.EXPLICIT, r.commitMode());
            for (int i = 0; i < 4; i++) {
                put(w, i);
            }
            List<Long> ends = new ArrayList<>();
            assertEquals(4, r.consume((b, o, l) -> {
                ends.add(r.readPosition());
                return RecordHandler.CONTINUE;
            }));
            assertEquals(List.of(16L, 32L, 48L, 64L), ends, "inside the handler: just past its record");
            assertEquals(0, r.consumerPosition(), "nothing committed yet");
            assertEquals(64, r.readPosition());
            assertEquals(64, ring.availableBytes(), "the records stay in the ring");
            assertEquals(0, r.consume((b, o, l) -> RecordHandler.CONTINUE), "no record twice");
            r.commit(ends.get(1));
            assertEquals(32, ring.consumerPosition());
            ErrnoException ahead = assertThrows(ErrnoException.class, () -> r.commit(80));
            assertEquals(Errno.EINVAL, ahead.errno());
            ErrnoException behind = assertThrows(ErrnoException.class, () -> r.commit(16));
            assertEquals(Errno.EINVAL, behind.errno());
            ErrnoException odd = assertThrows(ErrnoException.class, () -> r.commit(36));
            assertEquals(Errno.EINVAL, odd.errno());
            r.commit();
            assertEquals(64, ring.consumerPosition());
            assertEquals(0, ring.availableBytes());
        }
    }

    @Test
    void whatWasNotCommittedIsReadAgainByTheNextReader() {
        Path file = dir.resolve("ring");
        try (JvmRing producer = JvmRing.create(file, RingType.RINGBUF, 4096)) {
            for (int i = 0; i < 3; i++) {
                put(producer.writer(), i);
            }
            try (JvmRing first = JvmRing.open(file)) {
                RingReader r = first.reader(CommitMode.EXPLICIT);
                long[] afterFirst = new long[1];
                assertEquals(3, r.consume((b, o, l) -> {
                    if (b.get(ValueLayout.JAVA_LONG, o) == 0) {
                        afterFirst[0] = r.readPosition();
                    }
                    return RecordHandler.CONTINUE;
                }));
                r.commit(afterFirst[0]);
            } // closed without committing records 1 and 2, as a crashed shipper would leave them
            try (JvmRing second = JvmRing.open(file)) {
                List<Long> again = new ArrayList<>();
                second.reader(CommitMode.EXPLICIT).consume((b, o, l) -> again.add(b.get(ValueLayout.JAVA_LONG, o)));
                assertEquals(List.of(1L, 2L), again);
            }
        }
    }

    @Test
    void aPollWithUncommittedRecordsStillSeesNewOnes() throws Exception {
        try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            RingWriter w = ring.writer();
            RingReader r = ring.reader(CommitMode.EXPLICIT);
            put(w, 1);
            assertEquals(1, r.poll((b, o, l) -> RecordHandler.CONTINUE, Duration.ofSeconds(5)));
            // The reader is behind its read position now: producers see it as behind and send
            // no wakeup for the next record. The poll must find it anyway, by looking again.
            CompletableFuture<Integer> poll = CompletableFuture.supplyAsync(
                    () -> r.poll((b, o, l) -> RecordHandler.CONTINUE, Duration.ofSeconds(30)));
            long registered = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            var word = JvmRingInternals.dataWakeupWord(ring);
            while (word.get(ValueLayout.JAVA_INT, 4) == 0 && System.nanoTime() < registered) {
                Thread.onSpinWait();
            }
            long wakeups = ring.wakeups();
            put(w, 2);
            assertEquals(1, poll.get(10, TimeUnit.SECONDS), "the second record was found");
            assertEquals(wakeups, ring.wakeups(), "without a wakeup: the producer saw the reader behind");
            r.commit();
            assertEquals(0, ring.availableBytes());
        }
    }

    @Test
    void aRingBufferOfJvmRingsReadsAheadToo() {
        try (JvmRing a = JvmRing.anonymous(RingType.RINGBUF, 4096);
             JvmRing b = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            put(a.writer(), 1);
            put(b.writer(), 2);
            List<Long> got = new ArrayList<>();
            RecordHandler h = (buf, o, l) -> got.add(buf.get(ValueLayout.JAVA_LONG, o));
            RingBuffer.Options explicit = RingBuffer.Options.DEFAULT.withCommitMode(CommitMode.EXPLICIT);
            try (RingBuffer rb = RingBuffer.create(a, h, explicit).add(b, h)) {
                assertEquals(2, rb.poll(Duration.ofSeconds(5)));
                assertEquals(0, rb.poll(Duration.ofMillis(20)), "nothing new; the looks found nothing");
                assertEquals(List.of(1L, 2L), got);
                assertEquals(16, a.availableBytes());
                rb.ring(0).commit();
                rb.ring(1).commit();
                assertEquals(0, a.availableBytes() + b.availableBytes());
            }
        }
    }
}
