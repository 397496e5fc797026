/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.wait.Waiter;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.wait.Blocking;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;


/**
 * The consumer of a RINGBUF-format ring: libbpf's {@code ringbuf_process_ring} with the 2026
 * missed-wakeup fix. The same code consumes a kernel {@code BPF_MAP_TYPE_RINGBUF} and a JVM ring.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Records are delivered in ring order, zero-copy, to a {@link RecordHandler}.</li>
 *   <li>A BUSY record (reserved, not yet committed) ends the call; the consumer stays parked at
 *       it, which is what the producers' adaptive wakeup rule relies on.</li>
 *   <li>A DISCARD record is skipped: the position moves past it, nothing is delivered or
 *       counted.</li>
 *   <li>A handler that returns false stops the call after its record; the record counts. A
 *       handler that throws stops the call too: the position has already moved past its record
 *       (the record is consumed) and the exception propagates.</li>
 *   <li>{@code consume(n)} delivers at most {@code n} records; {@code consume(0)} (or a negative
 *       n) delivers none and touches nothing. libbpf's {@code ring__consume_n(r, 0)} happens to
 *       deliver one record; this class does not copy that accident.</li>
 *   <li>Counts saturate at {@link Integer#MAX_VALUE}. Positions are 64-bit and compared by
 *       subtraction, so they are wrap-safe.</li>
 *   <li>A corrupt ring fails with {@link ErrnoException} EINVAL: corrupt positions (not a
 *       multiple of 8, more unconsumed bytes than the ring holds) before anything moves; a header
 *       whose record runs past the producer position after the records before it were delivered,
 *       which stay consumed ({@code consumer_pos} is published in both commit modes and the
 *       space notifier told, as when a handler throws).</li>
 * </ul>
 *
 * <h2>Memory ordering and the missed-wakeup fence</h2>
 * Producers decide whether to wake the consumer by loading {@code consumer_pos} right after a
 * full-barrier exchange of the header (adaptive rule: wake only if the consumer is parked at the
 * committed record). The consumer publishes {@code consumer_pos} with a release store and then
 * loads {@code producer_pos} or a header. Release/acquire does not order a store before a later
 * load of another word (StoreLoad), so without a full fence both sides can read the other's old
 * value: the producer sends no wakeup and the consumer goes to sleep with a committed record in
 * the ring. This class therefore issues {@link VarHandle#fullFence()} after publishing
 * {@code consumer_pos} and before every load whose result can end the call: the reload of
 * {@code producer_pos}, a header load that found BUSY (re-read after the fence), and every early
 * return (record bound, handler stop, handler exception), so that the first load of the next call
 * is fenced as well. A header load that finds a committed record decides nothing and needs no
 * fence, which keeps the per-record cost to one release store. Everywhere in jringbuf this fence is
 * called <em>the missed-wakeup fence</em>; libbpf's consumer lacked it until the 2026 fix.
 *
 * <h2>Batch commit</h2>
 * With {@code batchCommit}, {@code consumer_pos} is stored once per pass over the records visible
 * at one {@code producer_pos} load (and before any return, throw or BUSY check), instead of once per
 * record. Producers get the space back later, and records committed during a pass cause no
 * wakeup (the consumer is "behind"), which is correct because the consumer re-reads
 * {@code producer_pos} after publishing. Use it when handlers are fast.
 *
 * <h2>Holding, for consumers that spin</h2>
 * A producer wakes the consumer when, right after committing a record, it finds
 * {@code consumer_pos} equal to that record's position: the consumer has caught up and may be
 * asleep. A consumer that spins (polls without sleeping) is caught up most of the time, so every
 * record it is waiting for costs its producer a wakeup nobody needs; for a kernel ring that is an
 * irq_work and an interrupt per record. {@link #consumeHolding} consumes like {@link #consume} but
 * stores {@code consumer_pos} one record back: at the start of the last record it passed, a
 * position at which no record will be committed again before the consumer moves on, so no wakeup
 * is sent (the first commit after a {@link #settle} still wakes: about one wakeup per run of
 * holding calls). The consumer itself resumes after that record (no record is delivered twice).
 * A record larger than a sixteenth of the ring is not held back: it would cost producers that
 * much room. Before sleeping, {@link #settle} stores the whole position and issues the
 * missed-wakeup fence; {@link #consume} and {@link #poll} (with {@code n > 0}) settle first, so only an
 * uninterrupted run of holding calls holds back. While holding, {@code consumer_pos} (and
 * {@link #availableBytes}) count the last record as unconsumed, and producers have that much less
 * room; a consumer that dies while holding leaves that one record to be delivered again by the
 * next. A BUSY record left by a dead producer process (JVM rings) is reclaimed by the next
 * ordinary call, not while holding.
 *
 * <h2>Specialisation</h2>
 * The consume loop is {@link ConsumerLoopTemplate}'s: the generic class at first, a class of this
 * ring's own once the consumer is busy (see the package documentation, "Specialised hot paths").
 *
 * <h2>Overwrite rings</h2>
 * A consumer of an overwrite ring ({@code BPF_F_RB_OVERWRITE}, Linux 6.19; {@link #forKernelRing(RingView,
 * boolean, boolean)}, {@link #forJvmRing(RingView, boolean, Notifier, RingControl, boolean)}) runs
 * {@link OverwriteLoop} instead: it starts at {@code max(consumer_pos, overwrite_pos)}, copies the
 * records out, re-reads {@code overwrite_pos}, and delivers only the records that were intact,
 * from its copy (handlers get the copy's segment, not {@link #buffer()}); it counts the records
 * overwritten before it read them ({@link #lostRecords()}). Holding ({@link #consumeHolding})
 * consumes normally there, and explicit reading ({@link #read}) is refused.
 *
 * <h2>Threads</h2>
 * One consumer per ring, used by one thread at a time (the protocol is single-consumer).
 */
