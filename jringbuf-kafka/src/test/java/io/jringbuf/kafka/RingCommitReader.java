/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import io.jringbuf.JvmRing;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.memory.KernelRingMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The test stand-in for the core's explicit-commit reader, over a real ring: a {@link JvmRing}
 * or a kernel {@code BPF_MAP_TYPE_RINGBUF} (the only file of the module that knows the ring's
 * internals; it goes when the core's reader lands).
 *
 * <p>It reads the ring's memory as the core's consumer does (acquire loads of
 * {@code producer_pos} and of each header, pairing with the producers' release stores: the JVM
 * producers' and the kernel's {@code smp_store_release}), but keeps its read position to itself;
 * {@link #commit} is the only store to {@code consumer_pos} (a release store, then the
 * missed-wakeup full fence). Two simplifications, fine for tests: it does not wake JVM producers
 * blocked for space (they retry on their own timeouts), and {@link #poll} re-checks every 200 µs
 * instead of sleeping on the ring's wakeup (producers wake a consumer only when
 * {@code consumer_pos} is at their record, which a reader that reads ahead is not).
 */
final class RingCommitReader implements ExplicitCommitReader, AutoCloseable {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long mask;
    private final long size;
    private final Runnable release;
    private long readPosition;
    private long committed;

    private RingCommitReader(RingView view, Runnable release) {
        this.consumerPage = view.consumerPage();
        this.producerPage = view.producerPage();
        this.data = view.data();
        this.mask = view.mask();
        this.size = view.size();
        this.release = release;
        // Acquire: pairs with the release store of whichever consumer committed last.
        this.committed = (long) LONG.getAcquire(consumerPage, RingLayout.CONSUMER_POS_OFFSET);
        this.readPosition = committed;
    }

    /** Claims the JVM ring's consumer side and starts reading at its consumer position. */
    static RingCommitReader of(JvmRing ring) {
        ring.control().claimConsumer();
        return new RingCommitReader(ring.view(), () -> ring.control().releaseConsumer());
    }

    /** Maps a kernel RINGBUF for its consumer and starts reading at its consumer position. */
    static RingCommitReader of(BpfMap ringbuf) {
        KernelRingMemory memory = KernelRingMemory.forConsumer(ringbuf.fd(), ringbuf.info().maxEntries());
        return new RingCommitReader(memory.view(), memory::close);
    }

    @Override
    public int consume(RecordHandler handler, int max) {
        int delivered = 0;
        // Acquire: pairs with the producers' release store of producer_pos (reserve).
        long producerPosition = (long) LONG.getAcquire(producerPage, RingLayout.PRODUCER_POS_OFFSET);
        if (producerPosition - readPosition > size || ((producerPosition - readPosition) & 7) != 0) {
            throw new ErrnoException(Errno.EINVAL, "ring positions corrupt: read " + readPosition
                    + ", producer " + producerPosition);
        }
        while (delivered < max && readPosition != producerPosition) {
            long at = readPosition & mask;
            // Acquire: pairs with the producer's release (exchange) of the header on submit/discard.
            int header = (int) INT.getAcquire(data, at);
            if (RingLayout.isBusy(header)) {
                break;
            }
            readPosition += RingLayout.recordSizeOfHeader(header);
            if (RingLayout.isDiscarded(header)) {
                continue;
            }
            delivered++;
            if (!handler.onRecord(data, at + RingLayout.HEADER_SIZE, RingLayout.payloadLength(header))) {
                break;
            }
        }
        return delivered;
    }

    @Override
    public int poll(RecordHandler handler, int max, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int n = consume(handler, max);
            if (n > 0 || max <= 0 || System.nanoTime() - deadline >= 0) {
                return n;
            }
            LockSupport.parkNanos(200_000);
        }
    }

    @Override
    public long readPosition() {
        return readPosition;
    }

    @Override
    public void commit(long position) {
        if (position - committed < 0 || position - readPosition > 0 || (position & 7) != 0) {
            throw new ErrnoException(Errno.EINVAL, "commit " + position + ": not between the committed position "
                    + committed + " and the read position " + readPosition);
        }
        // Release: pairs with the producers' acquire load of consumer_pos (free space).
        LONG.setRelease(consumerPage, RingLayout.CONSUMER_POS_OFFSET, position);
        // The missed-wakeup fence: orders this store before the next load of producer_pos.
        VarHandle.fullFence();
        committed = position;
    }

    /** @return the committed consumer position */
    long committedPosition() {
        return committed;
    }

    /** @return a JVM ring's {@code consumer_pos} now */
    static long consumerPosition(JvmRing ring) {
        return (long) LONG.getAcquire(ring.view().consumerPage(), RingLayout.CONSUMER_POS_OFFSET);
    }

    /** @return a JVM ring's {@code producer_pos} now */
    static long producerPosition(JvmRing ring) {
        return (long) LONG.getAcquire(ring.view().producerPage(), RingLayout.PRODUCER_POS_OFFSET);
    }

    /** @return the ring's {@code consumer_pos} now, whoever committed it (for a test watching another process's reader) */
    long consumerPosition() {
        return (long) LONG.getAcquire(consumerPage, RingLayout.CONSUMER_POS_OFFSET);
    }

    /** @return the ring's {@code producer_pos} now */
    long producerPosition() {
        return (long) LONG.getAcquire(producerPage, RingLayout.PRODUCER_POS_OFFSET);
    }

    /** Releases the JVM ring's consumer claim, or unmaps the kernel ring (the ring itself stays open: its owner closes it). */
    @Override
    public void close() {
        release.run();
    }
}
