/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * BTF loaded into the kernel ({@code BPF_BTF_LOAD}): a file descriptor that maps and programs
 * refer to. Closing it does not unload BTF that a loaded program or map still uses.
 */
public final class BtfHandle implements AutoCloseable {
    private final int fd;
    private volatile boolean closed;

    private BtfHandle(int fd) {
        this.fd = fd;
    }

    /**
     * Loads raw BTF. On failure it reloads with a log and puts the log in the exception.
     *
     * @param blob a complete BTF blob (header, types, strings)
     * @param what what the BTF is, for the message (for example the object's name)
     * @return the loaded BTF
     * @throws BpfVerifierException if the kernel refuses it
     */
    static BtfHandle load(byte[] blob, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(Math.max(1, blob.length), 8);
            MemorySegment.copy(blob, 0, data, ValueLayout.JAVA_BYTE, 0, blob.length);
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.JAVA_LONG, 0, data.address());
            attr.set(ValueLayout.JAVA_INT, 16, blob.length);
            long r = BpfSys.raw(BpfSys.BTF_LOAD, attr);
            if (r >= 0) {
                return new BtfHandle((int) r);
            }
            int logSize = 1 << 20;
            MemorySegment log = arena.allocate(logSize);
            attr.set(ValueLayout.JAVA_LONG, 8, log.address());
            attr.set(ValueLayout.JAVA_INT, 20, logSize);
            attr.set(ValueLayout.JAVA_INT, 24, 1);
            long again = BpfSys.raw(BpfSys.BTF_LOAD, attr);
            if (again >= 0) {
                return new BtfHandle((int) again); // succeeded with a log: keep it
            }
            throw new BpfVerifierException((int) -r, "bpf(BPF_BTF_LOAD) " + what + " (" + blob.length + " bytes of BTF)",
                    log.getString(0));
        }
    }

    /** {@return the file descriptor} */
    public int fd() {
        if (closed) {
            throw new ErrnoException(Errno.EBADF, "use of closed BTF object");
        }
        return fd;
    }

    /** Closes the descriptor (a program loaded with it keeps its own reference). Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Sys.rawClose(fd);
        }
    }

    @Override
    public String toString() {
        return "BtfHandle[fd=" + fd + (closed ? " closed" : "") + "]";
    }
}