public final class Consumer {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    private final Notifier spaceNotifier;
    private final AbandonedRecords abandoned;
    private final Blocking.IdleCheck idleCheck;
    private final RingView view;
    private final boolean batchCommit;
    /** The loop of an overwrite ring, or null for an ordinary ring. */
    private final OverwriteLoop overwrite;
    /** The generic loop at first, this ring's own once it has delivered enough to be worth a class. */
    private Loop loop;
    /** Calls plus records left before the loop is specialised (Long.MAX_VALUE once tried). */
    private long untilSpecialized = Specializer.countdown(SPECIALIZE_AFTER);
    private boolean specialized;
    /** Whether consumption runs ahead of consumer_pos (see {@link #consumeHolding}). */
    private boolean holding;
    /**
     * While {@link #holding}: where consumption resumes, past every record delivered or skipped
     * (consumer_pos trails it by one record).
     */
    private long heldPosition;
    /** Whether records are being read ahead of consumer_pos (see {@link #read}). */
    private boolean reading;
    /**
     * While {@link #reading}: where the next read starts, past every record read (consumer_pos
     * trails it until {@link #commit}). Inside a handler: just past the record being delivered.
     */
    private long readPosition;

    /** For the factories, and for tests of this package (control null: a kernel ring). */
    Consumer(RingView view, boolean batchCommit, Notifier spaceNotifier, RingControl control) {
        this(view, batchCommit, spaceNotifier, control, false);
    }

