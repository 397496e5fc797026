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

import static io.jringbuf.internal.format.RingLayout.BUSY_BIT;
import static io.jringbuf.internal.format.RingLayout.DISCARD_BIT;
import static io.jringbuf.internal.format.RingLayout.FORCE_WAKEUP;
import static io.jringbuf.internal.format.RingLayout.HEADER_SIZE;
import static io.jringbuf.internal.format.RingLayout.LENGTH_MASK;
import static io.jringbuf.internal.format.RingLayout.NO_WAKEUP;

/**
 * The consumer of a USER_RINGBUF-format JVM ring: what the kernel's
 * {@code bpf_user_ringbuf_drain} does for BPF programs, in Java.
 *
 * <h2>One drain</h2>
 * <ol>
 *   <li>Flags other than {@link RingLayout#NO_WAKEUP} / {@link RingLayout#FORCE_WAKEUP}: EINVAL,
 *       no wakeup.</li>
 *   <li>The ring's busy flag is taken once for the whole drain; if another drain holds it: EBUSY,
 *       no wakeup.</li>
 *   <li>Up to {@link RingLayout#MAX_USER_RINGBUF_SAMPLES} iterations, each: a producer position
 *       that is not a multiple of 8 is EINVAL; an empty ring ends the drain; a consumer
 *       position that is not a multiple of 8 (only a corrupt JVM ring has one) is EINVAL; a header whose
 *       record runs past the advertised producer position is EINVAL; a sample larger than the
 *       ring, or than a dynptr can describe, is E2BIG; a DISCARD sample is skipped (checked before
 *       BUSY; it counts toward the iteration limit and the wakeup, not the result); a BUSY sample
 *       ends the drain normally and stays in place; otherwise the handler gets the sample and the
 *       consumer position moves past it whatever the handler did. A handler returning false ends
 *       the drain; that sample is counted and consumed.</li>
 *   <li>The busy flag is released; then at most one wakeup for blocked producers:
 *       {@code FORCE_WAKEUP} always, else one if any sample (discards included) was consumed,
 *       unless {@code NO_WAKEUP}. This happens on the error paths too.</li>
 * </ol>
 * Errors found in step 3 are thrown as {@link ErrnoException} after the samples before them were
 * delivered and consumed (the kernel returns the error code instead of the count).
 *
 * <p>BUSY samples left by a producer process that died are reclaimed as DISCARD after they have
 * been stuck for a short while (see {@link RingControl}).
 */
public final class Drainer {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    private final RingControl control;
    private final Notifier spaceNotifier;
    private final Waiter dataWaiter;
    private final AbandonedRecords abandoned;
    private final Blocking.IdleCheck idleCheck;

    /**
     * Creates a drainer.
     *
     * @param view the ring's memory; the consumer page must be writable
     * @param control the ring's control block (busy flag)
     * @param spaceNotifier wakes producers blocked for space
     * @param dataWaiter what {@link #poll} sleeps on; null only in tests that never wait
     */
    public Drainer(RingView view, RingControl control, Notifier spaceNotifier, Waiter dataWaiter) {
        this.consumerPage = view.consumerPage();
        this.producerPage = view.producerPage();
        this.data = view.data();
        this.size = view.size();
        this.mask = view.mask();
        this.control = Objects.requireNonNull(control, "control");
        this.spaceNotifier = Objects.requireNonNull(spaceNotifier, "spaceNotifier");
        this.dataWaiter = dataWaiter;
        this.abandoned = new AbandonedRecords(control);
        this.idleCheck = () -> abandoned.deadPeerAtHead(consumerPage, producerPage, data, mask);
    }

