/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.Errno;
import io.jringbuf.internal.memory.RingFaults;
import io.jringbuf.internal.memory.SharedRingMemory;
import io.jringbuf.internal.wait.Blocking;
import io.jringbuf.internal.wait.FutexEventCount;
import io.jringbuf.internal.wait.FutexWaitSet;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.base.RecordHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Waits on several RINGBUF JVM rings at once and consumes them, each with its own handler: the
 * JVM-ring counterpart of libbpf's {@code ring_buffer} manager. One thread sleeps in
 * {@code futex_waitv} on every ring's wakeup word; any producer's wakeup, in any process, ends
 * the sleep. Used by one thread at a time; {@link #wakeUp()} may be called from any thread.
 */
public final class JvmRingPoller {
    private final List<Consumer> consumers = new ArrayList<>();
    private final List<RecordHandler> handlers = new ArrayList<>();
    private final List<FutexEventCount> wakeups = new ArrayList<>();
    private volatile FutexWaitSet waitSet;

    /**
     * Adds a ring: claims its consumer side and consumes it with {@code handler}.
     *
     * @return this poller
     * @throws ErrnoException EINVAL if the ring is not a RINGBUF; EBUSY if its consumer is claimed
     */
    public synchronized JvmRingPoller add(JvmRing ring, RecordHandler handler) {
        Objects.requireNonNull(handler, "handler");
        consumers.add(ring.consumer());
        handlers.add(handler);
        wakeups.add(ring.dataWakeup());
        waitSet = new FutexWaitSet(wakeups);
        return this;
    }

    /** @return the number of rings */
    public int ringCount() {
        return consumers.size();
    }

    /** @return the consumer of the i-th ring added (0-based) */
    public Consumer ring(int index) {
        return consumers.get(index);
    }

    /**
     * Consumes every ring once, without waiting.
     *
     * @return records delivered, saturating at {@link Integer#MAX_VALUE}
     */
    public int consume() {
        long total = 0;
        for (int i = 0; i < consumers.size() && total < Integer.MAX_VALUE; i++) {
            total += consumers.get(i).consume(handlers.get(i));
        }
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /**
     * Waits until some ring delivers records or the timeout passes, then consumes every ring.
     *
     * @param timeout null or negative waits forever
     * @return records delivered, 0 on timeout or {@link #wakeUp()} (or interrupt: the status stays set)
     */
    public int poll(Duration timeout) {
        FutexWaitSet set = waitSet;
        if (set == null) {
            throw new IllegalStateException("no rings to poll: add one first");
        }
        try {
            long got = Blocking.await(set, Blocking.toNanos(timeout), () -> {
                int n = consume();
                return n > 0 ? n : -1;
            }, this::deadPeerAtAnyHead);
            return got > 0 ? (int) got : 0;
        } catch (IllegalStateException | InternalError e) {
            if (RingFaults.isMappingFault(e)) {
                for (Consumer c : consumers) { // blame a ring whose file is truncated, if one is
                    SharedRingMemory memory = RingFaults.ringOf(c.buffer());
                    if (memory != null) {
                        memory.checkFile("poll");
                    }
                }
            }
            for (Consumer c : consumers) {
                ErrnoException fault = RingFaults.translate(e, c.buffer(), "poll");
                if (fault != null) {
                    throw fault;
                }
                if (!c.buffer().scope().isAlive()) {
                    throw new ErrnoException(Errno.EBADF, "poll: a ring of this poller is closed", e);
                }
            }
            throw e;
        }
    }

    private boolean deadPeerAtAnyHead() {
        boolean retry = false;
        for (Consumer c : consumers) {
            retry |= c.deadPeerAtHead();
        }
        return retry;
    }

    /** Makes a thread blocked in {@link #poll} return (or the next poll, if none is blocked). */
    public void wakeUp() {
        FutexWaitSet set = waitSet;
        if (set != null) {
            set.interrupt();
        }
    }
}