    /** For the factories, and for tests of this package (control null: a kernel ring). */
    Consumer(RingView view, boolean batchCommit, Notifier spaceNotifier, RingControl control, boolean overwrite) {
        this.overwrite = overwrite ? new OverwriteLoop(view, batchCommit, control != null) : null;
        this.consumerPage = view.consumerPage();
        this.producerPage = view.producerPage();
        this.data = view.data();
        this.size = view.size();
        this.mask = view.mask();
        this.spaceNotifier = Objects.requireNonNull(spaceNotifier, "spaceNotifier");
        this.abandoned = control == null ? null : new AbandonedRecords(control);
        Blocking.IdleCheck dead = abandoned == null ? Blocking.IdleCheck.NEVER
                : () -> abandoned.deadPeerAtHead(consumerPage, producerPage, data, mask);
        // A lapped overwrite consumer looks again after each sleep slice (see OverwriteLoop).
        this.idleCheck = this.overwrite == null ? dead : () -> this.overwrite.lapped() || dead.shouldRetry();
        this.view = view;
        this.batchCommit = batchCommit;
        this.loop = Specializer.consumerLoop(view, batchCommit, false);
        if (untilSpecialized <= 0) {
            specialize(); // jringbuf.specialize=always
        }
    }

    /**
     * A consumer of a kernel {@code BPF_MAP_TYPE_RINGBUF}: the kernel sends the wakeups and keeps
     * no Java-side state.
     *
     * @param view the ring's memory (the producer page and data may be read-only)
     * @param batchCommit store {@code consumer_pos} once per pass instead of once per record
     */
    public static Consumer forKernelRing(RingView view, boolean batchCommit) {
        return new Consumer(view, batchCommit, Notifier.NONE, null);
    }

    /**
     * A consumer of a kernel {@code BPF_MAP_TYPE_RINGBUF}, ordinary or made with
     * {@code BPF_F_RB_OVERWRITE} (see "Overwrite rings"; the kernel keeps no lost count).
     *
     * @param view the ring's memory (the producer page and data may be read-only)
     * @param batchCommit store {@code consumer_pos} once per pass instead of once per record
     * @param overwrite whether the map has {@code BPF_F_RB_OVERWRITE}
     */
    public static Consumer forKernelRing(RingView view, boolean batchCommit, boolean overwrite) {
        return new Consumer(view, batchCommit, Notifier.NONE, null, overwrite);
    }

    /**
     * A consumer of a JVM ring: tells blocked producers about freed space, and reclaims BUSY
     * records of dead producer processes.
     *
     * @param view the ring's memory
     * @param batchCommit store {@code consumer_pos} once per pass instead of once per record
     * @param spaceNotifier told after a call that freed space
     * @param control the ring's control block
     */
    public static Consumer forJvmRing(RingView view, boolean batchCommit, Notifier spaceNotifier,
                                      RingControl control) {
        return new Consumer(view, batchCommit, spaceNotifier, Objects.requireNonNull(control, "control"));
    }

    /**
     * A consumer of a JVM ring, ordinary or overwrite (see "Overwrite rings": exact lost counts).
     *
     * @param view the ring's memory
     * @param batchCommit store {@code consumer_pos} once per pass instead of once per record
     * @param spaceNotifier told after a call that freed space
     * @param control the ring's control block
     * @param overwrite whether the ring was made with {@code BPF_F_RB_OVERWRITE}
     */
    public static Consumer forJvmRing(RingView view, boolean batchCommit, Notifier spaceNotifier,
                                      RingControl control, boolean overwrite) {
        return new Consumer(view, batchCommit, spaceNotifier, Objects.requireNonNull(control, "control"), overwrite);
    }

    /** {@return whether this consumer reads an overwrite ring (see "Overwrite rings")} */
    public boolean isOverwrite() {
        return overwrite != null;
    }

    /** {@return {@code overwrite_pos}, acquire-loaded; 0 for an ordinary ring} */
    public long overwritePosition() {
        try {
            return overwrite == null ? 0 : overwrite.overwritePosition();
        } catch (IllegalStateException e) {
            throw Closed.translate(e, data, "read overwrite_pos");
        }
    }

