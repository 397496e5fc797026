/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.jringbuf.internal.format.RingFileDescriptor.LOST_RECORDS_OFFSET;
import static io.jringbuf.internal.format.RingFileDescriptor.OVERWRITE_SEQUENCE_OFFSET;
import static io.jringbuf.internal.format.RingFileDescriptor.OVERWRITTEN_RECORDS_OFFSET;
import static io.jringbuf.internal.format.RingFileDescriptor.RECORDS_BEFORE_OFFSET;
import static io.jringbuf.internal.format.RingLayout.DISCARD_BIT;
import static io.jringbuf.internal.format.RingLayout.HEADER_SIZE;
import static io.jringbuf.internal.format.RingLayout.LENGTH_MASK;
import static io.jringbuf.internal.format.RingLayout.OVERWRITE_POS_OFFSET;

/**
 * The consume loop of an overwrite ring ({@code BPF_F_RB_OVERWRITE}, Linux 6.19), kernel map or
 * JVM ring: the same code for both. Producers of such a ring ignore {@code consumer_pos} and may
 * overwrite a committed record while it is being read, so records are never delivered from the
 * ring itself.
 *
 * <h2>One pass</h2>
 * <ol>
 *   <li>Acquire-load {@code producer_pos}, then {@code overwrite_pos}; start at
 *       {@code max(position, overwrite_pos)} (the records before {@code overwrite_pos} are gone:
 *       counted lost, see below).</li>
 *   <li>Walk the headers from there (plain loads, then an acquire fence before the copy: a header
 *       that read a commit's exchange or release store orders that record's payload before the
 *       copy reads it), up to the first BUSY record, {@code producer_pos}, {@link #MAX_PASS_RECORDS} records or the copy buffer's
 *       size; remember the chain of record positions and headers.</li>
 *   <li>Copy those bytes out of the ring into a buffer owned by this loop (one bulk copy).</li>
 *   <li>Acquire fence (LoadLoad: the walk's and the copy's loads happen before what follows),
 *       then load {@code overwrite_pos} again. A producer publishes a new {@code overwrite_pos}
 *       before it stores a byte over any record below it, with a StoreStore fence in between
 *       (see {@code ProducerOpsTemplate#reserveOverwriting}; the kernel's producer on x86 keeps
 *       its stores in order by itself). So if the walk or the copy read any byte a producer wrote
 *       over a record at position {@code x}, this load sees {@code overwrite_pos > x}: every
 *       record at or after the re-read value was intact in the copy.</li>
 *   <li>Records below the re-read value are discarded (counted lost); if the chain passes through
 *       the new start, the rest of the chain is delivered from the copy, else (the walk itself
 *       read overwritten headers) the pass starts again there.</li>
 * </ol>
 * Handlers receive the copy's segment, never the ring: zero-copy delivery is not safe when a
 * producer may overwrite the record during the handler. Nothing is allocated per record: the copy
 * buffer grows only for a record larger than any before.
 *
 * <h2>Lost records</h2>
 * JVM rings count exactly: producers keep the number of committed, not discarded records before
 * {@code overwrite_pos} (W) and publish it with {@code overwrite_pos} under a sequence word
 * (seqlock); this loop keeps the number of such records before its position (T) beside
 * {@code consumer_pos} in the consumer page, so that a reopened reader continues. When the
 * position falls behind {@code overwrite_pos}, it reads the pair consistently, counts
 * {@code W - T} lost (also in the consumer page, for every process to see) and moves to that
 * {@code overwrite_pos}. A reader that finds the sequence odd for
 * {@link #SEQUENCE_PATIENCE_NANOS} ends its call where it is, without moving or counting (the next
 * call or poll slice tries again): the producer may only be slow (descheduled, or stopped at a
 * safepoint, which the reader's clock counts too), and taking a half-written pair would count
 * wrong (the jcstress test {@code OverwriteCopyRecheck} caught that, 1 sample in 826). A producer
 * process that died inside its three-store publication leaves the sequence odd until the next
 * reservation repairs it; until then the reader waits there. The kernel keeps no such count: for
 * kernel rings the lost count is unknown.
 *
 * <h2>Committing and wakeups</h2>
 * As the ordinary consume loop: {@code consumer_pos} (and, for JVM rings, T) is stored after each
 * record, or once per pass in batch mode, before the handler runs (a handler that throws leaves
 * its record consumed); every store is followed by the missed-wakeup fence before the next load
 * of {@code producer_pos} or a return; a BUSY record ends the call after a fenced re-read. The
 * producers' adaptive wakeup rule is unchanged, so the consumer is woken when a record is
 * committed where it is parked; a reader that falls behind {@code overwrite_pos} while it sleeps
 * is found by the poll's look after each sleep slice.
 */
