/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.memory;

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
 * anything is mapped beyond the first page. A file truncated <em>after</em> it was mapped cannot
 * be detected; accessing it then would raise SIGBUS, so never truncate a ring in use.
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

    private final Arena arena;
    private final Path path;
    private final RingType type;
    private final long size;
    private final int pageSize;
    private final boolean shared;
    private final MemorySegment metadata;
    private final RingView view;
    private final MemorySegment controlBlock;

    private SharedRingMemory(Arena arena, MemorySegment region, Path path, RingType type, long size, boolean shared) {
        this.arena = arena;
        this.path = path;
        this.type = type;
        this.size = size;
        this.pageSize = Sys.pageSize();
        this.shared = shared;
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
        checkTypeAndSize(type, size, "create ring file " + path);
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + path.getFileName() + ".tmp-" + Sys.getpid() + "-" + System.nanoTime());
        int fd = (int) Sys.check(Sys.rawOpen(tmp.toString(), Sys.O_RDWR | Sys.O_CREAT | Sys.O_EXCL | Sys.O_CLOEXEC, 0660),
                "create ring file " + tmp);
        SharedRingMemory memory = null;
        try {
            Sys.check(Sys.rawFtruncate(fd, fileLength(size)), "size ring file " + tmp + " to " + fileLength(size) + " bytes");
            memory = mapAndInitialise(fd, path, type, size, true);
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
            Sys.rawClose(fd);
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
        checkTypeAndSize(type, size, "create anonymous ring");
        int fd = (int) Sys.check(Sys.rawMemfdCreate("jringbuf", Sys.MFD_CLOEXEC), "memfd_create for an anonymous ring");
        try {
            Sys.check(Sys.rawFtruncate(fd, fileLength(size)), "size anonymous ring to " + fileLength(size) + " bytes");
            return mapAndInitialise(fd, null, type, size, false);
        } finally {
            Sys.rawClose(fd);
        }
    }

    /**
     * Opens an existing ring file.
     *
     * @param expectedType the type the caller needs, or null for any
     * @throws ErrnoException ENOENT, EACCES… from open; EINVAL if the file is not a ring file of
     *                        this layout, is truncated, or has another type than expected
     */
    public static SharedRingMemory open(Path path, RingType expectedType) {
        String what = "open ring file " + path;
        int fd = (int) Sys.check(Sys.rawOpen(path.toString(), Sys.O_RDWR | Sys.O_CLOEXEC, 0), what);
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
            try {
                magic = (long) LONG.getAcquire(meta, OFF_MAGIC);
                version = meta.get(ValueLayout.JAVA_INT, OFF_VERSION);
                storedType = meta.get(ValueLayout.JAVA_INT, OFF_TYPE);
                size = meta.get(ValueLayout.JAVA_LONG, OFF_SIZE);
                filePage = meta.get(ValueLayout.JAVA_INT, OFF_PAGE_SIZE);
                headerPages = meta.get(ValueLayout.JAVA_INT, OFF_HEADER_PAGES);
                controlOffset = meta.get(ValueLayout.JAVA_INT, OFF_CONTROL);
            } finally {
                Sys.rawMunmap(meta, page);
            }
            if (magic != MAGIC) {
                throw new ErrnoException(Errno.EINVAL, what + ": not a jringbuf ring file (magic 0x"
                        + Long.toHexString(magic) + ", expected 0x" + Long.toHexString(MAGIC) + ")");
            }
            if (version != VERSION) {
                throw new ErrnoException(Errno.EINVAL, what + ": layout version " + version + ", this library reads "
                        + VERSION);
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
            return map(fd, path, type, size, true);
        } finally {
            Sys.rawClose(fd);
        }
    }

    // ------------------------------------------------------------------ accessors

    /** {@return the ring's memory as the roles see it} */
    public RingView view() {
        return view;
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
        if (arena.scope().isAlive()) {
            arena.close();
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

    private static SharedRingMemory mapAndInitialise(int fd, Path path, RingType type, long size, boolean shared) {
        SharedRingMemory memory = map(fd, path, type, size, shared);
        MemorySegment meta = memory.metadata;
        meta.set(ValueLayout.JAVA_INT, OFF_VERSION, VERSION);
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
        MemorySegment owned = region.reinterpret(total, arena, segment -> Sys.rawMunmap(segment, total));
        return new SharedRingMemory(arena, owned, path, type, size, shared);
    }
}