    /**
     * Drains available samples, without waiting, handing at most {@code n} to the handler (the
     * kernel has no such bound; a handler that stops is its equivalent).
     *
     * @param flags 0, {@link RingLayout#NO_WAKEUP} or {@link RingLayout#FORCE_WAKEUP}
     * @return the number of samples handed to the handler (discarded samples not included)
     * @throws ErrnoException EINVAL (bad flags, corrupt positions or header), E2BIG (oversized
     *                        sample), EBUSY (another drain is running), EBADF (ring closed)
     */
    public int drain(RecordHandler handler, int n, int flags) {
        Objects.requireNonNull(handler, "handler");
        if ((flags & ~RingLayout.WAKEUP_FLAGS) != 0) {
            throw new ErrnoException(Errno.EINVAL, "drain: flags 0x" + Integer.toHexString(flags)
                    + ": only NO_WAKEUP (1) and FORCE_WAKEUP (2) exist");
        }
        if (n <= 0) {
            return 0;
        }
        try {
            if (!control.tryAcquireDrain()) {
                throw new ErrnoException(Errno.EBUSY, "drain: another drain of this ring is running ("
                        + control.drainHolder() + ")");
            }
            return drainHoldingBusy(handler, n, flags);
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "drain");
        }
    }

    /** {@link #drain(RecordHandler, int, int)} with all flags 0 and no bound. */
    public int drain(RecordHandler handler, int flags) {
        return drain(handler, Integer.MAX_VALUE, flags);
    }

    /**
     * Waits up to {@code nanos} until at least one sample was handed to the handler.
     *
     * @param nanos how long to wait; 0 does not wait, {@link Blocking#FOREVER} waits forever
     * @return samples handed to the handler, 0 on timeout (or interrupt; the status stays set)
     */
    public int poll(RecordHandler handler, int n, int flags, long nanos) {
        try {
            long got = Blocking.await(dataWaiter, nanos, () -> {
                int c = drain(handler, n, flags);
                return c > 0 ? c : -1;
            }, idleCheck);
            return got > 0 ? (int) got : 0;
        } catch (IllegalStateException | InternalError e) {
            throw Closed.translate(e, data, "drain");
        }
    }

    /** Wakes a thread blocked in {@link #poll}. */
    public void wakeUp() {
        dataWaiter.interrupt();
    }

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

    /** {@return unconsumed bytes, a racy snapshot} */
    public long availableBytes() {
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

    /** {@return the data area (both copies), which handlers receive} */
    public MemorySegment buffer() {
        return data;
    }

    /** {@return the data area size} */
    public long size() {
        return size;
    }

    private int drainHoldingBusy(RecordHandler handler, int limit, int flags) {
        final MemorySegment cp = consumerPage;
        final MemorySegment data = this.data;
                int samples = 0;
        int discarded = 0;
        try {
            // Only the busy-flag holder writes consumer_pos; the flag's acquire made the last
            // holder's store visible, so one plain load serves the whole drain.
            long cons = (long) LONG.get(cp, 0L);
            long prod = cons;
            boolean checkedCons = false;
            long previous = 0; // the size of the sample before (0: none, the smallest is 8)
            samplesLoop:
            while (samples < RingLayout.MAX_USER_RINGBUF_SAMPLES) {
                long avail = prod - cons;
                if (avail <= 0) {
                    // Acquire: pairs with the producer's release store of producer_pos at
                    // reservation. Loaded again only when the samples it covered are used up;
                    // the kernel loads it per sample, which sees the same samples in the same
                    // order (a later load only adds more).
                    prod = (long) LONG.getAcquire(producerPage, 0L);
                    if ((prod & 7) != 0) {
                        throw misaligned("producer_pos", prod);
                    }
                    avail = prod - cons;
                    if (avail <= 0) {
                        break;
                    }
                }
                if (!checkedCons) {
                    if ((cons & 7) != 0) {
                        // The kernel's consumer_pos is its own; a JVM ring's consumer page is
                        // shared memory that anyone mapping the file can scribble on.
                        throw misaligned("consumer_pos", cons);
                    }
                    checkedCons = true;
                }
                long headerOffset = cons & mask;
                // Acquire: pairs with the producer's exchange of the header at submit.
                int header = (int) INT.getAcquire(data, headerOffset);
                int length = header & LENGTH_MASK;
                long total = RingLayout.recordSize(length);
                if (total > avail || total > size || length > RingLayout.DYNPTR_MAX_SIZE) {
                    throw badSample(cons, length, total, avail);
                }
                if ((header & DISCARD_BIT) != 0) {
                    cons += total;
                    // Release: producers may reuse the space once they see the new position.
                    LONG.setRelease(cp, 0L, cons);
                    samples++;
                    discarded++;
                    continue;
                }
                if ((header & BUSY_BIT) != 0) {
                    if (abandoned.reclaimIfAbandoned(data, headerOffset, cons, header)) {
                        continue;
                    }
                    break;
                }
                samples++;
                boolean more = deliver(handler, cp, data, headerOffset, length, cons + total);
                cons += total;
                if (!more || samples - discarded >= limit) {
                    break;
                }
                if (total != previous) {
                    previous = total;
                    continue;
                }
                // Two samples of one size in a row: expect more of it. As in the RINGBUF consume
                // loop (ConsumerLoopTemplate), the next position is cons + size whatever the
                // header says, and a header that is not a plain sample of that size is a branch
                // back to the general step above (which loads and checks it again), not a data
                // dependency: the header loads of consecutive samples overlap, and so do the
                // cache misses of a drainer reading lines the producer has just written.
                final long sampleSize = total;
                for (int i = 0; i < Integer.MAX_VALUE; i++) {
                    if (samples >= RingLayout.MAX_USER_RINGBUF_SAMPLES || prod - cons < sampleSize) {
                        previous = 0;
                        continue samplesLoop;
                    }
                    headerOffset = cons & mask;
                    // Acquire: as in the general step.
                    header = (int) INT.getAcquire(data, headerOffset);
                    length = header & LENGTH_MASK;
                    // BUSY or DISCARD, another size, or too long for a dynptr: the general step.
                    if ((header & (BUSY_BIT | DISCARD_BIT)) != 0 || RingLayout.recordSize(length) != sampleSize
                            || length > RingLayout.DYNPTR_MAX_SIZE) {
                        previous = 0;
                        continue samplesLoop;
                    }
                    samples++;
                    more = deliver(handler, cp, data, headerOffset, length, cons + sampleSize);
                    cons += sampleSize;
                    if (!more || samples - discarded >= limit) {
                        break samplesLoop;
                    }
                }
            }
        } finally {
            control.releaseDrain();
            if ((flags & FORCE_WAKEUP) != 0 || ((flags & NO_WAKEUP) == 0 && samples > 0)) {
                // Full fence: the consumer_pos stores happen before the notifier's waiter check
                // (pairs with the blocked producer's registration; see Notifier).
                VarHandle.fullFence();
                spaceNotifier.wakeUp();
            }
        }
        return samples - discarded;
    }

    /**
     * Hands one sample to the handler and publishes {@code next} as consumer_pos, whatever the
     * handler did (returned, or threw: the sample is consumed either way).
     *
     * @return what the handler returned: false ends the drain
     */
    private static boolean deliver(RecordHandler handler, MemorySegment cp, MemorySegment data, long headerOffset,
                                   int length, long next) {
        try {
            return handler.onRecord(data, headerOffset + HEADER_SIZE, length);
        } finally {
            // Release: the handler's reads happen before the producer reuses the space.
            LONG.setRelease(cp, 0L, next);
        }
    }

    // Cold paths in their own methods keep the drain loop small enough to compile well.

    private static ErrnoException misaligned(String what, long value) {
        return new ErrnoException(Errno.EINVAL, "drain: " + what + " " + value + " is not a multiple of 8");
    }

    private ErrnoException badSample(long cons, int length, long total, long avail) {
        if (total > avail) {
            return new ErrnoException(Errno.EINVAL, "drain: sample at position " + cons + " needs " + total
                    + " bytes but the producer advertised only " + avail);
        }
        if (total > size) {
            return new ErrnoException(Errno.E2BIG, "drain: sample at position " + cons + " (" + total
                    + " bytes) is larger than the ring (" + size + ")");
        }
        return new ErrnoException(Errno.E2BIG, "drain: sample at position " + cons + " has " + length
                + " bytes, more than a dynptr can describe (" + RingLayout.DYNPTR_MAX_SIZE + ")");
    }
}
