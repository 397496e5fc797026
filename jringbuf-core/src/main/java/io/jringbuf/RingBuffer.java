/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.MapInfo;
import io.jringbuf.bpf.MapType;
import io.jringbuf.internal.memory.KernelRingMemory;
import io.jringbuf.internal.memory.RingFaults;
import io.jringbuf.internal.memory.SharedRingMemory;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.internal.wait.Blocking;
import io.jringbuf.internal.wait.Epoll;
import io.jringbuf.internal.wait.FutexEventCount;
import io.jringbuf.internal.wait.FutexWaitSet;
import io.jringbuf.internal.wait.Waiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits on one or more RINGBUF rings at once and consumes each with its own handler: libbpf's
 * {@code ring_buffer} ({@code ring_buffer__new/add/poll/consume/consume_n/epoll_fd/ring}). The
 * rings are kernel maps (waited on in one epoll set) or JVM rings (waited on with one
 * {@code futex_waitv}); one manager holds rings of one kind.
 *
 * <pre>{@code
 * try (RingBuffer rb = RingBuffer.create(events, (buffer, offset, length) -> {   // a BpfMap
 *         long pid = buffer.get(ValueLayout.JAVA_LONG, offset);
 *         return RecordHandler.CONTINUE;
 *     })) {
 *     while (running) {
 *         rb.poll(Duration.ofMillis(100));    // waits, then drains the rings that are ready
 *     }
 * }
 * }</pre>
 *
 * <h2>Waiting</h2>
 * Kernel rings are registered level-triggered by default, as libbpf does.
 * {@link Options#edgeTriggered} registers them edge-triggered, which is safe here because the
 * readers issue the missed-wakeup fence after publishing their position (libbpf without the 2026
 * fix can sleep forever on a committed record in that mode). In edge-triggered mode a ring whose
 * consumption stopped early (a handler that returned {@link RecordHandler#STOP} or threw, or the
 * bound of {@link #consume(int)}) is drained by the next {@link #poll} before it waits, because
 * no new edge would announce records that were already committed. Timeouts follow
 * {@code java.util.concurrent} (see {@link RingReader}).
 *
 * <h2>Adaptive spinning (the default)</h2>
 * A consumer that empties its rings and sleeps is woken by the producer's wakeup, and on a busy
 * or virtualised machine that wake-up can come tens of microseconds to milliseconds late, while
 * the producer goes on filling the ring: a fast consumer that sleeps often drops more than a
 * slower one that never runs dry (measured in bench/KERNEL-NOTES.md, "K2 drops"). So by default
 * ({@link Options#adaptiveSpin}, 50 µs) a poll that was woken with records makes the next poll
 * spin, holding, for up to that long (as a busy poll does, below) before it sleeps; as long as
 * each spin finds records the following one spins too, so a steady stream is consumed without
 * sleeps and without wakeups. A spin that finds nothing backs off: the next 2, then 4, up to 64
 * wakeups sleep at once, so records that arrive just beyond the spin's reach waste little CPU. A
 * poll that timed out does not spin next time: an idle consumer costs no CPU. A record held back
 * is committed by the next poll (or {@link #consume()}, or {@link #close()}); a process that dies
 * in between lets the ring's next reader deliver it again.
 * {@code withAdaptiveSpin(Duration.ZERO)} ({@link Options#LIBBPF}) restores libbpf's behaviour:
 * always sleep at once. Prefer it for producers that submit with {@code BPF_RB_NO_WAKEUP} and
 * force a wakeup only now and then: the spin follows such a producer record by record instead of
 * draining a batch per wakeup, which cost a fifth to two fifths of the records/s on a 2-vCPU VM
 * (BENCHMARKS.md, K2 with a wakeup every 512th record).
 *
 * <h2>Busy polling</h2>
 * With {@link Options#busyPoll} a poll first spins for up to that long, consuming every ring
 * without sleeping, and sleeps only when nothing came in that time. While it spins the rings are
 * consumed <em>holding</em>: {@code consumer_pos} trails by the last record passed, so the
 * producers' adaptive rule (wake the reader if its position equals the committed record's) sends
 * no wakeups (but for the first commit after the reader last slept); without that, a reader that
 * is always caught up would cost a BPF program an irq_work and an interrupt per record. Records
 * larger than a sixteenth of the ring are not held back. Before it sleeps the poll stores the
 * whole positions, issues the missed-wakeup fence and consumes once more, so no record committed
 * while it held back is left behind. Between looks that found nothing it waits about a
 * microsecond, so that it does not take the producer's cache lines on every record. It costs a
 * CPU while records keep coming (and for the spin time after the last); it is meant for a
 * dedicated thread. {@link #wakeUp()} and {@link #close()} reach a spinning poll when its spin
 * ends at the latest. Between polls a ring may be left holding back a record (until the next
 * sleep, {@link #consume()} or {@link #close()}): its reader's {@code consumerPosition()} and
 * {@code availableBytes()} then count that record as unconsumed.
 *
 * <h2>Fair draining</h2>
 * libbpf's {@code ring_buffer__poll} drains each ready ring until it is empty, so a ring whose
 * producer never pauses keeps the others (and the caller's loop) waiting. With
 * {@link Options#perRingLimit} a poll makes one round over the ready rings and takes at most that
 * many records from each; what is left is taken by the next poll (a level-triggered ring stays
 * ready, an edge-triggered one is remembered). {@link #consume()} and {@link #consume(int)} make
 * rounds until the rings are empty or the bound is reached, so the records of different rings
 * interleave instead of one ring going first.
 *
 * <h2>Explicit commit</h2>
 * With {@link CommitMode#EXPLICIT} the rings are read ahead and {@code consumer_pos} moves only
 * when {@link RingReader#commit} is called on {@link #ring(int)}. Producers send no wakeups while
 * a ring has uncommitted records, so a poll then looks again every millisecond.
 *
 * <h2>Threads</h2>
 * One thread polls and consumes at a time (the protocol has one consumer). {@link #wakeUp()} and
 * {@link #close()} may be called from any thread; close wakes a blocked poll and waits for it to
 * leave before unmapping.
 */
public final class RingBuffer implements AutoCloseable {
    /**
     * How the manager waits and commits.
     *
     * @param edgeTriggered register kernel rings edge-triggered (see "Waiting")
     * @param commitMode when the rings' readers store {@code consumer_pos}
     * @param busyPoll how long a poll spins before it sleeps (see "Busy polling"); zero: it
     *                 sleeps at once, as libbpf does
     * @param perRingLimit the most records one ring delivers per round (see "Fair draining");
     *                     {@link Integer#MAX_VALUE}: no limit, as libbpf
     * @param adaptiveSpin the most a poll spins before it sleeps while records arrive that close
     *                     together (see "Adaptive spinning"); zero: it sleeps at once, as libbpf
     *                     does. Ignored when {@code busyPoll} is set.
     */
    public record Options(boolean edgeTriggered, CommitMode commitMode, Duration busyPoll, int perRingLimit,
                          Duration adaptiveSpin) {
        /**
         * The defaults: libbpf's (level-triggered, a consumer-position store per record, no
         * per-ring limit), with a 50 µs adaptive spin (see "Adaptive spinning").
         */
        public static final Options DEFAULT = new Options(false, CommitMode.PER_RECORD, Duration.ZERO,
                Integer.MAX_VALUE, Duration.ofNanos(50_000));

        /**
         * libbpf's behaviour exactly: {@link #DEFAULT} without the adaptive spin, so a poll that
         * finds nothing always sleeps at once.
         */
        public static final Options LIBBPF = DEFAULT.withAdaptiveSpin(Duration.ZERO);

        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException if busyPoll or adaptiveSpin is negative or perRingLimit
         *                                  below 1
         * @throws NullPointerException if commitMode, busyPoll or adaptiveSpin is null
         */
        public Options {
            Objects.requireNonNull(commitMode, "commitMode");
            Objects.requireNonNull(busyPoll, "busyPoll");
            Objects.requireNonNull(adaptiveSpin, "adaptiveSpin");
            if (busyPoll.isNegative()) {
                throw new IllegalArgumentException("busyPoll must not be negative: " + busyPoll);
            }
            if (adaptiveSpin.isNegative()) {
                throw new IllegalArgumentException("adaptiveSpin must not be negative: " + adaptiveSpin);
            }
            if (perRingLimit < 1) {
                throw new IllegalArgumentException("perRingLimit must be at least 1: " + perRingLimit);
            }
        }

        /**
         * Chooses level- or edge-triggered waiting for kernel rings.
         *
         * @param on register kernel rings edge-triggered
         * @return these options, edge-triggered or not
         */
        public Options withEdgeTriggered(boolean on) {
            return new Options(on, commitMode, busyPoll, perRingLimit, adaptiveSpin);
        }

        /**
         * Chooses the readers' commit mode.
         *
         * @param mode when the readers store {@code consumer_pos}
         * @return these options with that commit mode
         */
        public Options withCommitMode(CommitMode mode) {
            return new Options(edgeTriggered, mode, busyPoll, perRingLimit, adaptiveSpin);
        }

        /**
         * Chooses how long a poll spins before it sleeps.
         *
         * @param spin how long a poll spins before sleeping (zero: never)
         * @return these options with that busy poll
         */
        public Options withBusyPoll(Duration spin) {
            return new Options(edgeTriggered, commitMode, spin, perRingLimit, adaptiveSpin);
        }

        /**
         * Chooses the fairness bound: a poll takes at most {@code records} from each ring, so a
         * ring with a sustained producer cannot keep the others (and the caller's loop) waiting.
         *
         * @param records the most records one ring delivers per round, at least 1
         * @return these options with that limit
         */
        public Options withPerRingLimit(int records) {
            return new Options(edgeTriggered, commitMode, busyPoll, records, adaptiveSpin);
        }

        /**
         * Chooses the adaptive spin (see "Adaptive spinning").
         *
         * @param spin the most a poll spins before it sleeps while records arrive within that
         *             time of each other (zero: never, as libbpf)
         * @return these options with that adaptive spin
         */
        public Options withAdaptiveSpin(Duration spin) {
            return new Options(edgeTriggered, commitMode, busyPoll, perRingLimit, spin);
        }
    }

    /** One ring of the manager. */
    private static final class Entry {
        final ConsumerReader reader;
        final Consumer consumer;
        final RecordHandler handler;
        /** The mapping of a kernel ring (owned), or null for a JVM ring (owned by its JvmRing). */
        final KernelRingMemory memory;
        /** Edge-triggered or explicit: the last consume stopped with records left. */
        boolean leftover;

        Entry(ConsumerReader reader, RecordHandler handler, KernelRingMemory memory) {
            this.reader = reader;
            this.consumer = reader.consumer();
            this.handler = handler;
            this.memory = memory;
        }
    }

    private final Options options;
    private final boolean explicit;
    /** The most records one ring delivers per round ({@link Options#perRingLimit}). */
    private final int limit;
    private final long busyPollNanos;
    /** The adaptive spin's limit ({@link Options#adaptiveSpin}); 0 when off or busy polling. */
    private final long adaptiveSpinNanos;
    /** How long the next poll spins: the limit or 0 (see {@link #afterSleep}). Polls run one at a time: plain fields. */
    private long spinBudget;
    /** Spins in a row that found nothing, up to {@link #MAX_BACKOFF}. */
    private int failedSpins;
    /** Wakeups with records to let pass before the next spin: {@code 2^failedSpins} after a failed one. */
    private int wakeupsUntilSpin;
    private final Epoll epoll;
    private final List<Entry> rings = new ArrayList<>();
    /** The JVM rings' wakeup words, and the set that waits on all of them. */
    private final List<FutexEventCount> wakeups = new ArrayList<>();
    private volatile FutexWaitSet waitSet;
    /** Whether the rings are JVM rings (decided by the first ring). */
    private boolean jvmRings;
    private final AtomicInteger activePolls = new AtomicInteger();
    private volatile boolean closed;

    private RingBuffer(Options options) {
        this.options = Objects.requireNonNull(options, "options");
        this.explicit = options.commitMode() == CommitMode.EXPLICIT;
        this.limit = options.perRingLimit();
        long spin;
        try {
            spin = options.busyPoll().toNanos();
        } catch (ArithmeticException e) {
            spin = Long.MAX_VALUE; // centuries: spins until records come
        }
        this.busyPollNanos = spin;
        long adaptive;
        try {
            adaptive = options.adaptiveSpin().toNanos();
        } catch (ArithmeticException e) {
            adaptive = Long.MAX_VALUE;
        }
        this.adaptiveSpinNanos = spin > 0 ? 0 : adaptive;
        this.epoll = new Epoll();
    }

    /**
     * Creates a manager with a first kernel ring ({@code ring_buffer__new}), libbpf's defaults.
     *
     * @param map a RINGBUF map; not owned: close it yourself after the manager
     * @param handler receives the ring's records
     * @return the manager
     * @throws ErrnoException EINVAL if the map is not a RINGBUF; the errno of a refused mmap
     */
    public static RingBuffer create(BpfMap map, RecordHandler handler) {
        return create(map.fd(), handler, Options.DEFAULT);
    }

    /**
     * Creates a manager with a first kernel ring.
     *
     * @param map a RINGBUF map; not owned
     * @param handler receives the ring's records
     * @param options how to wait and commit
     * @return the manager
     * @throws ErrnoException EINVAL if the map is not a RINGBUF; the errno of a refused mmap
     */
    public static RingBuffer create(BpfMap map, RecordHandler handler, Options options) {
        return create(map.fd(), handler, options);
    }

    /**
     * Creates a manager with a first kernel ring, by map fd ({@code ring_buffer__new}).
     *
     * @param mapFd a RINGBUF map fd; not owned
     * @param handler receives the ring's records
     * @return the manager
     * @throws ErrnoException EINVAL if the fd is not a RINGBUF map; the errno of a refused mmap
     */
    public static RingBuffer create(int mapFd, RecordHandler handler) {
        return create(mapFd, handler, Options.DEFAULT);
    }

    /**
     * Creates a manager with a first kernel ring, by map fd.
     *
     * @param mapFd a RINGBUF map fd; not owned
     * @param handler receives the ring's records
     * @param options how to wait and commit
     * @return the manager
     * @throws ErrnoException EINVAL if the fd is not a RINGBUF map; the errno of a refused mmap
     */
    public static RingBuffer create(int mapFd, RecordHandler handler, Options options) {
        RingBuffer rb = new RingBuffer(options);
        try {
            rb.add(mapFd, handler);
        } catch (RuntimeException | Error e) {
            rb.close();
            throw e;
        }
        return rb;
    }

    /**
     * Creates a manager with a first JVM ring.
     *
     * @param ring a RINGBUF JVM ring; its reading side is claimed ({@link JvmRing#reader}); the
     *             ring stays the caller's to close, after the manager
     * @param handler receives the ring's records
     * @param options how to wait and commit ({@code edgeTriggered} does not apply)
     * @return the manager
     * @throws ErrnoException EINVAL if the ring is not a RINGBUF; EBUSY if its reader is another
     *                        process's
     */
    public static RingBuffer create(JvmRing ring, RecordHandler handler, Options options) {
        RingBuffer rb = new RingBuffer(options);
        try {
            rb.add(ring, handler);
        } catch (RuntimeException | Error e) {
            rb.close();
            throw e;
        }
        return rb;
    }

    /**
     * Adds a kernel ring with its own handler ({@code ring_buffer__add}). Rings keep their index
     * (the order of adding) and their reader.
     *
     * @param map a RINGBUF map; not owned
     * @param handler receives the ring's records
     * @return this manager
     * @throws ErrnoException EINVAL if the map is not a RINGBUF; the errno of a refused mmap
     * @throws IllegalArgumentException if this manager holds JVM rings
     */
    public RingBuffer add(BpfMap map, RecordHandler handler) {
        return add(map.fd(), handler);
    }

    /**
     * Adds a kernel ring by map fd ({@code ring_buffer__add}).
     *
     * @param mapFd a RINGBUF map fd; not owned
     * @param handler receives the ring's records
     * @return this manager
     * @throws ErrnoException EINVAL if the fd is not a RINGBUF map; the errno of a refused mmap
     * @throws IllegalArgumentException if this manager holds JVM rings
     */
    public RingBuffer add(int mapFd, RecordHandler handler) {
        return add(mapFd, handler, null);
    }

    /**
     * Adds a kernel ring whose lost count is a lost-counter map's (see
     * {@link BpfMap#createLostCounter} and {@code include/jringbuf_lost.h}).
     *
     * @param map a RINGBUF map; not owned
     * @param handler receives the ring's records
     * @param lostCounter the ring's per-CPU lost counter, added up over the CPUs; null for none
     * @return this manager
     * @throws ErrnoException EINVAL if the map is not a RINGBUF; the errno of a refused mmap
     * @throws IllegalArgumentException if this manager holds JVM rings
     */
    public RingBuffer add(BpfMap map, RecordHandler handler, BpfMap lostCounter) {
        return add(map.fd(), handler, lostCounter);
    }

    /**
     * Adds a ring of a loaded object, by name; the object's {@code RING_lost} counter, if it
     * declares one, is the ring's lost count.
     *
     * @param object a loaded object
     * @param ringName its RINGBUF map's name
     * @param handler receives the ring's records
     * @return this manager
     * @throws ErrnoException ENOENT if the object has no such map; EINVAL naming the map and both
     *                        types if it is not a RINGBUF
     * @throws IllegalArgumentException if this manager holds JVM rings
     */
    public RingBuffer add(BpfObject object, String ringName, RecordHandler handler) {
        return add(object.map(ringName).fd(), handler, object.lostCounter(ringName).orElse(null));
    }

    /**
     * Creates a manager with a first ring of a loaded object, by name (see
     * {@link #add(BpfObject, String, RecordHandler)}).
     *
     * @param object a loaded object
     * @param ringName its RINGBUF map's name
     * @param handler receives the ring's records
     * @param options how to wait and commit
     * @return the manager
     * @throws ErrnoException ENOENT if the object has no such map; EINVAL if it is not a RINGBUF
     */
    public static RingBuffer create(BpfObject object, String ringName, RecordHandler handler, Options options) {
        RingBuffer rb = new RingBuffer(options);
        try {
            rb.add(object, ringName, handler);
        } catch (RuntimeException | Error e) {
            rb.close();
            throw e;
        }
        return rb;
    }

    private synchronized RingBuffer add(int mapFd, RecordHandler handler, BpfMap lostCounter) {
        Objects.requireNonNull(handler, "handler");
        checkOpen("add");
        checkKind(false);
        MapInfo info = BpfMap.requireType(mapFd, MapType.RINGBUF);
        KernelRingMemory memory = KernelRingMemory.forConsumer(mapFd, info.maxEntries());
        try {
            ConsumerReader reader = KernelRingReader.reader(memory, options.commitMode(), mapFd, info, lostCounter);
            // Explicit readers keep records they have read, so a level-triggered fd would always
            // be ready: wait for edges (and look again every millisecond, see "Explicit commit").
            boolean et = options.edgeTriggered() || explicit;
            epoll.add(mapFd, Sys.EPOLLIN | (et ? Sys.EPOLLET : 0), rings.size(), "RINGBUF fd " + mapFd);
            rings.add(new Entry(reader, handler, memory));
            jvmRings = false;
        } catch (RuntimeException | Error e) {
            memory.close();
            throw e;
        }
        return this;
    }

    /**
     * Adds a JVM ring with its own handler.
     *
     * @param ring a RINGBUF JVM ring; its reading side is claimed ({@link JvmRing#reader}); the
     *             ring stays the caller's to close, after the manager
     * @param handler receives the ring's records
     * @return this manager
     * @throws ErrnoException EINVAL if the ring is not a RINGBUF; EBUSY if its reader is another
     *                        process's
     * @throws IllegalArgumentException if this manager holds kernel rings
     * @throws IllegalStateException if the ring's reader was made with another commit mode
     */
    public synchronized RingBuffer add(JvmRing ring, RecordHandler handler) {
        Objects.requireNonNull(handler, "handler");
        checkOpen("add");
        checkKind(true);
        if (ring.type() != RingType.RINGBUF) {
            throw new ErrnoException(Errno.EINVAL, "add " + ring + ": a RingBuffer consumes RINGBUF rings, not "
                    + ring.type() + " (drain it with its own reader)");
        }
        ConsumerReader reader = (ConsumerReader) ring.reader(options.commitMode());
        rings.add(new Entry(reader, handler, null));
        wakeups.add(ring.dataWakeup());
        waitSet = new FutexWaitSet(wakeups);
        jvmRings = true;
        return this;
    }

    private void checkKind(boolean jvm) {
        if (!rings.isEmpty() && jvmRings != jvm) {
            throw new IllegalArgumentException("a RingBuffer holds either kernel rings (it waits in epoll) or JVM"
                    + " rings (it waits on futexes), not both; this one holds " + (jvmRings ? "JVM" : "kernel")
                    + " rings");
        }
    }

    /** {@return the number of rings} */
    public synchronized int ringCount() {
        return rings.size();
    }

    /**
     * The reader of the ring added {@code index}-th ({@code ring_buffer__ring}): its positions,
     * its own {@code consume}/{@code poll} with another handler, and {@code commit}. Owned by
     * this manager (a JVM ring's by its {@link JvmRing}); valid until the manager is closed.
     *
     * @param index 0 for the first ring added
     * @return the ring's reader
     * @throws ErrnoException ERANGE if there is no such ring (libbpf: NULL, errno ERANGE)
     */
    public synchronized RingReader ring(int index) {
        if (index < 0 || index >= rings.size()) {
            throw new ErrnoException(Errno.ERANGE, "ring(" + index + "): this manager has " + rings.size() + " rings");
        }
        return rings.get(index).reader;
    }

    /**
     * The epoll fd of a manager of kernel rings, to integrate into another event loop; then call
     * {@link #consume()} ({@code ring_buffer__epoll_fd}). With {@link Options#busyPoll} or the
     * adaptive spin, a {@link #poll} that did not sleep may leave rings holding back a record (see
     * "Busy polling"), and a holding ring sends no edge-triggered wakeups and is always level-triggered
     * ready: call {@link #consume()}, which publishes every ring's position first, before waiting
     * on this fd.
     *
     * @return the epoll fd
     * @throws IllegalStateException for a manager of JVM rings, which waits on futexes
     */
    public int epollFd() {
        if (jvmRings) {
            throw new IllegalStateException("a RingBuffer of JVM rings waits on futexes and has no epoll fd to share");
        }
        return epoll.fd();
    }

    /**
     * Waits without a time limit until a ring has records (or {@link #wakeUp()}/{@link #close()}),
     * then consumes the rings that are ready: {@code ring_buffer__poll(rb, -1)}.
     *
     * @return records delivered (0 if woken without records)
     * @throws ErrnoException EBADF if the manager is closed, or the errno of the wait
     */
    public int poll() {
        return poll(Blocking.FOREVER);
    }

    /**
     * Waits up to {@code timeout} for a ring to have records, then consumes the rings that are
     * ready ({@code ring_buffer__poll}).
     *
     * @param timeout how long to wait (see {@link RingReader} "Timeouts")
     * @return records delivered, saturating at {@link Integer#MAX_VALUE}; 0 on timeout or
     *         {@link #wakeUp()}
     * @throws ErrnoException EBADF if the manager is closed, or the errno of the wait
     */
    public int poll(Duration timeout) {
        return poll(Blocking.toNanos(timeout));
    }

    private int poll(long nanos) {
        activePolls.incrementAndGet();
        try {
            checkOpen("poll");
            long start = System.nanoTime();
            long budget = busyPollNanos > 0 ? busyPollNanos : spinBudget;
            if (budget > 0) {
                int n = spin(nanos == Blocking.FOREVER ? budget : Math.min(budget, nanos), start);
                if (n > 0 || nanos == 0 || closed) {
                    return afterSpin(n);
                }
                // About to sleep. Records committed while the rings were held back sent no
                // wakeup: store the whole positions with the missed-wakeup fence (consume
                // settles first) and consume once more; a record committed after that finds the
                // reader caught up and wakes it.
                n = consumeRings(Integer.MAX_VALUE);
                if (n > 0) {
                    return afterSpin(n);
                }
                spinFailed();
            } else if (options.edgeTriggered() || explicit) {
                int n = consumeLeftovers();
                if (n > 0) {
                    return n;
                }
            }
            return afterSleep(jvmRings ? awaitJvmRings(nanos, start) : awaitKernelRings(nanos, start));
        } finally {
            activePolls.decrementAndGet();
        }
    }

    /** The most spins in a row that found nothing before the adaptive spin backs off fully. */
    private static final int MAX_BACKOFF = 6;

    /**
     * The adaptive spin after a spin that delivered {@code n} records: a stream is still coming,
     * spin again next time (0 only for a poll that may not wait, or a closed manager).
     *
     * @return {@code n}
     */
    private int afterSpin(int n) {
        if (adaptiveSpinNanos > 0) {
            if (n > 0) {
                failedSpins = 0;
                wakeupsUntilSpin = 0;
                spinBudget = adaptiveSpinNanos;
            } else {
                spinBudget = 0;
            }
        }
        return n;
    }

    /**
     * The adaptive spin after a spin that found nothing in its whole budget: the records come
     * further apart than the spin. Back off: the next 2, 4, ... 64 wakeups sleep at once, so that
     * records arriving just beyond the spin's reach cost at most one wasted spin per 64 records.
     */
    private void spinFailed() {
        if (adaptiveSpinNanos > 0) {
            failedSpins = Math.min(failedSpins + 1, MAX_BACKOFF);
            wakeupsUntilSpin = 1 << failedSpins;
            spinBudget = 0;
        }
    }

    /**
     * The adaptive spin after a poll that slept: woken with records, the next poll spins (a
     * stream may have started; a sleep costs a wake-up latency that a spin does not), unless it
     * is backing off; after a timeout or a wakeUp it does not (an idle consumer costs no CPU).
     *
     * @return {@code n}
     */
    private int afterSleep(int n) {
        if (adaptiveSpinNanos > 0) {
            if (n > 0) {
                if (wakeupsUntilSpin > 0) {
                    wakeupsUntilSpin--;
                }
                spinBudget = wakeupsUntilSpin == 0 ? adaptiveSpinNanos : 0;
            } else {
                spinBudget = 0;
            }
        }
        return n;
    }

    private int awaitKernelRings(long nanos, long start) {
        for (;;) {
            long remaining = nanos == Blocking.FOREVER ? Blocking.FOREVER : nanos - (System.nanoTime() - start);
            boolean shortWait = explicit && anyUncommitted();
            long wait = shortWait ? Math.min(Math.max(remaining, 0), EXPLICIT_LOOK_NANOS) : Math.max(remaining, 0);
            int ready = epoll.await(Epoll.toMillis(wait));
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
            int n = shortWait ? consumeAfterLook(ready) : consumeReady(ready);
            if (n > 0 || !shortWait || closed || woken(ready)) {
                return n;
            }
            if (nanos != Blocking.FOREVER && System.nanoTime() - start >= nanos) {
                return 0;
            }
        }
    }

    private int awaitJvmRings(long nanos, long start) {
        FutexWaitSet set = waitSet;
        long remaining = nanos == Blocking.FOREVER ? Blocking.FOREVER
                : Math.max(0, nanos - (System.nanoTime() - start));
        // A ring that delivers records right after a signalled wait counts that wakeup (futex_waitv
        // wakes the one set, not a ring).
        boolean[] signalled = {false};
        Waiter counting = new Waiter() {
            @Override
            public long prepareWait() {
                return set.prepareWait();
            }

            @Override
            public int await(long token, long nanos) {
                int outcome = set.await(token, nanos);
                signalled[0] |= outcome == SIGNALLED;
                return outcome;
            }

            @Override
            public void cancelWait() {
                set.cancelWait();
            }

            @Override
            public void interrupt() {
                set.interrupt();
            }
        };
        try {
            long got = Blocking.await(counting, remaining, explicit ? EXPLICIT_LOOK_NANOS : Blocking.SLICE_NANOS, () -> {
                long total = 0;
                for (int i = 0; i < rings.size() && total < Integer.MAX_VALUE; i++) {
                    int n = consumeRing(i, (int) (Integer.MAX_VALUE - total));
                    if (n > 0 && signalled[0]) {
                        rings.get(i).reader.countWakeup();
                    }
                    total += n;
                }
                signalled[0] = false;
                return total > 0 ? total : -1;
            }, this::shouldLookAgain);
            return got > 0 ? (int) Math.min(got, Integer.MAX_VALUE) : 0;
        } catch (IllegalStateException | InternalError e) {
            // The wait set's futex words are in the rings' files: a fault there is the ring's.
            if (RingFaults.isMappingFault(e)) {
                for (Entry r : rings) { // blame a ring whose file was truncated, if one was
                    SharedRingMemory memory = RingFaults.ringOf(r.consumer.buffer());
                    if (memory != null) {
                        memory.checkFile("poll");
                    }
                }
            }
            for (Entry r : rings) {
                ErrnoException fault = RingFaults.translate(e, r.consumer.buffer(), "poll");
                if (fault != null) {
                    throw fault;
                }
                if (!r.consumer.isOpen()) {
                    throw new ErrnoException(Errno.EBADF, "poll: a ring of this manager is closed", e);
                }
            }
            throw e;
        }
    }

    /** After a sleep slice: a dead producer's record at a head, or uncommitted records (explicit). */
    private boolean shouldLookAgain() {
        boolean again = false;
        for (Entry r : rings) {
            again |= r.consumer.deadPeerAtHead() || (explicit && r.consumer.hasUncommitted());
        }
        return again;
    }

    private boolean anyUncommitted() {
        for (Entry r : rings) {
            if (r.consumer.hasUncommitted()) {
                return true;
            }
        }
        return false;
    }

    /** How often an explicit-commit poll looks again while rings hold uncommitted records. */
    private static final long EXPLICIT_LOOK_NANOS = 1_000_000L;

    private boolean woken(int ready) {
        for (int i = 0; i < ready; i++) {
            if (epoll.data(i) == Epoll.WAKE_DATA) {
                return true;
            }
        }
        return false;
    }

    private int consumeReady(int ready) {
        long total = 0;
        for (int i = 0; i < ready; i++) {
            long data = epoll.data(i);
            if (data == Epoll.WAKE_DATA) {
                epoll.clearWake();
                continue;
            }
            rings.get((int) data).reader.countWakeup();
            total += consumeRing((int) data, Integer.MAX_VALUE);
            if (total >= Integer.MAX_VALUE) {
                break;
            }
        }
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /** An explicit-commit look: producers may have sent no edge, so every ring is consumed. */
    private int consumeAfterLook(int ready) {
        for (int i = 0; i < ready; i++) {
            if (epoll.data(i) == Epoll.WAKE_DATA) {
                epoll.clearWake();
            }
        }
        return consumeRings(Integer.MAX_VALUE);
    }

    private int consumeRing(int index, int want) {
        int n = Math.min(want, limit);
        Entry ring = rings.get(index);
        if (!options.edgeTriggered() && !explicit) {
            return ring.reader.consume(ring.handler, n);
        }
        // Edge-triggered: remember a ring left with records, so the next poll drains it first.
        ring.leftover = true;
        int got = ring.reader.consume(ring.handler, n);
        ring.leftover = explicit ? ring.consumer.producerPosition() != ring.consumer.readPosition()
                : ring.reader.availableBytes() > 0;
        return got;
    }

    /**
     * How long a busy poll waits (spinning) after a look that found nothing. A reader that has
     * caught up and loads {@code producer_pos} every few nanoseconds takes that cache line (and
     * the next header's) from the producer on every record; looking once a microsecond, it finds
     * several records per look and a record waits at most this much longer (measured in
     * bench/KERNEL-NOTES.md, "K2 busy poll").
     */
    private static final long LOOK_INTERVAL_NANOS = 1_000;

    /**
     * Spins, consuming every ring holding (explicit readers simply read), until a pass delivers
     * records, {@code budget} nanoseconds have passed since {@code start}, or the manager closes.
     *
     * @return records delivered by the pass that found some, or 0
     */
    private int spin(long budget, long start) {
        for (;;) {
            long total = 0;
            for (int i = 0; i < rings.size() && total < Integer.MAX_VALUE; i++) {
                Entry r = rings.get(i);
                int n = (int) Math.min(Integer.MAX_VALUE - total, limit);
                total += r.reader.consumeHolding(r.handler, n);
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

    /**
     * One round: consumes at most {@code n} records across the rings, in the order they were
     * added, each ring at most {@link #limit}.
     */
    private int consumeRings(int n) {
        long total = 0;
        for (int i = 0; i < rings.size() && total < n; i++) {
            total += consumeRing(i, (int) (n - total));
        }
        return (int) total;
    }

    /** Rounds until the rings are empty or {@code n} records were delivered (one if no limit). */
    private int consumeRounds(int n) {
        long total = 0;
        int round;
        do {
            round = consumeRings((int) (n - total));
            total += round;
        } while (limit != Integer.MAX_VALUE && round > 0 && total < n);
        return (int) total;
    }

    private int consumeLeftovers() {
        long total = 0;
        for (int i = 0; i < rings.size() && total < Integer.MAX_VALUE; i++) {
            if (rings.get(i).leftover) {
                total += consumeRing(i, Integer.MAX_VALUE);
            }
        }
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /**
     * Consumes every ring without waiting ({@code ring_buffer__consume}).
     *
     * @return records delivered, saturating at {@link Integer#MAX_VALUE}
     * @throws ErrnoException EBADF if the manager is closed
     */
    public int consume() {
        return consume(Integer.MAX_VALUE);
    }

    /**
     * Consumes at most {@code n} records across the rings, in the order they were added
     * ({@code ring_buffer__consume_n}); {@code n <= 0} delivers none.
     *
     * @param n the most records to deliver
     * @return records delivered
     * @throws ErrnoException EBADF if the manager is closed
     */
    public int consume(int n) {
        activePolls.incrementAndGet();
        try {
            checkOpen("consume");
            if (busyPollNanos > 0 || adaptiveSpinNanos > 0) {
                // Rings a spinning poll left holding back a record, also those this call will not
                // reach (n), publish their whole positions (see epollFd).
                for (Entry r : rings) {
                    r.consumer.settle();
                }
            }
            return consumeRounds(n);
        } finally {
            activePolls.decrementAndGet();
        }
    }

    /** Makes a blocked {@link #poll} return (or the next one, if none is blocked). Any thread. */
    public void wakeUp() {
        epoll.wake();
        FutexWaitSet set = waitSet;
        if (set != null) {
            set.interrupt();
        }
    }

    /**
     * Wakes a blocked poll, waits (up to 10 s) for it to leave, unmaps every kernel ring and
     * closes the epoll set. The map fds and the JVM rings are not closed: they are the caller's.
     * Records read but not committed ({@link CommitMode#EXPLICIT}) stay in the rings.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        wakeUp();
        long deadline = System.nanoTime() + 10_000_000_000L;
        boolean drained = false;
        while (!(drained = activePolls.get() == 0) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000);
        }
        // A busy poll may have left a ring holding back its last record: publish it, unless a
        // poll is still running (a handler that did not return within the 10 s). A call that
        // starts from now on finds the manager closed before it touches a ring.
        synchronized (this) {
            for (Entry r : rings) {
                try {
                    if (drained && r.consumer.isOpen()) {
                        r.consumer.settle();
                    }
                } catch (RuntimeException e) {
                    // Closing regardless: a held record that could not be published is delivered
                    // again by the ring's next reader (never lost).
                } finally {
                    if (r.memory != null) {
                        r.reader.closeWaiter();
                        r.memory.close();
                    }
                }
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
