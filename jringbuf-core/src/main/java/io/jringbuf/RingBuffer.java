/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.Errno;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.MapInfo;
import io.jringbuf.bpf.MapType;
import io.jringbuf.internal.memory.KernelRingMemory;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.internal.wait.Blocking;
import io.jringbuf.internal.wait.Epoll;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.base.RecordHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Consumes one or more kernel {@code BPF_MAP_TYPE_RINGBUF} maps through one epoll set: libbpf's
 * {@code ring_buffer} ({@code ring_buffer__new/add/poll/consume/consume_n/epoll_fd/ring}).
 *
 * <pre>{@code
 * try (RingBuffer rb = RingBuffer.create(mapFd, (buffer, offset, length) -> {
 *         long pid = buffer.get(ValueLayout.JAVA_LONG, offset);
 *         return true;                        // false stops after this record
 *     })) {
 *     while (running) {
 *         rb.poll(Duration.ofMillis(100));    // waits, then drains the rings that are ready
 *     }
 * }
 * }</pre>
 *
 * <h2>Waiting</h2>
 * Rings are registered level-triggered by default, as libbpf does. {@link Options#edgeTriggered}
 * registers them edge-triggered, which is safe here because the consumer issues the seed-000
 * full fence after publishing its position (libbpf without the 2026 fix can sleep forever on a
 * committed record in that mode). In edge-triggered mode a ring whose consumption stopped early
 * (a handler returning false or throwing) is drained by the next {@link #poll} before it waits,
 * because no new edge would announce records that were already committed.
 *
 * <h2>Busy polling</h2>
 * With {@link Options#busyPoll} a poll first spins for up to that long, consuming every ring
 * without sleeping, and sleeps in epoll only when nothing came in that time. While it spins the
 * rings are consumed {@linkplain Consumer#consumeHolding holding}: {@code consumer_pos} trails by
 * the last record, so the kernel's adaptive rule (wake the consumer if its position equals the
 * committed record's) sends no wakeups (but for the first commit after the consumer last slept
 * or settled); without that, a consumer that is always caught up would cost the BPF program an
 * irq_work and an interrupt per record. Records larger than a sixteenth of the ring are not held
 * back. Before it sleeps the poll stores the whole positions, issues the seed-000 fence and
 * consumes once more, so no record committed while it held back is left behind. Between looks
 * that found nothing it waits about a microsecond, so that it does not take the producer's cache
 * lines on every record. It costs a CPU while records keep coming (and for the spin time after
 * the last); it is meant for a dedicated consumer thread. {@link #wakeUp()} and {@link #close()}
 * reach a spinning poll when its spin ends at the latest, which with a long spin and no records
 * is long. A ring is left holding back a record between polls (until the next sleep,
 * {@link #consume()} or {@link #close()}): {@link Ring#consumerPosition()} and
 * {@link Ring#availableBytes()} then count that record as unconsumed.
 *
 * <h2>Threads</h2>
 * One thread polls and consumes at a time (the protocol has one consumer). {@link #wakeUp()} and
 * {@link #close()} may be called from any thread; close wakes a blocked poll and waits for it
 * to leave before unmapping.
 */
public final class RingBuffer implements AutoCloseable {
    /**
     * How the manager waits and commits.
     *
     * @param edgeTriggered register the rings edge-triggered (see "Waiting")
     * @param batchCommit store {@code consumer_pos} once per pass instead of once per record
     * @param busyPoll how long a poll spins before it sleeps (see "Busy polling"); zero: it
     *                 sleeps at once, as libbpf does
     */
    public record Options(boolean edgeTriggered, boolean batchCommit, Duration busyPoll) {
        /** libbpf's behaviour: level-triggered, one consumer-position store per record, no spinning. */
        public static final Options DEFAULT = new Options(false, false, Duration.ZERO);

        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException if busyPoll is negative
         */
        public Options {
            Objects.requireNonNull(busyPoll, "busyPoll");
            if (busyPoll.isNegative()) {
                throw new IllegalArgumentException("busyPoll must not be negative: " + busyPoll);
            }
        }

        /** @return these options, edge-triggered or not */
        public Options withEdgeTriggered(boolean on) {
            return new Options(on, batchCommit, busyPoll);
        }

        /** @return these options, with batch commit (one consumer-position store per pass) or not */
        public Options withBatchCommit(boolean on) {
            return new Options(edgeTriggered, on, busyPoll);
        }

        /** @return these options with polls that spin for up to {@code spin} before sleeping (zero: never) */
        public Options withBusyPoll(Duration spin) {
            return new Options(edgeTriggered, batchCommit, spin);
        }
    }

    private final Options options;
    private final long busyPollNanos;
    private final Epoll epoll;
    private final List<Ring> rings = new ArrayList<>();
    private final List<Boolean> leftovers = new ArrayList<>();
    private final AtomicInteger activePolls = new AtomicInteger();
    private volatile boolean closed;

    private RingBuffer(Options options) {
        this.options = Objects.requireNonNull(options, "options");
        long spin;
        try {
            spin = options.busyPoll().toNanos();
        } catch (ArithmeticException e) {
            spin = Long.MAX_VALUE; // centuries: spins until records come
        }
        this.busyPollNanos = spin;
        this.epoll = new Epoll();
    }

    /**
     * Creates a manager with a first ring ({@code ring_buffer__new}), libbpf's defaults.
     *
     * @param mapFd a RINGBUF map fd; not owned: close it yourself after the manager
     * @throws ErrnoException EINVAL if the fd is not a RINGBUF map; the errno of a refused mmap
     */
    public static RingBuffer create(int mapFd, RecordHandler handler) {
        return create(mapFd, handler, Options.DEFAULT);
    }

    /**
     * Creates a manager with a first ring.
     *
     * @throws ErrnoException EINVAL if the fd is not a RINGBUF map; the errno of a refused mmap
     */
    public static RingBuffer create(int mapFd, RecordHandler handler, Options options) {
        RingBuffer rb = new RingBuffer(options);
        try {
            rb.add(mapFd, handler);
        } catch (RuntimeException e) {
            rb.close();
            throw e;
        }
        return rb;
    }

    /**
     * Adds a ring with its own handler ({@code ring_buffer__add}). Rings keep their index (the
     * order of adding) and their {@link Ring} object.
     *
     * @return this manager
     * @throws ErrnoException EINVAL if the fd is not a RINGBUF map; the errno of a refused mmap
     */
    public synchronized RingBuffer add(int mapFd, RecordHandler handler) {
        Objects.requireNonNull(handler, "handler");
        checkOpen("add");
        MapInfo info = BpfMap.requireType(mapFd, MapType.RINGBUF);
        KernelRingMemory memory = KernelRingMemory.forConsumer(mapFd, info.maxEntries());
        try {
            Consumer consumer = new Consumer(memory.view(), options.batchCommit(), Notifier.NONE, null, null);
            int events = Sys.EPOLLIN | (options.edgeTriggered() ? Sys.EPOLLET : 0);
            epoll.add(mapFd, events, rings.size(), "RINGBUF fd " + mapFd);
            rings.add(new Ring(memory, consumer, handler));
            leftovers.add(Boolean.FALSE);
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
        return this;
    }

    /** @return the number of rings ({@code ring_buffer__ring} count) */
    public synchronized int ringCount() {
        return rings.size();
    }

    /**
     * The ring added {@code index}-th ({@code ring_buffer__ring}).
     *
     * @throws ErrnoException ERANGE if there is no such ring (libbpf: NULL, errno ERANGE)
     */
    public synchronized Ring ring(int index) {
        if (index < 0 || index >= rings.size()) {
            throw new ErrnoException(Errno.ERANGE, "ring(" + index + "): this manager has " + rings.size() + " rings");
        }
        return rings.get(index);
    }

    /**
     * The epoll fd, to integrate into another event loop; then call {@link #consume()}
     * ({@code ring_buffer__epoll_fd}). With {@link Options#busyPoll}, a {@link #poll} that did not
     * sleep (zero timeout, records found while spinning, a handler that threw) may leave rings
     * holding back a record (see "Busy polling"), and a holding ring sends no edge-triggered
     * wakeups and is always level-triggered ready: call {@link #consume()}, which publishes every
     * ring's position first, before waiting on this fd.
     *
     * @return the epoll fd
     */
    public int epollFd() {
        return epoll.fd();
    }

    /**
     * Waits without a time limit until a ring is ready (or {@link #wakeUp()}/{@link #close()}),
     * then drains the ready rings: {@code ring_buffer__poll(rb, -1)}.
     *
     * @return records delivered (0 if woken without records)
     */
    public int poll() {
        return poll(null);
    }

    /**
     * Waits up to {@code timeout} for a ring to have data, then consumes the rings that are ready
     * ({@code ring_buffer__poll}).
     *
     * @param timeout null or negative waits forever; zero does not wait
     * @return records delivered, saturating at {@link Integer#MAX_VALUE}; 0 on timeout or
     *         {@link #wakeUp()}
     * @throws ErrnoException EBADF if the manager is closed, or the errno of epoll_wait
     */
    public int poll(Duration timeout) {
        activePolls.incrementAndGet();
        try {
            checkOpen("poll");
            long nanos = Blocking.toNanos(timeout);
            long start = System.nanoTime();
            if (busyPollNanos > 0) {
                int n = spin(nanos == Blocking.FOREVER ? busyPollNanos : Math.min(busyPollNanos, nanos), start);
                if (n > 0 || nanos == 0 || closed) {
                    return n;
                }
                // About to sleep. Records committed while the rings were held back sent no
                // wakeup: store the whole positions with the seed-000 fence (Consumer#consume
                // settles first) and consume once more; a record committed after that finds the
                // consumer caught up and wakes it.
                n = consumeRings(Integer.MAX_VALUE);
                if (n > 0) {
                    return n;
                }
            } else if (options.edgeTriggered()) {
                int n = consumeLeftovers();
                if (n > 0) {
                    return n;
                }
            }
            for (;;) {
                long remaining = nanos == Blocking.FOREVER ? Blocking.FOREVER : nanos - (System.nanoTime() - start);
                int ready = epoll.await(Epoll.toMillis(Math.max(remaining, 0)));
                if (ready == -Errno.EINTR) {
                    if (remaining > 0) {
                        continue;
                    }
                    return 0;
                }
                if (ready < 0) {
                    checkOpen("poll");
                    throw new ErrnoException(-ready, "epoll_wait on the ring buffer's epoll set");
                }
                return consumeReady(ready);
            }
        } finally {
            activePolls.decrementAndGet();
        }
    }

    private int consumeReady(int ready) {
        long total = 0;
        for (int i = 0; i < ready; i++) {
            long data = epoll.data(i);
            if (data == Epoll.WAKE_DATA) {
                epoll.clearWake();
                continue;
            }
            total += consumeRing((int) data, Integer.MAX_VALUE);
            if (total >= Integer.MAX_VALUE) {
                break;
            }
        }
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    private int consumeRing(int index, int n) {
        Ring ring = rings.get(index);
        if (!options.edgeTriggered()) {
            return ring.consume(n);
        }
        // Edge-triggered: remember a ring left with records, so the next poll drains it first.
        leftovers.set(index, Boolean.TRUE);
        int got = ring.consume(n);
        leftovers.set(index, ring.availableBytes() > 0);
        return got;
    }

    /**
     * How long a busy poll waits (spinning) after a look that found nothing. A consumer that has
     * caught up and loads {@code producer_pos} every few nanoseconds takes that cache line (and
     * the next header's) from the producer on every record; looking once a microsecond, it finds
     * several records per look. K2 on 2 vCPUs, 8 and 256 B, three interleaved pairs: 1 µs gave
     * more records/s than back-to-back looks in all six (2026-11-26); a record waits at most this
     * much longer.
     */
    private static final long LOOK_INTERVAL_NANOS = 1_000;

    /**
     * Spins, consuming every ring holding ({@link Consumer#consumeHolding}), until a pass delivers
     * records, {@code budget} nanoseconds have passed since {@code start}, or the manager closes.
     *
     * @return records delivered by the pass that found some, or 0
     */
    private int spin(long budget, long start) {
        for (;;) {
            long total = 0;
            for (int i = 0; i < rings.size() && total < Integer.MAX_VALUE; i++) {
                total += rings.get(i).consumeHolding((int) (Integer.MAX_VALUE - total));
            }
            if (total > 0) {
                return (int) total;
            }
            long now = System.nanoTime();
            if (closed || now - start >= budget) {
                return 0;
            }
            do {
                Thread.onSpinWait();
            } while (System.nanoTime() - now < LOOK_INTERVAL_NANOS);
        }
    }

    /** Consumes at most {@code n} records across the rings, in the order they were added. */
    private int consumeRings(int n) {
        long total = 0;
        for (int i = 0; i < rings.size() && total < n; i++) {
            total += consumeRing(i, (int) (n - total));
        }
        return (int) total;
    }

    private int consumeLeftovers() {
        long total = 0;
        for (int i = 0; i < rings.size() && total < Integer.MAX_VALUE; i++) {
            if (leftovers.get(i)) {
                total += consumeRing(i, Integer.MAX_VALUE);
            }
        }
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /**
     * Consumes every ring without waiting ({@code ring_buffer__consume}).
     *
     * @return records delivered, saturating at {@link Integer#MAX_VALUE}
     */
    public int consume() {
        return consume(Integer.MAX_VALUE);
    }

    /**
     * Consumes at most {@code n} records across the rings, in the order they were added
     * ({@code ring_buffer__consume_n}); {@code n <= 0} delivers none.
     *
     * @return records delivered
     */
    public int consume(int n) {
        activePolls.incrementAndGet();
        try {
            checkOpen("consume");
            if (busyPollNanos > 0) {
                // Rings a busy poll left holding back a record, also those this call will not
                // reach (n), publish their whole positions (see epollFd).
                for (int i = 0; i < rings.size(); i++) {
                    rings.get(i).consumer().settle();
                }
            }
            return consumeRings(n);
        } finally {
            activePolls.decrementAndGet();
        }
    }

    /** Makes a blocked {@link #poll} return (or the next one, if none is blocked). Any thread. */
    public void wakeUp() {
        epoll.wake();
    }

    /**
     * Wakes a blocked poll, waits (up to 10 s) for it to leave, unmaps every ring and closes the
     * epoll set. The map fds are not closed: they belong to the caller.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        epoll.wake();
        long deadline = System.nanoTime() + 10_000_000_000L;
        boolean drained = false;
        while (!(drained = activePolls.get() == 0) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000);
        }
        // A busy poll may have left a ring holding back its last record: publish it, unless a
        // poll is still running (a handler that did not return within the 10 s). A call that
        // starts from now on finds the manager closed before it touches a ring.
        boolean settle = drained;
        synchronized (this) {
            for (Ring r : rings) {
                r.close(settle);
            }
            epoll.close();
        }
    }

    private void checkOpen(String operation) {
        if (closed) {
            throw new ErrnoException(Errno.EBADF, operation + ": the ring buffer is closed");
        }
    }
}
