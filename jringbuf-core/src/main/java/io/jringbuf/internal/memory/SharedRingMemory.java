/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.memory;

import io.jringbuf.internal.format.MappedAtomics;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.format.RingFileDescriptor;
import io.jringbuf.internal.sys.Sys;
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The memory of a JVM ring: a file (shared between processes, e.g. under {@code /dev/shm}) or an
 * anonymous memfd (threads of one JVM), mapped like a kernel ring with a metadata page in front.
 *
 * <h2>File layout</h2>
 * {@link RingFileDescriptor}: a metadata page (with the control block that the kernel keeps in
 * its private header page), the consumer page, the producer page, then the data.
 * In memory the data is mapped a second time right after the first copy (two {@code MAP_FIXED}
 * mappings of the same file range into one reserved region), so a record that wraps is
 * contiguous, exactly as in the kernel's mapping. {@code FileChannel.map} cannot do this.
 *
 * <h2>Creation and validation</h2>
 * A file is built under a temporary name in the same directory and published with
 * {@code link(2)}, so another process never opens a half-initialised ring, and an existing file
 * is never overwritten (EEXIST). Opening checks the magic, version, type, size, page size and the
 * exact file length, and fails with {@link ErrnoException} (EINVAL, with what was wrong) before
 * anything is mapped beyond the first page.
 *
 * <h2>Never a sparse ring</h2>
 * A ring file's blocks are allocated when it is created ({@code fallocate}), so a file system
 * that cannot hold the ring (a full tmpfs) fails {@link #create} with ENOSPC naming the path and
 * the size, instead of a SIGBUS in the middle of a record later. On a file system that cannot
 * allocate ahead (ramfs, some network file systems: EOPNOTSUPP) it says so through
 * {@link System.Logger} at INFO and writes zeros instead. {@link #open} of a file whose blocks are
 * not all allocated (copied sparse, or made by an older version) allocates them; see there.
 *
 * <h2>Faults while mapped</h2>
 * A file truncated (or whose pages are lost) while mapped makes the next access fault; the roles
 * turn that into {@link ErrnoException} EFAULT or EIO through {@link RingFaults}, and the ring is
 * unmapped ({@link #fault}). The ring keeps its file open while mapped, so that the waits'
 * periodic {@link #checkFile} sees a truncation by its size before touching the memory, and so
 * that a ring whose file was removed stays reachable as {@code /proc/PID/fd/N}.
 */
public final class SharedRingMemory implements AutoCloseable {
    private static final long OFF_MAGIC = RingFileDescriptor.MAGIC_OFFSET;
    private static final long OFF_VERSION = RingFileDescriptor.VERSION_OFFSET;
    private static final long OFF_TYPE = RingFileDescriptor.TYPE_OFFSET;
    private static final long OFF_SIZE = RingFileDescriptor.SIZE_OFFSET;
    private static final long OFF_PAGE_SIZE = RingFileDescriptor.PAGE_SIZE_OFFSET;
    private static final long OFF_HEADER_PAGES = RingFileDescriptor.HEADER_PAGES_OFFSET;
    private static final long OFF_CONTROL = RingFileDescriptor.CONTROL_OFFSET_OFFSET;
    private static final long MAGIC = RingFileDescriptor.MAGIC;
    private static final int VERSION = RingFileDescriptor.VERSION;
    private static final int HEADER_PAGES = RingFileDescriptor.HEADER_PAGES;
    private static final int CONTROL_OFFSET = RingFileDescriptor.CONTROL_OFFSET;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final System.Logger LOG = System.getLogger("io.jringbuf");
    /** The control block's owner words: each holds the pid of the process that holds it, or 0. */
    private static final long[] OWNER_WORDS = {RingFileDescriptor.LOCK, RingFileDescriptor.DRAIN_BUSY,
            RingFileDescriptor.CONSUMER_OWNER, RingFileDescriptor.PRODUCER_OWNER};

    private final Arena arena;
    private final Path path;
    private final RingType type;
    private final long size;
    private final int pageSize;
    private final boolean shared;
    /** Header pages, data, and the data's second mapping. */
    private final MemorySegment region;
    private final MemorySegment metadata;
    private final RingView view;
    private final MemorySegment controlBlock;
    /** Map flags: {@link RingLayout#OVERWRITE_FLAG} or 0. */
    private int flags;
    /** The ring file, open while mapped (-1 for an anonymous ring); closed by the arena. */
    private final int fd;
    /** The first fault seen (its reason, without an operation), or null; guarded by this. */
    private ErrnoException fault;
    private final Object fdLock = new Object();
    /** Whether {@link #fd} was closed; guarded by {@link #fdLock}. */
    private boolean fdClosed;

    private SharedRingMemory(Arena arena, MemorySegment region, Path path, RingType type, long size, boolean shared,
                             int fd) {
        this.arena = arena;
        this.fd = fd;
        this.path = path;
        this.type = type;
        this.size = size;
        this.pageSize = Sys.pageSize();
        this.shared = shared;
        this.region = region;
        this.metadata = region.asSlice(0, pageSize);
        this.view = new RingView(
                region.asSlice(pageSize, pageSize),
                region.asSlice(2L * pageSize, pageSize),
                region.asSlice((long) HEADER_PAGES * pageSize, 2 * size),
                size);
        this.controlBlock = metadata.asSlice(CONTROL_OFFSET, RingFileDescriptor.CONTROL_SIZE);
    }

    // ------------------------------------------------------------------ factories

    /**
     * Creates a ring file; fails if {@code path} exists.
     *
     * @param size the data size: a power of two and a multiple of the page size
     * @throws ErrnoException EEXIST if the file exists, EINVAL for a bad type or size, or the
     *                        errno of a failing system call
     */
    public static SharedRingMemory create(Path path, RingType type, long size) {
        return create(path, type, size, 0);
    }

    /**
     * Creates a ring file with map flags; fails if {@code path} exists.
     *
     * @param flags 0 or {@link RingLayout#OVERWRITE_FLAG} (RINGBUF only, as in the kernel)
     * @throws ErrnoException EEXIST if the file exists, EINVAL for a bad type, size or flags
     */
    public static SharedRingMemory create(Path path, RingType type, long size, int flags) {
        checkTypeAndSize(type, size, "create ring file " + path);
        checkFlags(type, flags, "create ring file " + path);
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + path.getFileName() + ".tmp-" + Sys.getpid() + "-" + System.nanoTime());
        int fd = (int) Sys.check(Sys.rawOpen(tmp.toString(), Sys.O_RDWR | Sys.O_CREAT | Sys.O_EXCL | Sys.O_CLOEXEC, 0660),
                "create ring file " + path + " (as " + tmp.getFileName() + " until it is complete)");
        SharedRingMemory memory = null;
        boolean fdOwnedByMemory = false;
        try {
            allocate(fd, path, size, true);
            memory = mapAndInitialise(fd, path, type, size, true, flags);
            fdOwnedByMemory = true;
            try {
                Files.createLink(path, tmp);
            } catch (FileAlreadyExistsException e) {
                throw new ErrnoException(Errno.EEXIST, "create ring file " + path + ": it already exists", e);
            } catch (NoSuchFileException e) {
                throw new ErrnoException(Errno.ENOENT, "create ring file " + path + ": no such directory", e);
            } catch (IOException e) {
                throw new ErrnoException(Errno.EIO, "create ring file " + path + ": " + e.getMessage(), e);
            }
            return memory;
        } catch (RuntimeException e) {
            if (memory != null) {
                memory.close();
            }
            throw e;
        } finally {
            if (!fdOwnedByMemory) {
                Sys.rawClose(fd);
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the name is unique and hidden
            }
        }
    }

    /**
     * Creates an anonymous ring (a memfd) for threads of this JVM.
     *
     * @throws ErrnoException EINVAL for a bad type or size
     */
    public static SharedRingMemory anonymous(RingType type, long size) {
        return anonymous(type, size, 0);
    }

    /**
     * Creates an anonymous ring with map flags.
     *
     * @param flags 0 or {@link RingLayout#OVERWRITE_FLAG} (RINGBUF only)
     * @throws ErrnoException EINVAL for a bad type, size or flags
     */
    public static SharedRingMemory anonymous(RingType type, long size, int flags) {
        checkTypeAndSize(type, size, "create anonymous ring");
        checkFlags(type, flags, "create anonymous ring");
        int fd = (int) Sys.check(Sys.rawMemfdCreate("jringbuf", Sys.MFD_CLOEXEC), "memfd_create for an anonymous ring");
        try {
            Sys.check(Sys.rawFtruncate(fd, fileLength(size)), "size anonymous ring to " + fileLength(size) + " bytes");
            return mapAndInitialise(fd, null, type, size, false, flags);
        } finally {
            Sys.rawClose(fd); // an anonymous ring's mapping is all there is of it
        }
    }

    /**
     * Opens an existing ring file.
     *
     * <p>A file whose blocks are not all allocated (a sparse copy, or one made by an older
     * version) gets them allocated here, rather than refused: {@code fallocate} leaves the bytes
     * already there alone, so this is safe while other processes use the ring, and the ring is
     * then as safe as a new one. If the file system is full, the open fails with ENOSPC.
     *
     * @param expectedType the type the caller needs, or null for any
     * @throws ErrnoException ENOENT, EACCES, EMFILE… from open; EINVAL if the file is not a ring
     *                        file of this layout, is truncated, or has another type than expected;
     *                        ENOSPC if its missing blocks cannot be allocated
     */
    public static SharedRingMemory open(Path path, RingType expectedType) {
        String what = "open ring file " + path;
        int fd = (int) Sys.check(Sys.rawOpen(path.toString(), Sys.O_RDWR | Sys.O_CLOEXEC, 0), what);
        boolean fdOwnedByMemory = false;
        try {
            int page = Sys.pageSize();
            long length = Sys.check(Sys.rawFileSize(fd), what);
            if (length < (long) HEADER_PAGES * page) {
                throw new ErrnoException(Errno.EINVAL, what + ": " + length + " bytes is too short for a ring file"
                        + " (truncated, or not a ring file)");
            }
            MemorySegment meta = Sys.mmap(MemorySegment.NULL, page, Sys.PROT_READ, Sys.MAP_SHARED, fd, 0, what + ": map metadata");
            long magic;
            int version;
            int storedType;
            long size;
            int filePage;
            int headerPages;
            int controlOffset;
            int storedFlags;
            try {
                magic = (long) LONG.getAcquire(meta, OFF_MAGIC);
                version = meta.get(ValueLayout.JAVA_INT, OFF_VERSION);
                storedType = meta.get(ValueLayout.JAVA_INT, OFF_TYPE);
                size = meta.get(ValueLayout.JAVA_LONG, OFF_SIZE);
                filePage = meta.get(ValueLayout.JAVA_INT, OFF_PAGE_SIZE);
                headerPages = meta.get(ValueLayout.JAVA_INT, OFF_HEADER_PAGES);
                controlOffset = meta.get(ValueLayout.JAVA_INT, OFF_CONTROL);
                storedFlags = meta.get(ValueLayout.JAVA_INT, RingFileDescriptor.FLAGS_OFFSET);
            } finally {
                Sys.rawMunmap(meta, page);
            }
            if (magic != MAGIC) {
                throw new ErrnoException(Errno.EINVAL, what + ": not a jringbuf ring file (magic 0x"
                        + Long.toHexString(magic) + ", expected 0x" + Long.toHexString(MAGIC) + ")");
            }
            if (version != VERSION && version != RingFileDescriptor.VERSION_OVERWRITE) {
                throw new ErrnoException(Errno.EINVAL, what + ": layout version " + version + ", this library reads "
                        + VERSION + " and " + RingFileDescriptor.VERSION_OVERWRITE + " (overwrite rings)");
            }
            // Version 2 exactly when the overwrite flag is set: an overwrite ring must never be
            // produced into under the ordinary rules (see RingFileDescriptor).
            int expectedFlags = version == VERSION ? 0 : RingLayout.OVERWRITE_FLAG;
            if (storedFlags != expectedFlags) {
                throw new ErrnoException(Errno.EINVAL, what + ": flags 0x" + Integer.toHexString(storedFlags)
                        + " do not match layout version " + version + " (expected 0x"
                        + Integer.toHexString(expectedFlags) + ")");
            }
            RingType type = RingType.ofMapTypeOrNull(storedType);
            if (type == null) {
                throw new ErrnoException(Errno.EINVAL, what + ": unknown ring type " + storedType);
            }
            if (filePage != page || headerPages != HEADER_PAGES || controlOffset != CONTROL_OFFSET) {
                throw new ErrnoException(Errno.EINVAL, what + ": page size " + filePage + " / " + headerPages
                        + " header pages / control at " + controlOffset + "; this process needs " + page + " / "
                        + HEADER_PAGES + " / " + CONTROL_OFFSET);
            }
            if (!RingLayout.isValidRingSize(size, page)) {
                throw new ErrnoException(Errno.EINVAL, what + ": corrupt data size " + size);
            }
            if (length != fileLength(size)) {
                throw new ErrnoException(Errno.EINVAL, what + ": file has " + length + " bytes, a ring of " + size
                        + " bytes needs exactly " + fileLength(size) + " (truncated or extended)");
            }
            if (expectedType != null && type != expectedType) {
                throw new ErrnoException(Errno.EINVAL, what + ": it is a " + type + " ring, expected "
                        + expectedType);
            }
            if (storedFlags != 0 && type != RingType.RINGBUF) {
                throw new ErrnoException(Errno.EINVAL, what + ": a " + type + " ring cannot have the overwrite flag");
            }
            // Allocate rather than refuse: fallocate changes no data, so it is safe under live users.
            allocate(fd, path, size, false);
            SharedRingMemory memory = map(fd, path, type, size, true);
            memory.flags = storedFlags;
            fdOwnedByMemory = true;
            return memory;
        } finally {
            if (!fdOwnedByMemory) {
                Sys.rawClose(fd);
            }
        }
    }

    // ------------------------------------------------------------------ accessors

    /** {@return the ring's memory as the roles see it} */
    public RingView view() {
        return view;
    }

    /** {@return the map flags: {@link RingLayout#OVERWRITE_FLAG} for an overwrite ring, else 0} */
    public int flags() {
        return flags;
    }

    /** {@return whether producers overwrite the oldest committed records ({@code BPF_F_RB_OVERWRITE})} */
    public boolean overwrite() {
        return (flags & RingLayout.OVERWRITE_FLAG) != 0;
    }

    /** {@return the control block ({@link RingFileDescriptor#CONTROL_SIZE} bytes, 64-byte aligned)} */
    public MemorySegment controlBlock() {
        return controlBlock;
    }

    /** {@return the ring type} */
    public RingType type() {
        return type;
    }

    /** {@return the data size} */
    public long size() {
        return size;
    }

    /** {@return the page size} */
    public int pageSize() {
        return pageSize;
    }

    /** {@return the file, or null for an anonymous ring} */
    public Path path() {
        return path;
    }

    /** {@return whether other processes may map this memory (futexes must then be shared)} */
    public boolean shared() {
        return shared;
    }

    /** {@return whether the memory is still mapped} */
    public boolean isOpen() {
        return arena.scope().isAlive();
    }

    /** Unmaps the ring. Threads still using it get {@link ErrnoException} EBADF, never a crash. */
    @Override
    public void close() {
        RingFaults.unregister(arena.scope());
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /**
     * Runs {@code releases} (waking this process's waiters, releasing its claims), then unmaps the
     * ring. Never throws for a fault: if the ring's memory faults during {@code releases}, the
     * ring is handled as in {@link #fault} and the rest of the releases is skipped.
     *
     * @param releases what to do while the memory is still mapped
     */
    public void closeAfter(Runnable releases) {
        try {
            releases.run();
        } catch (InternalError e) {
            if (!RingFaults.isMappingFault(e)) {
                throw e;
            }
            fault(e, "close");
        } catch (IllegalStateException e) {
            if (isOpen()) {
                throw e; // not the closed state (a fault handled by another thread closes it)
            }
        } finally {
            close();
        }
    }

    // ------------------------------------------------------------------ faults

    /**
     * The ring's memory faulted (or {@link #checkFile} found the file truncated): records the
     * error, releases the owner words this process holds where the file still has its first page
     * (through a fresh mapping of that page: the ring's own is unmapped first, so no thread of
     * this process touches the ring any more), and unmaps the ring. Later calls get the same
     * error. Never throws.
     *
     * @param cause the fault, or null if it was seen before any access
     * @param operation what was attempted
     * @return the error to throw: EFAULT if the file is shorter than the ring, else EIO
     */
    public ErrnoException fault(Throwable cause, String operation) {
        ErrnoException first;
        synchronized (this) {
            first = fault;
            if (first == null) {
                long now = currentFileSize();
                long needed = fileLength(size);
                String where = path == null ? "anonymous ring" : "ring file " + path;
                if (now >= 0 && now < needed) {
                    first = new ErrnoException(Errno.EFAULT, where + " was truncated to " + now + " bytes while mapped"
                            + " (the ring needs " + needed + "); it is closed in this process", cause);
                } else {
                    first = new ErrnoException(Errno.EIO, where + ": its pages are gone (the file still has its "
                            + needed + " bytes: the file system could not back a page, e.g. a full tmpfs, or an"
                            + " I/O error); it is closed in this process", cause);
                }
                fault = first;
                RingFaults.faulted(arena.scope(), first);
                try {
                    close();
                } catch (RuntimeException e) {
                    // An access in flight keeps the session; it then faults or fails by itself.
                }
                synchronized (fdLock) { // a close on another thread may have closed the fd meanwhile
                    if (fd >= 0 && !fdClosed) {
                        if (now >= pageSize) { // the control block is in the first page
                            releaseOwnerWords();
                        }
                        fdClosed = true;
                        Sys.rawClose(fd);
                    }
                }
            }
        }
        return RingFaults.again(first, operation, cause);
    }

    /**
     * Like {@link #fault}, for an {@link InternalError} caught around code that also runs other
     * code (a record handler): the fault is this ring's only if its file is shorter than the ring
     * or one of its pages faults now (read one word per page, guarded).
     *
     * @return the error, or null if every page of the ring is there (the fault was elsewhere)
     */
    ErrnoException faultIfMine(Throwable cause, String operation) {
        synchronized (this) {
            if (fault != null || !isOpen()) {
                return fault(cause, operation);
            }
            long now = currentFileSize();
            if (now >= 0 && now < fileLength(size)) {
                return fault(cause, operation);
            }
            try {
                long mapped = (long) HEADER_PAGES * pageSize + size;
                for (long at = 0; at < mapped; at += pageSize) {
                    region.get(ValueLayout.JAVA_BYTE, at);
                }
            } catch (InternalError pageGone) {
                return fault(cause, operation);
            } catch (IllegalStateException closedMeanwhile) {
                return fault(cause, operation);
            }
            return null;
        }
    }

    /**
     * For the slow paths (waits, idle checks): fails if the ring file was truncated, before
     * anything touches the memory that is gone.
     *
     * @throws ErrnoException EFAULT as for {@link #fault}, if the file is shorter than the ring
     */
    public void checkFile(String operation) {
        if (fd < 0 || !isOpen()) {
            return;
        }
        long now = currentFileSize();
        if (now >= 0 && now < fileLength(size) && isOpen()) {
            throw fault(null, operation);
        }
    }

    /**
     * @return whether the ring file still has a name (false once it was removed; the ring lives
     *         on while mapped), or true for an anonymous ring
     */
    public boolean fileLinked() {
        if (fd < 0 || !isOpen()) {
            return true;
        }
        try {
            return Sys.fstat(fd, "ring file " + path).links() > 0;
        } catch (ErrnoException e) {
            return true;
        }
    }

    private long currentFileSize() {
        int f = fd;
        if (f < 0) {
            return -1;
        }
        try {
            return Sys.fstat(f, "ring file " + path).size();
        } catch (ErrnoException e) {
            return -1;
        }
    }

    /**
     * Releases the lock, busy flag and claims that hold this process's id, by mapping page 0 anew
     * (the caller holds {@link #fdLock} and the fd is open). Owner words hold a pid, so a second
     * ring object of this process on the same file loses its claims too; it meets the same fault.
     */
    private void releaseOwnerWords() {
        MemorySegment page;
        try {
            page = Sys.mmap(MemorySegment.NULL, pageSize, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd, 0,
                    "map the metadata page of ring file " + path);
        } catch (ErrnoException e) {
            return; // where the memory does not allow it, nothing is released
        }
        try {
            long self = Sys.getpid();
            for (long word : OWNER_WORDS) {
                long offset = CONTROL_OFFSET + word;
                // The volatile read faults (guarded) before the CAS could (see RingFaults).
                if ((long) LONG.getVolatile(page, offset) == self) {
                    // Release half pairs with the next owner's CAS.
                    MappedAtomics.compareAndSetLong(page, offset, self, 0L);
                }
            }
        } catch (InternalError e) {
            // truncated meanwhile: nothing more can be released
        } finally {
            Sys.rawMunmap(page, pageSize);
        }
    }

    private void closeFd() {
        synchronized (fdLock) {
            if (fd >= 0 && !fdClosed) {
                fdClosed = true;
                Sys.rawClose(fd);
            }
        }
    }

    // ------------------------------------------------------------------ internals

    private static long fileLength(long size) {
        return RingFileDescriptor.fileLength(size, Sys.pageSize());
    }

    private static void checkTypeAndSize(RingType type, long size, String what) {
        java.util.Objects.requireNonNull(type, "type");
        if (!RingLayout.isValidRingSize(size, Sys.pageSize())) {
            throw new ErrnoException(Errno.EINVAL, what + ": size " + size + " must be a power of two, a multiple of "
                    + Sys.pageSize() + " and at most " + RingLayout.MAX_RING_SIZE);
        }
    }

    private static void checkFlags(RingType type, int flags, String what) {
        if ((flags & ~RingLayout.OVERWRITE_FLAG) != 0) {
            throw new ErrnoException(Errno.EINVAL, what + ": flags 0x" + Integer.toHexString(flags)
                    + ": only BPF_F_RB_OVERWRITE (0x" + Integer.toHexString(RingLayout.OVERWRITE_FLAG) + ") exists");
        }
        if (flags != 0 && type != RingType.RINGBUF) {
            // As the kernel: BPF_F_RB_OVERWRITE on a USER_RINGBUF is EINVAL.
            throw new ErrnoException(Errno.EINVAL, what + ": BPF_F_RB_OVERWRITE is for RINGBUF rings, not " + type);
        }
    }

    private static SharedRingMemory mapAndInitialise(int fd, Path path, RingType type, long size, boolean shared,
                                                     int flags) {
        SharedRingMemory memory = map(fd, path, type, size, shared);
        memory.flags = flags;
        MemorySegment meta = memory.metadata;
        meta.set(ValueLayout.JAVA_INT, OFF_VERSION, flags == 0 ? VERSION : RingFileDescriptor.VERSION_OVERWRITE);
        meta.set(ValueLayout.JAVA_INT, RingFileDescriptor.FLAGS_OFFSET, flags);
        meta.set(ValueLayout.JAVA_INT, OFF_TYPE, type.mapType());
        meta.set(ValueLayout.JAVA_LONG, OFF_SIZE, size);
        meta.set(ValueLayout.JAVA_INT, OFF_PAGE_SIZE, memory.pageSize);
        meta.set(ValueLayout.JAVA_INT, OFF_HEADER_PAGES, HEADER_PAGES);
        meta.set(ValueLayout.JAVA_INT, OFF_CONTROL, CONTROL_OFFSET);
        // Release: everything above is visible to whoever acquire-loads the magic.
        LONG.setRelease(meta, OFF_MAGIC, MAGIC);
        return memory;
    }

    /** Maps header pages + data, then the data a second time right behind, into one region. */
    private static SharedRingMemory map(int fd, Path path, RingType type, long size, boolean shared) {
        MappedAtomics.prepare(); // compiled before a ring file can be truncated under them
        int page = Sys.pageSize();
        long headerBytes = (long) HEADER_PAGES * page;
        long total = headerBytes + 2 * size;
        String what = (path == null ? "anonymous ring" : "ring file " + path);
        MemorySegment region = Sys.mmap(MemorySegment.NULL, total, Sys.PROT_NONE,
                Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS | Sys.MAP_NORESERVE, -1, 0, "reserve " + total + " bytes for " + what);
        try {
            Sys.mmap(region, headerBytes + size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED | Sys.MAP_FIXED,
                    fd, 0, "map " + what);
            Sys.mmap(region.asSlice(headerBytes + size), size, Sys.PROT_READ | Sys.PROT_WRITE,
                    Sys.MAP_SHARED | Sys.MAP_FIXED, fd, headerBytes, "map the second copy of the data of " + what);
        } catch (RuntimeException e) {
            Sys.rawMunmap(region, total);
            throw e;
        }
        Arena arena = Arena.ofShared();
        int keptFd = path == null ? -1 : fd;
        SharedRingMemory[] memory = new SharedRingMemory[1];
        MemorySegment owned = region.reinterpret(total, arena, segment -> {
            Sys.rawMunmap(segment, total);
            if (memory[0] != null && memory[0].fault == null) {
                memory[0].closeFd(); // after a fault, fault() still needs it and closes it itself
            }
        });
        memory[0] = new SharedRingMemory(arena, owned, path, type, size, shared, keptFd);
        if (path != null) {
            RingFaults.register(arena.scope(), memory[0]);
        }
        return memory[0];
    }

    /**
     * Allocates every block of a ring file (see "Never a sparse ring").
     *
     * @param creating true: the file is new and nobody else has it (zeros may be written); false:
     *                 an existing ring, maybe in use (only {@code fallocate}, which changes no data)
     */
    private static void allocate(int fd, Path path, long size, boolean creating) {
        long length = fileLength(size);
        String what = (creating ? "create" : "open") + " ring file " + path;
        if (!creating) {
            Sys.FileStat st = Sys.fstat(fd, "ring file " + path);
            if (st.allocatedBytes() >= length) {
                return;
            }
        }
        int r;
        do {
            r = Sys.rawFallocate(fd, 0, 0, length);
        } while (r == -Errno.EINTR);
        if (r == 0) {
            return;
        }
        if (r == -Errno.ENOSPC || r == -Errno.EDQUOT) {
            throw new ErrnoException(-r, what + ": allocate " + length + " bytes (a ring of " + size + " data bytes "
                    + "and " + HEADER_PAGES + " header pages): " + (r == -Errno.ENOSPC ? "the file system is full"
                    : "the disk quota is used up"));
        }
        if (r != -Errno.EOPNOTSUPP && r != -Errno.ENOSYS) {
            throw new ErrnoException(-r, what + ": allocate " + length + " bytes");
        }
        if (!creating) {
            // Writing zeros over a ring in use could erase what another process just wrote.
            LOG.log(System.Logger.Level.INFO, what + ": the file system cannot allocate ahead (fallocate: "
                    + Errno.name(r) + "); its blocks are used as they are");
            return;
        }
        LOG.log(System.Logger.Level.INFO, what + ": the file system cannot allocate ahead (fallocate: "
                + Errno.name(r) + "); writing " + length + " bytes of zeros instead");
        writeZeros(fd, length, what);
    }

    private static void writeZeros(int fd, long length, String what) {
        long chunk = 1L << 20;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment zeros = a.allocate(chunk); // zeroed
            for (long at = 0; at < length; ) {
                long n = Sys.rawPwrite(fd, zeros, Math.min(chunk, length - at), at);
                if (n == -Errno.EINTR) {
                    continue;
                }
                if (n < 0) {
                    throw new ErrnoException((int) -n, what + ": write zeros at " + at + " of " + length + " bytes"
                            + (n == -Errno.ENOSPC ? ": the file system is full" : ""));
                }
                at += n;
            }
        }
    }
}
