/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.wait;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An epoll set plus an eventfd for waking a blocked {@link #await} from another thread. The
 * eventfd is registered with the data word {@link #WAKE_DATA}; {@link #await} consumes its count
 * and reports it as such. Used by one waiting thread at a time; {@link #wake()} from any thread.
 */
public final class Epoll implements AutoCloseable {
    /** The data word of the internal eventfd's events. */
    public static final long WAKE_DATA = -1L;

    private final int epfd;
    private final int eventFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment counter;
    private final MemorySegment one;
    private MemorySegment events;
    private int capacity;

    /**
     * Creates the set with its eventfd.
     *
     * @throws ErrnoException if {@code epoll_create1} or {@code eventfd} fails
     */
    public Epoll() {
        this.epfd = (int) Sys.check(Sys.rawEpollCreate1(Sys.EPOLL_CLOEXEC), "epoll_create1 for a ring poller's epoll set");
        int efd = Sys.rawEventfd(0, Sys.EFD_CLOEXEC | Sys.EFD_NONBLOCK);
        if (efd < 0) {
            Sys.rawClose(epfd);
            throw new ErrnoException(-efd, "eventfd for waking an epoll wait");
        }
        this.eventFd = efd;
        int r = Sys.rawEpollCtl(epfd, Sys.EPOLL_CTL_ADD, eventFd, Sys.EPOLLIN, WAKE_DATA);
        if (r < 0) {
            Sys.rawClose(eventFd);
            Sys.rawClose(epfd);
            throw new ErrnoException(-r, "epoll_ctl ADD eventfd");
        }
        this.counter = arena.allocate(ValueLayout.JAVA_LONG);
        this.one = arena.allocate(ValueLayout.JAVA_LONG);
        one.set(ValueLayout.JAVA_LONG, 0, 1);
        ensureCapacity(4);
    }

    /** {@return the epoll file descriptor} */
    public int fd() {
        return epfd;
    }

    /**
     * Registers a descriptor.
     *
     * @param events EPOLLIN / EPOLLOUT, optionally {@link Sys#EPOLLET}
     * @param data the word reported with its events (must not be {@link #WAKE_DATA})
     * @throws ErrnoException if {@code epoll_ctl} fails
     */
    public synchronized void add(int fd, int events, long data, String what) {
        Sys.check(Sys.rawEpollCtl(epfd, Sys.EPOLL_CTL_ADD, fd, events, data), "epoll_ctl ADD " + what);
        ensureCapacity(capacity + 1);
    }

    private void ensureCapacity(int n) {
        if (events == null || n > capacity) {
            capacity = Math.max(n, capacity * 2);
            events = arena.allocate((long) Sys.EPOLL_EVENT_SIZE * capacity, 8);
        }
    }

    /**
     * Waits for events.
     *
     * @param timeoutMs -1 for no timeout
     * @return the number of events (read them with {@link #data}), 0 on timeout, or a negated
     *         errno ({@code -EINTR} when a signal interrupted the wait)
     */
    public int await(int timeoutMs) {
        return Sys.rawEpollWait(epfd, events, capacity, timeoutMs);
    }

    /** {@return the data word of the i-th event of the last {@link #await}} */
    public long data(int i) {
        return Sys.epollEventData(events, i);
    }

    /** Consumes pending {@link #wake()} calls (after an event with {@link #WAKE_DATA}). */
    public void clearWake() {
        Sys.rawRead(eventFd, counter, 8); // EAGAIN when already cleared: fine
    }

    /** Makes the current (or next) {@link #await} return with a {@link #WAKE_DATA} event. */
    public synchronized void wake() {
        if (!arena.scope().isAlive()) {
            return; // closed: nobody can be waiting any more
        }
        long r = Sys.rawWrite(eventFd, one, 8);
        if (r < 0 && r != -Errno.EAGAIN) {
            throw new ErrnoException((int) -r, "write eventfd to wake an epoll wait");
        }
    }

    /** Closes the set and its eventfd (not the registered descriptors). */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            Sys.rawClose(eventFd);
            Sys.rawClose(epfd);
            arena.close();
        }
    }

    /**
     * Converts a remaining wait in nanoseconds to epoll's milliseconds, rounding up so that a
     * short positive wait does not become a non-blocking poll.
     */
    public static int toMillis(long nanos) {
        if (nanos == Blocking.FOREVER) {
            return -1;
        }
        if (nanos <= 0) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }
}
