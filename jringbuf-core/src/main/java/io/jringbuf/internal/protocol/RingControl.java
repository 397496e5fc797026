/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.format.MappedAtomics;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.format.RingFileDescriptor;
import io.jringbuf.internal.memory.RingFaults;
import io.jringbuf.internal.memory.SharedRingMemory;
import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * What the kernel keeps in a ring's private header page, for rings where Java plays the kernel's
 * parts (JVM rings): the producers' reservation lock, the drainer's busy flag, the two wakeup
 * words, and counters that readers in any process can see. Lives in shared memory, so every
 * field works across processes.
 *
 * <p>The block's layout is {@link RingFileDescriptor}'s (offsets from {@code CONTROL_*}).
 *
 * <h2>Crash robustness</h2>
 * Owner words hold process ids, so a process that dies holding the lock or the busy flag does
 * not block the ring forever: a contender that has waited {@link #STUCK_OWNER_CHECK_NANOS} probes
 * the holder with {@code kill(pid, 0)} and takes the word over with a compare-and-set if the
 * holder is gone. Every process that shares a ring must therefore live in one pid namespace.
 * A live holder is never overtaken; a reservation that cannot get the lock within
 * {@link #LOCK_TIMEOUT_NANOS} fails (like the kernel's resilient spinlock) and counts as a drop.
 * Errors that name a holder say whether it is alive and whether it is stopped (SIGSTOP), read
 * from {@code /proc/PID/stat}: a stopped holder is alive, so nothing is taken over from it.
 *
 * <p>Every compare-and-set here reads its word first and goes through {@link MappedAtomics}: on a
 * ring file truncated under us the access faults as an {@link InternalError} the roles translate
 * (see {@link RingFaults}), not in the interpreter's unguarded CAS.
 */
public final class RingControl {
    /** Bytes of the control block. */
    public static final int SIZE = RingFileDescriptor.CONTROL_SIZE;
    private static final long LOCK = RingFileDescriptor.LOCK;
    private static final long DRAIN_BUSY = RingFileDescriptor.DRAIN_BUSY;
    private static final long DATA_WAKEUP = RingFileDescriptor.DATA_WAKEUP;
    private static final long SPACE_WAKEUP = RingFileDescriptor.SPACE_WAKEUP;
    private static final long DROPS = RingFileDescriptor.DROPS;
    private static final long RECOVERIES = RingFileDescriptor.RECOVERIES;
    private static final long WAKEUPS = RingFileDescriptor.WAKEUPS;
    private static final long CONSUMER_OWNER = RingFileDescriptor.CONSUMER_OWNER;
    private static final long PRODUCER_OWNER = RingFileDescriptor.PRODUCER_OWNER;

    /** How long a reservation waits for the lock before it fails (the kernel uses 0.25 s). */
    public static final long LOCK_TIMEOUT_NANOS = 250_000_000L;
    /** How long a contender waits before it checks whether the holder is still alive. */
    public static final long STUCK_OWNER_CHECK_NANOS = 1_000_000L;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment block;
    private final int self;

    /**
     * Wraps a control block.
     *
     * @param block at least {@link #SIZE} bytes, 64-byte aligned, zeroed when the ring was created
     */
    public RingControl(MemorySegment block) {
        if (block.byteSize() < SIZE || (block.address() & 63) != 0) {
            throw new ErrnoException(Errno.EINVAL, "ring control block must be " + SIZE
                    + " bytes, 64-byte aligned; got " + block.byteSize() + " bytes at 0x"
                    + Long.toHexString(block.address()));
        }
        this.block = block;
        this.self = Sys.getpid();
    }

    /** {@return the process id this control block uses as its owner token} */
    public int ownerToken() {
        return self;
    }

    /** {@return the 8-byte data wakeup word pair (sequence at 0, waiters at 4)} */
    public MemorySegment dataWakeupWord() {
        return block.asSlice(DATA_WAKEUP, 8);
    }

    /** {@return the 8-byte space wakeup word pair (sequence at 0, waiters at 4)} */
    public MemorySegment spaceWakeupWord() {
        return block.asSlice(SPACE_WAKEUP, 8);
    }

    // ------------------------------------------------------------------ reservation lock

    /**
     * Takes the producers' reservation lock; spins briefly, then yields, then parks, and takes
     * over a lock whose holder process died.
     *
     * @return false if the lock could not be had within {@link #LOCK_TIMEOUT_NANOS}
     */
    public boolean lockReservation() {
        // The CAS's acquire half pairs with the setRelease in unlockReservation.
        if ((long) LONG.get(block, LOCK) == 0L && MappedAtomics.compareAndSetLong(block, LOCK, 0L, self)) {
            return true;
        }
        return acquireSlow(LOCK, LOCK_TIMEOUT_NANOS);
    }

    /** Releases the reservation lock (pairs with the next holder's compare-and-set). */
    public void unlockReservation() {
        LONG.setRelease(block, LOCK, 0L);
    }

    /**
     * The lock word alone (8 bytes), for code that inlines this lock's fast path
     * ({@link ProducerOpsTemplate}): 0 when free, the holder's process id when held.
     */
    MemorySegment lockWord() {
        return block.asSlice(LOCK, 8);
    }

    // ------------------------------------------------------------------ drain busy flag

    /**
     * Takes the drainer's busy flag once for a whole drain, without waiting (the kernel returns
     * EBUSY to a concurrent drain). A flag left by a dead process is taken over.
     *
     * @return false if another live drain holds it
     */
    public boolean tryAcquireDrain() {
        // The CAS's acquire half pairs with releaseDrain's setRelease: the next drainer sees the
        // consumer position the previous one published.
        if ((long) LONG.get(block, DRAIN_BUSY) == 0L && MappedAtomics.compareAndSetLong(block, DRAIN_BUSY, 0L, self)) {
            return true;
        }
        return takeOverIfDead(DRAIN_BUSY);
    }

    /** Releases the busy flag (pairs with the next drainer's compare-and-set). */
    public void releaseDrain() {
        LONG.setRelease(block, DRAIN_BUSY, 0L);
    }

    // ------------------------------------------------------------------ single-owner claims

    /**
     * Claims the consumer (RINGBUF) or drainer (USER_RINGBUF) side of the ring for this process.
     *
     * @throws ErrnoException EBUSY if a live process (possibly this one) holds the claim
     */
    public void claimConsumer() {
        claim(CONSUMER_OWNER, "consumer");
    }

    /**
     * Whether the process holding the consumer (or drainer) claim has died: a producer blocked for
     * space then retries, in case that process freed space but died before its wakeup. The idle
     * check of a producer's wait, so it first looks at the ring file ({@link #checkFile}).
     *
     * @throws ErrnoException EFAULT if the ring file was truncated
     */
    public boolean consumerDied() {
        checkFile("wait");
        long owner = (long) LONG.getVolatile(block, CONSUMER_OWNER);
        return owner != 0 && owner != self && !Sys.processExists((int) owner);
    }

    /** Releases the consumer claim if this process holds it. */
    public void releaseConsumer() {
        if ((long) LONG.getVolatile(block, CONSUMER_OWNER) == self) {
            MappedAtomics.compareAndSetLong(block, CONSUMER_OWNER, self, 0L);
        }
    }

    /**
     * Claims the single user-producer side of a USER_RINGBUF for this process.
     *
     * @throws ErrnoException EBUSY if a live process (possibly this one) holds the claim
     */
    public void claimProducer() {
        claim(PRODUCER_OWNER, "user producer");
    }

    /** Releases the user-producer claim if this process holds it. */
    public void releaseProducer() {
        if ((long) LONG.getVolatile(block, PRODUCER_OWNER) == self) {
            MappedAtomics.compareAndSetLong(block, PRODUCER_OWNER, self, 0L);
        }
    }

    private void claim(long offset, String role) {
        if (((long) LONG.getVolatile(block, offset) == 0L && MappedAtomics.compareAndSetLong(block, offset, 0L, self))
                || takeOverIfDead(offset)) {
            return;
        }
        long owner = (long) LONG.getVolatile(block, offset);
        throw new ErrnoException(Errno.EBUSY, "claim the " + role + " side of the ring: "
                + Sys.describeProcess(owner) + " holds it; a ring has exactly one " + role);
    }

    // ------------------------------------------------------------------ reporting a stuck holder

    /**
     * The error of a reservation whose time ran out while another process held the lock.
     *
     * @param operation what was attempted
     * @param timeout how long it waited (null: forever)
     * @return ETIMEDOUT naming the holder and its state
     */
    ErrnoException lockTimedOut(String operation, long nanos) {
        long owner = (long) LONG.getVolatile(block, LOCK);
        String holder = owner == 0 ? "a process that has let go of it since" : Sys.describeProcess(owner);
        return new ErrnoException(Errno.ETIMEDOUT, operation + ": the reservation lock of the ring was held by "
                + holder + " for the whole " + (nanos == Long.MAX_VALUE ? "wait" : "timeout of " + nanos / 1_000_000
                + " ms") + "; the producers of a ring share one lock");
    }

    /** @return who holds the drain's busy flag, for an EBUSY message */
    String drainHolder() {
        return Sys.describeProcess((long) LONG.getVolatile(block, DRAIN_BUSY));
    }

    // ------------------------------------------------------------------ the ring file

    /**
     * For the slow paths (a wait's idle check): fails with EFAULT if the ring's file was
     * truncated, before anything touches the memory that is gone. Does nothing for anonymous and
     * kernel rings.
     *
     * @param operation what was attempted
     */
    public void checkFile(String operation) {
        SharedRingMemory memory = RingFaults.ringOf(block);
        if (memory != null) {
            memory.checkFile(operation);
        }
    }

    // ------------------------------------------------------------------ counters

    /** Counts a failed reservation. */
    public void countDrop() {
        MappedAtomics.getAndAddLong(block, DROPS, 1L);
    }

    /** {@return reservations that failed for lack of space or a stuck lock, over the ring's life} */
    public long drops() {
        return (long) LONG.getVolatile(block, DROPS);
    }

    /** Counts a lock, flag or record taken over from a dead process. */
    public void countRecovery() {
        MappedAtomics.getAndAddLong(block, RECOVERIES, 1L);
    }

    /** {@return locks, flags and BUSY records taken over from dead processes} */
    public long recoveries() {
        return (long) LONG.getVolatile(block, RECOVERIES);
    }

    /** {@return the 8-byte word counting wakeups that reached waiting threads (for the event counts)} */
    public MemorySegment wakeupCounter() {
        return block.asSlice(WAKEUPS, 8);
    }

    /** {@return wakeups that reached waiting threads} */
    public long wakeups() {
        return (long) LONG.getVolatile(block, WAKEUPS);
    }

    // ------------------------------------------------------------------ internals

    private boolean acquireSlow(long offset, long timeoutNanos) {
        long start = System.nanoTime();
        long lastCheck = start;
        for (int spins = 0; ; spins++) {
            long owner = (long) LONG.getVolatile(block, offset);
            if (owner == 0) {
                if (MappedAtomics.compareAndSetLong(block, offset, 0L, self)) {
                    return true;
                }
                continue;
            }
            if (spins < 128) {
                Thread.onSpinWait();
                continue;
            }
            if (spins < 256) {
                Thread.yield();
                continue;
            }
            LockSupport.parkNanos(20_000);
            long now = System.nanoTime();
            if (now - lastCheck >= STUCK_OWNER_CHECK_NANOS) {
                lastCheck = now;
                if (takeOverIfDead(offset)) {
                    return true;
                }
            }
            if (now - start >= timeoutNanos) {
                return false;
            }
        }
    }

    /** Takes an owner word over if its holder process no longer exists. */
    private boolean takeOverIfDead(long offset) {
        long owner = (long) LONG.getVolatile(block, offset);
        if (owner == 0 || owner == self || Sys.processExists((int) owner)) {
            return false;
        }
        if (MappedAtomics.compareAndSetLong(block, offset, owner, self)) {
            countRecovery();
            return true;
        }
        return false;
    }
}
