/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.RingType;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.Errno;
import io.jringbuf.internal.memory.SharedRingMemory;
import io.jringbuf.internal.wait.FutexEventCount;
import io.jringbuf.internal.wait.FutexWaiter;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.protocol.Drainer;
import io.jringbuf.internal.wait.Notifier;
import io.jringbuf.internal.protocol.Producer;
import io.jringbuf.internal.protocol.RingControl;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.protocol.UserProducer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A BPF-format ring buffer between Java threads or Java processes, with Java playing the
 * kernel's parts too. The bytes in memory are exactly those of a kernel ring (see
 * {@link io.jringbuf.internal.format.RingLayout}); a metadata page in front holds what the kernel keeps
 * privately (lock, busy flag, wakeup words, counters).
 *
 * <ul>
 *   <li>A {@link RingType#RINGBUF} ring has any number of {@link #producer() producers} (threads
 *       and processes) and one {@link #consumer() consumer}.</li>
 *   <li>A {@link RingType#USER_RINGBUF} ring has one {@link #userProducer() user producer} and one
 *       {@link #drainer() drainer}.</li>
 * </ul>
 * Rings live in a file ({@link #create}, {@link #open}; put it on a tmpfs such as
 * {@code /dev/shm} to share memory rather than disk pages) or in anonymous memory
 * ({@link #anonymous}). Wakeups are futexes in the shared memory, so a producer in one process
 * wakes a consumer in another; a {@link JvmRingPoller} waits on several rings at once.
 *
 * <p>Single-side claims: a process that takes the consumer (or drainer, or user producer) side
 * records its pid in the ring; another process asking for the same side gets EBUSY until the
 * holder closes the ring or dies. Processes that share a ring must share a pid namespace.
 *
 * <p>{@link #close()} wakes this process's waiters, releases its claims and unmaps the ring;
 * any later use fails with {@link ErrnoException} EBADF.
 *
 * <p>A ring file truncated while mapped, or whose pages the file system lost, makes the next
 * access fail with {@link ErrnoException} EFAULT (truncated) or EIO (pages gone) naming the file;
 * the ring is then closed in this process (its claims released where the file still allows), and
 * every later call fails the same way at once. See {@code RELIABILITY.md}, "Faults from the
 * environment". A ring file's blocks are allocated when it is created (or opened sparse), so a
 * full file system fails there with ENOSPC; an open ring keeps its file open (one descriptor), so
 * it stays reachable as {@code /proc/PID/fd/N} if the file is removed.
 */
public final class JvmRing implements AutoCloseable {
    private final SharedRingMemory memory;
    private final RingControl control;
    private final FutexEventCount dataWakeup;
    private final FutexEventCount spaceWakeup;
    private final FutexWaiter spaceWaiter;
    private Producer producer;
    private Consumer consumer;
    private Consumer batchConsumer;
    private UserProducer userProducer;
    private boolean userProducerWakesDrainer;
    private Drainer drainer;

    private JvmRing(SharedRingMemory memory) {
        this.memory = memory;
        RingControl control = new RingControl(memory.controlBlock());
        this.control = control;
        this.dataWakeup = new FutexEventCount(control.dataWakeupWord(), memory.shared(), control.wakeupCounter());
        this.spaceWakeup = new FutexEventCount(control.spaceWakeupWord(), memory.shared(), control.wakeupCounter());
        this.spaceWaiter = new FutexWaiter(spaceWakeup);
    }

    /**
     * Creates a ring file. Fails if the file exists.
     *
     * @param size data bytes: a power of two, a multiple of the page size, at most 2 GiB
     * @throws ErrnoException EEXIST, EINVAL (bad size), or the errno of a failing system call
     */
    public static JvmRing create(Path path, RingType type, long size) {
        Objects.requireNonNull(path, "path");
        return new JvmRing(SharedRingMemory.create(path, type, size));
    }

    /**
     * Opens a ring file of either type.
     *
     * @throws ErrnoException ENOENT, EACCES…; EINVAL if the file is not a valid ring file
     */
    public static JvmRing open(Path path) {
        return new JvmRing(SharedRingMemory.open(path, null));
    }

    /**
     * Opens a ring file that must be of the given type.
     *
     * @throws ErrnoException EINVAL if the file is of another type or not a valid ring file
     */
    public static JvmRing open(Path path, RingType expected) {
        return new JvmRing(SharedRingMemory.open(path, expected));
    }

    /**
     * Creates a ring in anonymous memory, for threads of this JVM.
     *
     * @throws ErrnoException EINVAL for a bad size
     */
    public static JvmRing anonymous(RingType type, long size) {
        return new JvmRing(SharedRingMemory.anonymous(type, size));
    }

    /** @return the ring type */
    public RingType type() {
        return memory.type();
    }

    /** @return the data size in bytes */
    public long size() {
        return memory.size();
    }

    /** @return the ring file, or null for an anonymous ring */
    public Path path() {
        return memory.path();
    }

    /**
     * The producer side of a RINGBUF ring. One thread-safe instance per {@code JvmRing}; any number
     * of processes may produce at once.
     *
     * @throws ErrnoException EINVAL if this is a USER_RINGBUF ring
     */
    public synchronized Producer producer() {
        require(RingType.RINGBUF, "producer()", "userProducer()");
        if (producer == null) {
            producer = new Producer(memory.view(), control, dataWakeup, spaceWaiter);
        }
        return producer;
    }

    /**
     * The consumer side of a RINGBUF ring, storing the consumer position once per record (as
     * libbpf does). Claims the consumer side for this process.
     *
     * @throws ErrnoException EINVAL if this is a USER_RINGBUF ring; EBUSY if another consumer holds it
     */
    public Consumer consumer() {
        return consumer(false);
    }

    /**
     * The consumer side of a RINGBUF ring.
     *
     * @param batchCommit store the consumer position once per batch instead of once per record
     * @throws ErrnoException EINVAL if this is a USER_RINGBUF ring; EBUSY if another consumer holds it
     */
    public synchronized Consumer consumer(boolean batchCommit) {
        require(RingType.RINGBUF, "consumer()", "drainer()");
        Consumer existing = batchCommit ? batchConsumer : consumer;
        if (existing != null) {
            return existing;
        }
        if (consumer == null && batchConsumer == null) {
            control.claimConsumer();
        }
        Consumer created = new Consumer(memory.view(), batchCommit, spaceWakeup, new FutexWaiter(dataWakeup),
                control);
        if (batchCommit) {
            batchConsumer = created;
        } else {
            consumer = created;
        }
        return created;
    }

    /**
     * The single producer of a USER_RINGBUF ring, waking a drainer that sleeps in
     * {@link Drainer#drain(io.jringbuf.base.RecordHandler, int, java.time.Duration)}. Claims
     * the producer side for this process.
     *
     * @throws ErrnoException EINVAL if this is a RINGBUF ring; EBUSY if another producer holds it
     */
    public UserProducer userProducer() {
        return userProducer(true);
    }

    /**
     * The single producer of a USER_RINGBUF ring. Claims the producer side for this process.
     *
     * @param wakesDrainer true: each submit decides, after a full barrier, whether a sleeping
     *                     drainer is parked at the sample and wakes it. false: a submit is a
     *                     release store and wakes nobody, as with a kernel ring (where a BPF
     *                     program decides when to drain); cheaper per sample, for drainers that
     *                     poll or spin rather than sleep: a drainer sleeping in the waiting
     *                     {@code drain} then wakes only on its timeout
     * @throws ErrnoException EINVAL if this is a RINGBUF ring; EBUSY if another producer holds it
     * @throws IllegalStateException if this process's producer was already created with the other
     *                               setting (a ring has one producer)
     */
    public synchronized UserProducer userProducer(boolean wakesDrainer) {
        require(RingType.USER_RINGBUF, "userProducer()", "producer()");
        if (userProducer == null) {
            control.claimProducer();
            try {
                userProducer = new UserProducer(memory.view(), wakesDrainer ? dataWakeup : Notifier.NONE,
                        spaceWaiter, control);
            } catch (RuntimeException | Error e) {
                control.releaseProducer(); // nothing was produced: the claim goes back
                throw e;
            }
            userProducerWakesDrainer = wakesDrainer;
        } else if (userProducerWakesDrainer != wakesDrainer) {
            throw new IllegalStateException("this ring's user producer was created with wakesDrainer="
                    + userProducerWakesDrainer + "; a USER_RINGBUF has one producer");
        }
        return userProducer;
    }

    /**
     * The drainer of a USER_RINGBUF ring. Claims the consumer side for this process.
     *
     * @throws ErrnoException EINVAL if this is a RINGBUF ring; EBUSY if another drainer holds it
     */
    public synchronized Drainer drainer() {
        require(RingType.USER_RINGBUF, "drainer()", "consumer()");
        if (drainer == null) {
            control.claimConsumer();
            drainer = new Drainer(memory.view(), control, spaceWakeup, new FutexWaiter(dataWakeup));
        }
        return drainer;
    }

    /** @return failed reservations over the ring's life, in every process */
    public long drops() {
        return control.drops();
    }

    /** @return locks, busy flags and BUSY records taken over from dead processes */
    public long recoveries() {
        return control.recoveries();
    }

    /** @return wakeups that reached waiting threads, in every process */
    public long wakeups() {
        return control.wakeups();
    }

    /** @return the ring's control block: counters, lock, claims (for tools and tests) */
    public RingControl control() {
        return control;
    }

    /** @return the ring's memory view (for tools and tests) */
    public RingView view() {
        return memory.view();
    }

    /** @return whether the ring is still open */
    public boolean isOpen() {
        return memory.isOpen();
    }

    /** The event count consumers wait on (for {@link JvmRingPoller}). */
    FutexEventCount dataWakeup() {
        return dataWakeup;
    }

    /**
     * Wakes this process's threads blocked on the ring, releases the sides this process claimed,
     * and unmaps the ring.
     */
    @Override
    public synchronized void close() {
        if (!memory.isOpen()) {
            memory.close(); // after a fault (already unmapped): forget it; never throws
            return;
        }
        // A fault in here (a ring file truncated under us) unmaps the ring instead of throwing.
        memory.closeAfter(() -> {
            if (consumer != null) {
                consumer.wakeUp();
            }
            if (batchConsumer != null) {
                batchConsumer.wakeUp();
            }
            if (drainer != null) {
                drainer.wakeUp();
            }
            spaceWaiter.interrupt();
            if (consumer != null || batchConsumer != null || drainer != null) {
                control.releaseConsumer();
            }
            if (userProducer != null) {
                control.releaseProducer();
            }
        });
    }

    @Override
    public String toString() {
        String where = memory.path() == null ? "anonymous" : memory.path().toString();
        return "JvmRing[" + memory.type() + ", " + memory.size() + " bytes, " + where + "]";
    }

    private void require(RingType needed, String call, String instead) {
        if (memory.type() != needed) {
            throw new ErrnoException(Errno.EINVAL, call + ": this is a " + memory.type()
                    + " ring; use " + instead);
        }
    }
}