final class OverwriteLoop {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** The most records one pass walks (the chain arrays' size). */
    static final int MAX_PASS_RECORDS = 4096;
    /**
     * The copy buffer's size (a ring smaller than this gets a buffer of its size): small enough
     * that the copy is still in the first-level caches when the handlers read it, large enough
     * that the per-pass loads and fences are spread over many records.
     */
    static final long COPY_BYTES = 32 * 1024;
    /** How long a reader waits for an odd sequence word before it ends the call unmoved ({@code NOT_NOW}). */
    static final long SEQUENCE_PATIENCE_NANOS = 1_000_000L;
    /** What {@link #jump} returns when the pair was not readable in time (odd: never a position). */
    private static final long NOT_NOW = -1L;
    /** Passes in one call that start again because producers lapped the walk, before the call returns. */
    static final int MAX_RESTARTS = 1 << 10;
    /** Passes that find overwrite_pos ahead of producer_pos before the positions count as corrupt. */
    private static final int CORRUPT_AFTER_SPINS = 1 << 20;

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    private final boolean counted;
    private final boolean batchCommit;
    private final Arena arena = Arena.ofAuto();
    private MemorySegment copy;
    private final long[] chain = new long[MAX_PASS_RECORDS + 1];
    private final int[] headers = new int[MAX_PASS_RECORDS];
    /** T: committed, not discarded records before the position (JVM rings; read at each call). */
    private long recordsBefore;
    /** Records this ring lost, as this loop counted them (JVM rings; read at each call). */
    private long lost;

    /**
     * @param view the ring's memory
     * @param batchCommit store {@code consumer_pos} once per pass instead of once per record
     * @param counted whether the ring keeps the record counts (JVM rings: producer page 40 bytes,
     *                consumer page 24 bytes)
     */
    OverwriteLoop(RingView view, boolean batchCommit, boolean counted) {
        this.consumerPage = view.consumerPage();
        this.producerPage = view.producerPage();
        this.data = view.data();
        this.size = view.size();
        this.mask = view.mask();
        this.batchCommit = batchCommit;
        this.counted = counted;
        long need = counted ? OVERWRITTEN_RECORDS_OFFSET + 8 : OVERWRITE_POS_OFFSET + 8;
        if (producerPage.byteSize() < need || (counted && consumerPage.byteSize() < LOST_RECORDS_OFFSET + 8)) {
            throw new ErrnoException(Errno.EINVAL, "overwrite ring: the position pages are too small for "
                    + "overwrite_pos" + (counted ? " and the record counts" : ""));
        }
        this.copy = arena.allocate(Math.min(size, COPY_BYTES), 8);
    }

    /** {@return whether this ring keeps exact lost counts (JVM rings)} */
    boolean counted() {
        return counted;
    }

    /** {@return {@code overwrite_pos}, acquire-loaded} */
    long overwritePosition() {
        return (long) LONG.getAcquire(producerPage, OVERWRITE_POS_OFFSET);
    }

    /**
     * {@return records lost so far: for a JVM ring the count in its consumer page (every reader
     * of the ring's life), -1 for a kernel ring (unknown)}
     */
    long lostRecords() {
        return counted ? (long) LONG.getOpaque(consumerPage, LOST_RECORDS_OFFSET) : -1;
    }

    /** {@return whether {@code overwrite_pos} is ahead of {@code consumer_pos}: the reader was lapped} */
    boolean lapped() {
        long cons = (long) LONG.getAcquire(consumerPage, 0L);
        return overwritePosition() - cons > 0;
    }

    /** {@return unconsumed bytes: {@code producer_pos - max(consumer_pos, overwrite_pos)}, a racy snapshot} */
    long availableBytes() {
        long cons = (long) LONG.getAcquire(consumerPage, 0L);
        long ow = overwritePosition();
        long prod = (long) LONG.getAcquire(producerPage, 0L);
        return Math.max(0, prod - (ow - cons > 0 ? ow : cons));
    }

    /**
     * One consume call: delivers at most {@code n > 0} intact records from copies.
     *
     * @param owner the consumer (for the BUSY re-check and the space notifier)
     * @return records delivered
     */
    int run(Consumer owner, RecordHandler handler, int n) {
        final MemorySegment cp = consumerPage;
        final MemorySegment pp = producerPage;
        final MemorySegment data = this.data;
        final long[] chain = this.chain;
        final int[] headers = this.headers;
        MemorySegment copy = this.copy; // a local: the handler calls would force reloads
        // Acquire: pairs with the release store of whichever reader published it last.
        final long start = (long) LONG.getAcquire(cp, 0L);
        if (counted) {
            // Stored before consumer_pos (opaque, then release): at least as new as it.
            recordsBefore = (long) LONG.getOpaque(cp, RECORDS_BEFORE_OFFSET);
            lost = (long) LONG.getOpaque(cp, LOST_RECORDS_OFFSET);
        }
        long pos = start;
        long published = start;
        int count = 0;
        int spins = 0;
        int restarts = 0;
        try {
            for (;;) {
                // Fenced since the last consumer_pos store (the missed-wakeup fence). Acquire:
                // pairs with the producer's release store of producer_pos; overwrite_pos was
                // stored before it, so this load sees that value or a newer one.
                long prod = (long) LONG.getAcquire(pp, 0L);
                long ow = (long) LONG.getAcquire(pp, OVERWRITE_POS_OFFSET);
                if (ow - prod > 0) {
                    // A reservation after our producer_pos load moved overwrite_pos; its
                    // producer_pos follows. Only a corrupt ring keeps this up.
                    if (++spins > CORRUPT_AFTER_SPINS) {
                        throw corruptPositions(pos, prod, ow);
                    }
                    Thread.onSpinWait();
                    continue;
                }
                if (ow - pos > 0) {
                    long to = jump(ow);
                    if (to == NOT_NOW) {
                        return notNow(cp, pos, published, start, count, owner);
                    }
                    pos = to;
                    continue; // producer_pos again: the new position may be past the one loaded
                }
                long avail = prod - pos;
                if (avail <= 0) {
                    if (pos != published) {
                        // Moved by a jump only: park visibly where the next record will be
                        // committed, fence, and look once more.
                        publish(cp, pos);
                        published = pos;
                        VarHandle.fullFence(); // missed-wakeup fence before the producer_pos reload
                        continue;
                    }
                    return owner.done(count, published != start);
                }
                if (((pos | prod) & 7) != 0 || avail > size) {
                    throw corruptPositions(pos, prod, ow);
                }
                // Walk the committed headers. Plain loads in the loop, which the JIT keeps tight (an
                // acquire load per header made it redo the segment checks for every record); the
                // acquire fence after the walk orders them before the copy's loads, so a header
                // that read a commit's exchange or release store sees that record's payload
                // (fence synchronisation; pairs with the commit).
                int k = 0;
                long end = pos;
                boolean busy = false;
                long room = copy.byteSize();
                while (end - prod < 0 && k < MAX_PASS_RECORDS) {
                    int header = (int) INT.get(data, end & mask);
                    if (header < 0) {
                        busy = true;
                        break;
                    }
                    long len = RingLayout.recordSizeOfHeader(header);
                    if (len > prod - end) {
                        break; // overwritten under the walk, or corrupt: the re-read decides
                    }
                    if (end - pos + len > room) {
                        if (k > 0) {
                            break;
                        }
                        copy = grow(len);
                        room = copy.byteSize();
                    }
                    chain[k] = end;
                    headers[k] = header;
                    k++;
                    end += len;
                }
                chain[k] = end;
                final long base = pos;
                VarHandle.acquireFence(); // the headers' loads before the copy's (see above)
                if (k > 0) {
                    MemorySegment.copy(data, base & mask, copy, 0, end - base);
                }
                // LoadLoad: the walk's and the copy's loads happen before this re-read (pairs
                // with the producer's StoreStore fence after it published overwrite_pos).
                VarHandle.acquireFence();
                long ow2 = (long) LONG.getAcquire(pp, OVERWRITE_POS_OFFSET);
                int first = 0;
                if (ow2 - base > 0) {
                    long to = jump(ow2);
                    if (to == NOT_NOW) {
                        return notNow(cp, pos, published, start, count, owner); // the copy is not trusted
                    }
                    pos = to;
                    first = indexOf(chain, k, base, pos);
                    if (first < 0) {
                        // The walk read overwritten headers: start again at the new position,
                        // unless producers keep lapping every pass (then return, having moved on
                        // and counted the loss; the caller's next call or poll slice resumes).
                        if (++restarts > MAX_RESTARTS) {
                            publish(cp, pos);
                            published = pos;
                            VarHandle.fullFence(); // missed-wakeup fence before an early return
                            return owner.done(count, true);
                        }
                        continue;
                    }
                } else if (k == 0 && !busy) {
                    // Nothing overwritten, yet the head record claims more than was published.
                    int header = (int) INT.getAcquire(data, pos & mask);
                    if ((long) LONG.getAcquire(pp, OVERWRITE_POS_OFFSET) == ow2) {
                        throw Consumer.corruptHeader(pos, header, avail);
                    }
                    continue;
                }
                for (int i = first; i < k; i++) {
                    int header = headers[i];
                    long at = chain[i];
                    pos = chain[i + 1];
                    if ((header & DISCARD_BIT) != 0) {
                        continue;
                    }
                    recordsBefore++;
                    if (!batchCommit) {
                        // Before the handler runs: a handler that throws leaves its record consumed.
                        publish(cp, pos);
                        published = pos;
                    }
                    boolean more = handler.onRecord(copy, at - base + HEADER_SIZE, header & LENGTH_MASK);
                    count++;
                    if (!more || count >= n) {
                        if (pos != published) {
                            publish(cp, pos);
                            published = pos;
                        }
                        VarHandle.fullFence(); // missed-wakeup fence before an early return
                        return owner.done(count, published != start);
                    }
                }
                if (pos != published) {
                    publish(cp, pos);
                    published = pos;
                }
                if (busy && pos == end) {
                    // Parked at a BUSY record: fence and look again (the missed-wakeup fence, BUSY
                    // variant); a JVM ring's record left by a dead producer is reclaimed.
                    int header = owner.busyHeader(data, pos & mask, pos);
                    if (header < 0) {
                        return owner.done(count, published != start);
                    }
                    continue;
                }
                VarHandle.fullFence(); // missed-wakeup fence before the next producer_pos load
            }
        } catch (RuntimeException | Error e) {
            // The records delivered before stay consumed, published in full.
            if (pos != published && (pos - start > 0)) {
                try {
                    publish(cp, pos);
                    VarHandle.fullFence();
                    owner.done(count, true);
                } catch (RuntimeException ignored) {
                    // the ring was closed: the original failure says so
                }
            }
            throw e;
        }
    }

    /**
     * Moves the position to {@code overwrite_pos} ({@code seen} or newer) and, for JVM rings,
     * counts the records that were overwritten before this reader read them.
     *
     * @return the new position, or {@code NOT_NOW} when the sequence word stayed odd for the
     *         reader's patience (nothing moved or counted)
     */
    private long jump(long seen) {
        if (!counted) {
            return seen;
        }
        final MemorySegment pp = producerPage;
        long ow;
        long overwritten;
        long deadline = 0;
        for (;;) {
            // Acquire: pairs with the producer's last (even) sequence store, after its pair.
            long s1 = (long) LONG.getAcquire(pp, OVERWRITE_SEQUENCE_OFFSET);
            ow = (long) LONG.getOpaque(pp, OVERWRITE_POS_OFFSET);
            overwritten = (long) LONG.getOpaque(pp, OVERWRITTEN_RECORDS_OFFSET);
            VarHandle.acquireFence(); // LoadLoad: the pair before the sequence re-read
            long s2 = (long) LONG.getOpaque(pp, OVERWRITE_SEQUENCE_OFFSET);
            if (s1 == s2 && (s1 & 1) == 0) {
                break;
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + SEQUENCE_PATIENCE_NANOS;
            } else if (now - deadline > 0) {
                return NOT_NOW; // a slow (or dead) producer inside its publication: not now
            }
            Thread.onSpinWait();
        }
        long gone = overwritten - recordsBefore;
        if (gone > 0) {
            lost += gone;
            LONG.setOpaque(consumerPage, LOST_RECORDS_OFFSET, lost);
        }
        recordsBefore = Math.max(recordsBefore, overwritten);
        return ow;
    }

    /**
     * Ends a call whose jump could not read {@code overwrite_pos} and its count consistently:
     * publishes what earlier jumps and deliveries of this call reached (so that T and the lost
     * count stay consistent), and returns the records delivered.
     */
    private int notNow(MemorySegment cp, long pos, long published, long start, int count, Consumer owner) {
        if (pos != published) {
            publish(cp, pos); // reached by an earlier jump of this call, counted then
            VarHandle.fullFence(); // missed-wakeup fence before an early return
            return owner.done(count, true);
        }
        return owner.done(count, published != start);
    }

    /** Stores the position (and, for JVM rings, T before it). */
    private void publish(MemorySegment cp, long pos) {
        if (counted) {
            LONG.setOpaque(cp, RECORDS_BEFORE_OFFSET, recordsBefore);
        }
        // Release: the copies' reads of the records happen before the position moves (pairs with
        // the ordinary producers' acquire loads; an overwrite ring's producers ignore it, but
        // readers in other processes acquire-load it with T).
        LONG.setRelease(cp, 0L, pos);
    }

    /** {@return the index of {@code target} in {@code chain[0..k]}, or -1 if the chain skips it} */
    private static int indexOf(long[] chain, int k, long base, long target) {
        long want = target - base;
        int lo = 0;
        int hi = k;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long at = chain[mid] - base;
            if (at == want) {
                return mid;
            }
            if (at < want) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /** Grows the copy buffer for a record larger than it (once per new largest record). */
    private MemorySegment grow(long len) {
        copy = arena.allocate(Math.min(size, Math.max(len, 2 * copy.byteSize())), 8);
        return copy;
    }

    private static ErrnoException corruptPositions(long pos, long prod, long ow) {
        return new ErrnoException(Errno.EINVAL, "consume: corrupt ring positions: consumer position " + pos
                + ", producer_pos " + prod + ", overwrite_pos " + ow + " (must be multiples of 8, overwrite_pos at"
                + " most producer_pos, at most the ring size apart)");
    }
}
