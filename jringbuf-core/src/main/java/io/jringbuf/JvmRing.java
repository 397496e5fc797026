/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.memory.SharedRingMemory;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.protocol.Producer;
import io.jringbuf.internal.protocol.RingControl;
import io.jringbuf.internal.protocol.UserProducer;
import io.jringbuf.internal.wait.FutexEventCount;
import io.jringbuf.internal.wait.FutexWaiter;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A BPF-format ring buffer between Java threads or Java processes, with Java playing the
 * kernel's parts too. The bytes in memory are exactly those of a kernel ring; a metadata page in
 * front holds what the kernel keeps privately (lock, busy flag, wakeup words, counters).
 *
 * <pre>{@code
 * // Process A: create the ring and produce (any number of producer processes may do this).
 * try (JvmRing ring = JvmRing.create(Path.of("/dev/shm/events"), RingType.RINGBUF, 1 << 20)) {
 *     RingWriter writer = ring.writer();
 *     long offset = writer.reserve(8);
 *     if (offset != RingWriter.NO_SPACE) {
 *         writer.buffer().set(ValueLayout.JAVA_LONG, offset, 42L);
 *         writer.submit(offset);
 *     }
 * }
 * // Process B: consume.
 * try (JvmRing ring = JvmRing.open(Path.of("/dev/shm/events"), RingType.RINGBUF)) {
 *     ring.reader().poll((buffer, offset, length) -> RecordHandler.CONTINUE, Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * <ul>
 *   <li>A {@link RingType#RINGBUF} ring has any number of producers (threads and processes, each
 *       process through its {@link #writer()}) and one reader, the consumer.</li>
 *   <li>A {@link RingType#USER_RINGBUF} ring has one producer ({@link #writer()}) and one reader,
 *       the drainer, which does what the kernel's {@code bpf_user_ringbuf_drain} does.</li>
 * </ul>
 * Rings live in a file ({@link #create}, {@link #open}; put it on a tmpfs such as
 * {@code /dev/shm} to share memory rather than disk pages) or in anonymous memory
 * ({@link #anonymous}). Wakeups are futexes in the shared memory, so a producer in one process
 * wakes a reader in another; a {@link RingBuffer} waits on several rings at once.
 *
 * <p>Single sides: a process that takes the reading side (or a USER_RINGBUF's producing side)
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
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final SharedRingMemory memory;
    private final RingControl control;
    private final FutexEventCount dataWakeup;
    private final FutexEventCount spaceWakeup;
    private final FutexWaiter spaceWaiter;
    private RingReader reader;
    private RingWriter writer;

    private JvmRing(SharedRingMemory memory) {
        this.memory = memory;
        this.control = new RingControl(memory.controlBlock());
        this.dataWakeup = new FutexEventCount(control.dataWakeupWord(), memory.shared(), control.wakeupCounter());
        this.spaceWakeup = new FutexEventCount(control.spaceWakeupWord(), memory.shared(), control.wakeupCounter());
        this.spaceWaiter = new FutexWaiter(spaceWakeup);
    }

    /**
     * Creates a ring file. Fails if the file exists.
     *
     * @param path the file to create
     * @param type the ring's format
     * @param size data bytes: a power of two, a multiple of the page size, at most 2 GiB
     * @return the ring
     * @throws ErrnoException EEXIST, EINVAL (bad size), or the errno of a failing system call
     */
    public static JvmRing create(Path path, RingType type, long size) {
        Objects.requireNonNull(path, "path");
        return new JvmRing(SharedRingMemory.create(path, type, size));
    }

    /**
     * Opens a ring file of either type.
     *
     * @param path the ring file
     * @return the ring
     * @throws ErrnoException ENOENT, EACCES…; EINVAL if the file is not a valid ring file
     */
    public static JvmRing open(Path path) {
        return new JvmRing(SharedRingMemory.open(path, null));
    }

    /**
     * Opens a ring file that must be of the given type.
     *
     * @param path the ring file
     * @param expected the format the caller needs
     * @return the ring
     * @throws ErrnoException EINVAL if the file is of another type or not a valid ring file
     */
    public static JvmRing open(Path path, RingType expected) {
        return new JvmRing(SharedRingMemory.open(path, Objects.requireNonNull(expected, "expected")));
    }

    /**
     * Creates a ring in anonymous memory, for threads of this JVM.
     *
     * @param type the ring's format
     * @param size data bytes: a power of two, a multiple of the page size, at most 2 GiB
     * @return the ring
     * @throws ErrnoException EINVAL for a bad size
     */
    public static JvmRing anonymous(RingType type, long size) {
        return new JvmRing(SharedRingMemory.anonymous(type, size));
    }

    /** {@return the ring's format} */
    public RingType type() {
        return memory.type();
    }

    /** {@return the data size in bytes} */
    public long size() {
        return memory.size();
    }

    /** {@return the ring file, or null for an anonymous ring} */
    public Path path() {
        return memory.path();
    }

    /**
     * The reading side, committing after every record: {@code reader(CommitMode.PER_RECORD)}.
     *
     * @return this process's one reader of the ring
     * @throws ErrnoException EBUSY if another process holds the reading side
     * @throws IllegalStateException if this ring's reader was made with another commit mode
     */
    public RingReader reader() {
        return reader(CommitMode.PER_RECORD);
    }

    /**
     * The reading side: the consumer of a RINGBUF, the drainer of a USER_RINGBUF. The first call
     * claims the side for this process and chooses the commit mode; later calls return the same
     * reader.
     *
     * @param mode when the reader stores {@code consumer_pos}; a USER_RINGBUF's drainer commits
     *             per record, as the kernel's drain does
     * @return this process's one reader of the ring
     * @throws ErrnoException EBUSY if another process holds the reading side
     * @throws IllegalStateException if this ring's reader was made with another commit mode
     * @throws IllegalArgumentException for a USER_RINGBUF with a mode other than PER_RECORD
     */
    public synchronized RingReader reader(CommitMode mode) {
        Objects.requireNonNull(mode, "mode");
        checkOpen("reader");
        if (reader != null) {
            if (reader.commitMode() != mode) {
                throw new IllegalStateException("this ring's reader commits " + reader.commitMode()
                        + "; a ring has one reader");
            }
            return reader;
        }
        if (type() == RingType.USER_RINGBUF && mode != CommitMode.PER_RECORD) {
            throw new IllegalArgumentException("a USER_RINGBUF reader drains as the kernel does and commits "
                    + "PER_RECORD, not " + mode);
        }
        control.claimConsumer();
        try {
            if (type() == RingType.RINGBUF) {
                Consumer consumer = Consumer.forJvmRing(memory.view(), mode == CommitMode.BATCH, spaceWakeup, control);
                FutexWaiter dataWaiter = new FutexWaiter(dataWakeup);
                reader = new ConsumerReader(consumer, mode, () -> dataWaiter, name(), control::drops);
            } else {
                reader = new DrainerReader(memory.view(), control, spaceWakeup, new FutexWaiter(dataWakeup), name(),
                        control::drops);
            }
        } catch (RuntimeException | Error e) {
            control.releaseConsumer(); // nothing was read: the claim goes back
            throw e;
        }
        return reader;
    }

    /**
     * The writing side: for a RINGBUF, this process's producer (thread-safe; any number of
     * processes may produce at once); for a USER_RINGBUF, the one producer (the first call claims
     * the side for this process). Later calls return the same writer.
     *
     * @return this process's writer
     * @throws ErrnoException EBUSY if another process produces into this USER_RINGBUF
     */
    public synchronized RingWriter writer() {
        checkOpen("writer");
        if (writer != null) {
            return writer;
        }
        if (type() == RingType.RINGBUF) {
            writer = new ProducerWriter(new Producer(memory.view(), control, dataWakeup, spaceWaiter), name());
            return writer;
        }
        control.claimProducer();
        try {
            UserProducer producer = UserProducer.forJvmRing(memory.view(), dataWakeup, spaceWaiter, control);
            writer = new UserProducerWriter(producer, control::countDrop, control::drops, name());
        } catch (RuntimeException | Error e) {
            control.releaseProducer(); // nothing was produced: the claim goes back
            throw e;
        }
        return writer;
    }

    /**
     * A read-only view of this ring that claims no side: it delivers copies of the unconsumed
     * records without consuming them, while another process (or this one) reads and writes the
     * ring. See {@link RingPeeker}. Closing the peeker leaves the ring open; closing the ring
     * makes the peeker fail with EBADF.
     *
     * @return a new peeker
     * @throws ErrnoException EBADF if the ring is closed
     */
    public RingPeeker peeker() {
        checkOpen("peek at");
        return RingPeeker.of(this, memory.view(), true);
    }

    /** {@return {@code consumer_pos}, acquire-loaded} */
    public long consumerPosition() {
        // Acquire: pairs with the reader's release store (any process).
        return (long) LONG.getAcquire(memory.view().consumerPage(), 0L);
    }

    /** {@return {@code producer_pos}, acquire-loaded} */
    public long producerPosition() {
        // Acquire: pairs with the producers' release store at reservation (any process).
        return (long) LONG.getAcquire(memory.view().producerPage(), 0L);
    }

    /**
     * {@return unconsumed bytes (reserved and discarded records included): a racy snapshot, never negative
     * (the consumer position is loaded first)}
     */
    public long availableBytes() {
        long cons = consumerPosition();
        return producerPosition() - cons;
    }

    /**
     * The process still writing the record at the head of the ring, if that record is reserved but
     * neither submitted nor discarded: every later record waits behind it. Operators use it to name
     * a stopped or dead writer ({@code jringbuf stat} shows it).
     *
     * @return the writer's process id, or empty if the ring is empty or its head record is complete
     * @throws ErrnoException {@code EBADF} if the ring is closed
     */
    public OptionalInt headWriter() {
        checkOpen("read the head record of");
        RingView view = memory.view();
        long cons = consumerPosition();
        if (producerPosition() - cons <= 0) {
            return OptionalInt.empty();
        }
        long at = cons & view.mask();
        // Acquire: pairs with the writer's release store of the header at submit or discard.
        int header = (int) INT.getAcquire(view.data(), at);
        if ((header & RingLayout.BUSY_BIT) == 0) {
            return OptionalInt.empty();
        }
        // Plain: the owner word is written at reservation, before the producer position's release
        // store that producerPosition() acquired. A snapshot: the writer may finish right after.
        return OptionalInt.of(view.data().get(ValueLayout.JAVA_INT, at + RingLayout.HEADER_OWNER_OFFSET));
    }

    /** {@return reservations refused for lack of space, over the ring's life, in every process} */
    public long drops() {
        return control.drops();
    }

    /** {@return locks, busy flags and BUSY records taken over from dead processes} */
    public long recoveries() {
        return control.recoveries();
    }

    /**
     * {@return threads waiting for records now, in every process (a reader in a poll): a snapshot
     * that may include a thread about to find records without sleeping}
     */
    public int waitingReaders() {
        return dataWakeup.waiters();
    }

    /**
     * {@return threads waiting for space now, in every process (a writer in {@code reserve} with a
     * timeout): a snapshot that may include a thread about to find space without sleeping}
     */
    public int waitingWriters() {
        return spaceWakeup.waiters();
    }

    /** {@return wakeups that reached waiting threads, in every process} */
    public long wakeups() {
        return control.wakeups();
    }

    /** {@return a name for the ring in statistics: its file, or "anonymous"} */
    String name() {
        return memory.path() == null ? "anonymous" : memory.path().toString();
    }

    /** {@return whether the ring is still open} */
    public boolean isOpen() {
        return memory.isOpen();
    }

    /** {@return the control block (for this package's tests, through {@code JvmRingInternals})} */
    RingControl control() {
        return control;
    }

    /** {@return the ring's memory as the roles see it (for tests)} */
    RingView view() {
        return memory.view();
    }

    /** The event count readers wait on (for {@link RingBuffer}'s wait set). */
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
            if (reader != null) {
                reader.wakeUp();
            }
            spaceWaiter.interrupt();
            if (reader != null) {
                control.releaseConsumer();
            }
            if (writer != null && type() == RingType.USER_RINGBUF) {
                control.releaseProducer();
            }
        });
    }

    @Override
    public String toString() {
        String where = memory.path() == null ? "anonymous" : memory.path().toString();
        return "JvmRing[" + memory.type() + ", " + memory.size() + " bytes, " + where + "]";
    }

    private void checkOpen(String operation) {
        if (!memory.isOpen()) {
            throw new ErrnoException(Errno.EBADF, operation + ": the ring is closed");
        }
    }
}