    /**
     * {@return records overwritten before they were read: a JVM overwrite ring's exact count
     * (over the ring's life, kept in the ring), -1 for a kernel overwrite ring (unknown), 0 for
     * an ordinary ring}
     */
    public long lostRecords() {
        try {
            return overwrite == null ? 0 : overwrite.lostRecords();
        } catch (IllegalStateException e) {
            throw Closed.translate(e, data, "read the lost count");
        }
    }

    /**
     * Consumes every committed record (up to {@link Integer#MAX_VALUE}), without waiting.
     *
     * @return records delivered (discarded records are not counted)
     */
    public int consume(RecordHandler handler) {
        return consume(handler, Integer.MAX_VALUE);
    }

    /**
     * Consumes at most {@code n} committed records, without waiting. {@code n <= 0} delivers none.
     *
     * @return records delivered (discarded records are not counted)
     * @throws ErrnoException EINVAL if the ring is corrupt, EBADF if it was closed
     */
    public int consume(RecordHandler handler, int n) {
        Objects.requireNonNull(handler, "handler");
        if (n <= 0) {
            return 0;
        }
        try {
            settle();
            return consumeLoop(handler, n);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "consume");
        }
    }

    /**
     * Consumes like {@link #consume(RecordHandler, int)}, for a thread that polls without
     * sleeping: {@code consumer_pos} is stored once per pass and trails by the last record passed,
     * so that the producers send no wakeups (see "Holding" above). Each call resumes where the
     * last one stopped. Call {@link #settle} before waiting for a wakeup; {@link #consume},
     * {@link #poll} and {@link #settle} end the holding.
     *
     * @return records delivered (discarded records are not counted)
     * @throws ErrnoException EINVAL if the ring is corrupt, EBADF if it was closed
     */
    public int consumeHolding(RecordHandler handler, int n) {
        Objects.requireNonNull(handler, "handler");
        if (n <= 0) {
            return 0;
        }
        if (overwrite != null) {
            return consume(handler, n); // no holding: its records are delivered from copies
        }
        try {
            if (!holding) {
                // Acquire: pairs with the release store of whichever consumer published it last.
                heldPosition = (long) LONG.getAcquire(consumerPage, 0L);
                holding = true;
            }
            return holdingLoop(handler, n);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "consume");
        }
    }

    /**
     * Ends a run of {@link #consumeHolding} calls: stores the whole consumed position in
     * {@code consumer_pos} and issues the missed-wakeup fence, so that a producer that commits
     * after this either sees the consumer caught up and wakes it, or committed early enough for
     * the consumer's next load of {@code producer_pos} to see the record. Does nothing if not
     * holding. Before sleeping, consume once more (or check {@code producer_pos}): records
     * committed while holding sent no wakeup.
     *
     * @throws ErrnoException EBADF if the ring was closed
     */
    public void settle() {
        if (!holding) {
            return;
        }
        holding = false;
        try {
            // Release: pairs with the producers' acquire loads of consumer_pos.
            LONG.setRelease(consumerPage, 0L, heldPosition);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "settle");
        }
        VarHandle.fullFence(); // missed-wakeup fence: publish consumer_pos before any later producer_pos load
        spaceNotifier.wakeUp();
    }

    /** {@return whether {@code consumer_pos} trails the consumption by a record ({@link #consumeHolding})} */
    public boolean isHolding() {
        return holding;
    }

    // ------------------------------------------------------------------ explicit commit

    /**
     * Reads committed records ahead of {@code consumer_pos}, without moving it, for a consumer
     * that commits explicitly ({@link #commit}) once it has put the records somewhere safe: the
     * ring keeps every record read but not committed, also through a crash of this process (the
     * next consumer starts at {@code consumer_pos}). The consume rules apply (see the class
     * Javadoc); a record whose handler threw counts as read. Each call resumes where the last one
     * stopped. Do not mix with {@link #consume} or {@link #consumeHolding} on one consumer.
     *
     * <p>Producers see a reader that is ahead of its committed position as behind, so their
     * adaptive rule sends it no wakeups while records are uncommitted; {@link #pollReading}
     * therefore looks again every {@link #READ_SLICE_NANOS} nanoseconds while it has any.
     *
     * @return records delivered (discarded records are not counted)
     * @throws ErrnoException EINVAL if the ring is corrupt, EBADF if it was closed
     */
    public int read(RecordHandler handler, int n) {
        Objects.requireNonNull(handler, "handler");
        if (n <= 0) {
            return 0;
        }
        if (overwrite != null) {
            throw new ErrnoException(Errno.EINVAL, "read: an overwrite ring's producers do not wait for the reader,"
                    + " so reading ahead of consumer_pos protects nothing; use per-record or batch commit");
        }
        try {
            if (!reading) {
                settle();
                // Acquire: pairs with the release store of whichever consumer published it last.
                readPosition = (long) LONG.getAcquire(consumerPage, 0L);
                reading = true;
            }
            return readLoop(handler, n);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "read");
        }
    }

    /**
     * {@link #read} with a wait of up to {@code nanos} for the first record.
     *
     * @return records delivered, 0 on timeout
     */
    public int pollReading(RecordHandler handler, int n, long nanos, Waiter waiter) {
        Objects.requireNonNull(handler, "handler");
        if (n <= 0) {
            return 0;
        }
        try {
            long got = Blocking.await(waiter, nanos, READ_SLICE_NANOS, () -> {
                int c = read(handler, n);
                return c > 0 ? c : -1;
            }, () -> hasUncommitted() || idleCheck.shouldRetry());
            return got > 0 ? (int) got : 0;
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "poll");
        }
    }

    /** How often a waiting {@link #pollReading} looks again while records are read but not committed. */
    static final long READ_SLICE_NANOS = 1_000_000L;

    /**
     * @return the position just past the last record read: inside a handler, just past the
     *         record being delivered; {@code consumer_pos} if nothing was read ahead
     */
    public long readPosition() {
        return reading ? readPosition : consumerPosition();
    }

    /** {@return whether records were read ahead of {@code consumer_pos} and not committed} */
    public boolean hasUncommitted() {
        return reading && readPosition != consumerPosition();
    }

    /**
     * Publishes {@code consumer_pos = position}: the records before it are consumed and their
     * space goes back to the producers. Then the missed-wakeup fence, so that a producer that
     * commits after this either sees the consumer caught up and wakes it, or committed early
     * enough for the consumer's next load of {@code producer_pos} to see the record.
     *
     * @param position a position returned by {@link #readPosition()}, between {@code consumer_pos}
     *                 and the read position (both included); {@code consumer_pos} itself does
     *                 nothing
     * @throws ErrnoException EINVAL if the position is outside that range or not a multiple of 8;
     *                        EBADF if the ring was closed
     */
    public void commit(long position) {
        try {
            long cons = consumerPosition();
            long read = readPosition();
            if ((position & 7) != 0 || position - cons < 0 || read - position < 0) {
                throw new ErrnoException(Errno.EINVAL, "commit: position " + position + " is not between consumer_pos "
                        + cons + " and the read position " + read);
            }
            if (position == cons) {
                return;
            }
            // Release: the handlers' reads of the records happen before producers reuse their
            // space (pairs with the producers' acquire loads of consumer_pos).
            LONG.setRelease(consumerPage, 0L, position);
            VarHandle.fullFence(); // missed-wakeup fence: publish consumer_pos before any later producer_pos load
            spaceNotifier.wakeUp();
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "commit");
        }
    }

    /**
     * The loop of {@link #read}: the consume rules, with no {@code consumer_pos} store; the read
     * position is kept in {@link #readPosition} before each handler call so that the handler can
     * ask for it.
     */
    private int readLoop(RecordHandler handler, int n) {
        final MemorySegment data = this.data;
                long cons = readPosition;
        int count = 0;
        for (;;) {
            // Acquire: pairs with the producer's release store of producer_pos at reservation time.
            long prod = (long) LONG.getAcquire(producerPage, 0L);
            long avail = prod - cons;
            if (avail <= 0) {
                return count;
            }
            checkPass(cons, prod, avail);
            while (avail > 0) {
                long headerOffset = cons & mask;
                // Acquire: pairs with the producer's exchange (or release store) of the header at
                // commit, so the payload written before the commit is visible.
                int header = (int) INT.getAcquire(data, headerOffset);
                if (header < 0) {
                    header = busyHeader(data, headerOffset, cons);
                    if (header < 0) {
                        return count; // BUSY: the next read resumes here
                    }
                }
                long len = RingLayout.recordSizeOfHeader(header);
                if (len > avail) {
                    throw corruptHeader(cons, header, avail);
                }
                cons += len;
                avail -= len;
                readPosition = cons;
                if ((header & RingLayout.DISCARD_BIT) == 0) {
                    boolean more = handler.onRecord(data, headerOffset + RingLayout.HEADER_SIZE,
                            header & RingLayout.LENGTH_MASK);
                    count++;
                    if (!more || count >= n) {
                        return count;
                    }
                }
            }
        }
    }

    /**
     * Waits up to {@code nanos} until at least one record is delivered, then consumes every
     * committed record, at most {@code n}: {@link #consume(RecordHandler, int)} with a wait.
     *
     * @param waiter what to sleep on: the ring's data wakeups
     * @param nanos how long to wait; 0 does not wait, {@link Blocking#FOREVER} waits forever
     * @return records delivered, 0 on timeout (or when the thread is interrupted; its interrupt
     *         status stays set)
     */
    public int poll(RecordHandler handler, int n, long nanos, Waiter waiter) {
        Objects.requireNonNull(handler, "handler");
        if (n <= 0) {
            return 0;
        }
        try {
            long got = Blocking.await(waiter, nanos, () -> {
                int c = consume(handler, n);
                return c > 0 ? c : -1;
            }, idleCheck);
            return got > 0 ? (int) got : 0;
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "poll");
        }
    }

    /**
     * For a sleeping poller of several rings: whether this ring's head holds a record whose
     * producer process died (see {@link RingControl}); always false for kernel rings.
     *
     * @return true if the ring should be consumed again now
     */
    public boolean deadPeerAtHead() {
        return idleCheck.shouldRetry();
    }

    // ------------------------------------------------------------------ ring__ accessors

    /** {@return {@code consumer_pos}, acquire-loaded} */
    public long consumerPosition() {
        try {
            return (long) LONG.getAcquire(consumerPage, 0L);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "read consumer_pos");
        }
    }

    /** {@return {@code producer_pos}, acquire-loaded} */
    public long producerPosition() {
        try {
            return (long) LONG.getAcquire(producerPage, 0L);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "read producer_pos");
        }
    }

    /**
     * Unconsumed bytes, including BUSY and discarded records: a racy snapshot for heuristics and
     * reporting.
     */
    public long availableBytes() {
        if (overwrite != null) {
            try {
                return overwrite.availableBytes();
            } catch (IllegalStateException e) {
                throw Closed.translate(e, data, "read the positions");
            }
        }
        // Consumer first: a producer_pos loaded later is never older than it.
        long cons = consumerPosition();
        return producerPosition() - cons;
    }

    /**
     * {@link #availableBytes()} as the first step of {@code operation}: a failure names it.
     *
     * @param operation the caller's operation, for the error message
     * @return unconsumed bytes, a racy snapshot
     */
    public long availableBytes(String operation) {
        try {
            // Acquire loads, consumer first: pair with the release stores of the positions.
            long cons = (long) LONG.getAcquire(consumerPage, 0L);
            return (long) LONG.getAcquire(producerPage, 0L) - cons;
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, operation);
        }
    }

    /** {@return whether the ring's memory is still mapped} */
    public boolean isOpen() {
        return data.scope().isAlive();
    }

    /** {@return the data area size} */
    public long size() {
        return size;
    }

    /** {@return the data area (both copies), which handlers receive} */
    public MemorySegment buffer() {
        return data;
    }

    // ------------------------------------------------------------------ the loops

    private int consumeLoop(RecordHandler handler, int n) {
        if (overwrite != null) {
            return overwrite.run(this, handler, n);
        }
        int count = loop.run(this, handler, n);
        long left = untilSpecialized;
        if (left != Long.MAX_VALUE && (untilSpecialized = left - count - 1) <= 0) {
            specialize();
        }
        return count;
    }

    /**
     * The loop of {@link #consumeHolding}: the consume loop's rules (acquire loads, BUSY stops,
     * DISCARD skips, a header past {@code producer_pos} is EINVAL, the {@code n} limit, a handler
     * that stops or throws ends the call after its record), with consumer_pos stored at the start
     * of the last record passed ({@link #holdAt}) once per pass, after every eighth of the ring
     * within a pass, and at every exit, in both commit modes; BUSY records of dead producers are
     * left to the ordinary loop. Not per record: the kernel's producer loads consumer_pos at every
     * reservation and commit, and a store per record moves that cache line to the consumer's CPU
     * every time (measured slower: bench/KERNEL-NOTES.md, "K2: a busy poll that holds consumer_pos
     * back"). Its own plain loop, not the specialised template: a spinning consumer takes a few
     * records per call, and a holding variant of the template slowed the template's other loops
     * (same notes).
     */
    private int holdingLoop(RecordHandler handler, int n) {
        final MemorySegment data = this.data;
        final long start = heldPosition;
        long cons = start;
        long last = start; // the start of the last record passed
        int count = 0;
        for (;;) {
            // Acquire: pairs with the producer's release store of producer_pos at reservation time.
            long prod = (long) LONG.getAcquire(producerPage, 0L);
            long avail = prod - cons;
            if (avail <= 0) {
                break;
            }
            checkPass(cons, prod, avail);
            while (avail > 0) {
                long headerOffset = cons & mask;
                // Acquire: pairs with the producer's exchange (or release store) of the header at
                // commit, so the payload written before the commit is visible.
                int header = (int) INT.getAcquire(data, headerOffset);
                if (header < 0) {
                    // BUSY: stop, held one record back (its commit then sends no wakeup).
                    return holdingDone(count, start, cons, last);
                }
                long len = RingLayout.recordSizeOfHeader(header);
                if (len > avail) {
                    // The records delivered before by this call stay consumed, published in full.
                    if (cons != start) {
                        holdAt(cons, cons);
                        VarHandle.fullFence();
                        done(count, true);
                    }
                    throw corruptHeader(cons, header, avail);
                }
                last = cons;
                cons += len;
                avail -= len;
                if (cons - heldPosition >= size >>> PASS_STORE_SHIFT) {
                    holdAt(cons, last); // a long pass (a backlog) gives space back as it goes
                }
                if ((header & RingLayout.DISCARD_BIT) == 0) {
                    boolean more;
                    try {
                        more = handler.onRecord(data, headerOffset + RingLayout.HEADER_SIZE,
                                header & RingLayout.LENGTH_MASK);
                    } catch (Throwable t) {
                        // The record is consumed even though its handler failed.
                        holdingDone(count, start, cons, last);
                        throw t;
                    }
                    count++;
                    if (!more || count >= n) {
                        return holdingDone(count, start, cons, last);
                    }
                }
            }
            holdAt(cons, last);
        }
        return holdingDone(count, start, cons, last);
    }

    /**
     * Stores consumer_pos for a holding consumer: {@code last}, the start of the last record
     * passed, while consumption resumes at {@code cons}. A producer wakes the consumer only if
     * consumer_pos equals the position of the record it commits, and no record is committed at a
     * position already passed until the consumer moves on, so a consumer that spins costs the
     * producers no wakeups. A record of more than {@link #MAX_HELD_SHIFT a sixteenth} of the ring
     * is stored in full instead (holding it would take that much room from the producers; the
     * next commit may then wake the consumer). Release: the handler's reads of the records happen
     * before producers reuse their space (pairs with the producers' acquire loads of
     * consumer_pos).
     */
    private void holdAt(long cons, long last) {
        LONG.setRelease(consumerPage, 0L, cons - last > size >>> MAX_HELD_SHIFT ? cons : last);
        heldPosition = cons;
    }

    /** Records larger than {@code size >>> MAX_HELD_SHIFT} are not held back ({@link #holdAt}). */
    private static final int MAX_HELD_SHIFT = 4;

    /** A holding pass stores consumer_pos at least every {@code size >>> PASS_STORE_SHIFT} bytes. */
    private static final int PASS_STORE_SHIFT = 3;

    /** The end of a holding call: the store, and the fence the space notifier requires. */
    private int holdingDone(int count, long start, long cons, long last) {
        if (cons == start) {
            return count;
        }
        holdAt(cons, last);
        VarHandle.fullFence(); // Notifier: our consumer_pos store is visible before we tell it
        return done(count, true);
    }

    /**
     * Consume calls plus delivered records after which a consumer gets a loop of its own. Short
     * lived consumers (tests, tools) never pay for a class; a busy one gets it within a moment.
     */
    static final long SPECIALIZE_AFTER = 1 << 16;

    private void specialize() {
        untilSpecialized = Long.MAX_VALUE; // never again: 2^63 calls and records away
        Loop own = Specializer.trySpecialize(() -> Specializer.consumerLoop(view, batchCommit, true));
        if (own != null) {
            loop = own;
            specialized = true;
        }
    }

    /** {@return whether this consumer runs a loop specialised for its ring (for tests)} */
    boolean isSpecialized() {
        return specialized;
    }

    /** The consume loop, defined per ring by {@link Specializer} from {@link ConsumerLoopTemplate}. */
    interface Loop {
        /** One consume call: delivers at most {@code n > 0} records. */
        int run(Consumer owner, RecordHandler handler, int n);
    }

    /**
     * The head record read BUSY. Fence, so that our last consumer_pos store is globally visible
     * before the load that decides to stop (the missed-wakeup fence, BUSY variant), and re-read. For JVM rings,
     * a record abandoned by a dead producer is reclaimed as DISCARD.
     *
     * @return the header word now (still negative, i.e. BUSY, if consumption must stop)
     */
    int busyHeader(MemorySegment data, long headerOffset, long position) {
        VarHandle.fullFence();
        int header = (int) INT.getAcquire(data, headerOffset);
        if (header < 0 && abandoned != null
                && abandoned.reclaimIfAbandoned(data, headerOffset, position, header)) {
            header = (int) INT.getAcquire(data, headerOffset);
        }
        return header;
    }

    int done(int count, boolean advanced) {
        if (advanced) {
            // The caller fenced after its last consumer_pos store, as Notifier requires.
            spaceNotifier.wakeUp();
        }
        return count;
    }

    void checkPass(long cons, long prod, long avail) {
        if (((cons | prod) & 7) != 0 || avail > size) {
            throw new ErrnoException(Errno.EINVAL, "consume: corrupt ring positions: consumer_pos " + cons
                    + ", producer_pos " + prod + " (must be multiples of 8, at most " + size + " apart)");
        }
    }

    static ErrnoException corruptHeader(long cons, int header, long avail) {
        return new ErrnoException(Errno.EINVAL, "consume: corrupt record at position " + cons + ": header 0x"
                + Integer.toHexString(header) + " claims " + RingLayout.recordSizeOfHeader(header)
                + " bytes but only " + avail + " were published");
    }
}
