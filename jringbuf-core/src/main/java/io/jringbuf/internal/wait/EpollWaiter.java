/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.wait;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.sys.Sys;

/**
 * A {@link Waiter} on a kernel ring fd, registered <em>edge-triggered</em>: every wakeup the
 * kernel sends on the ring's wait queue queues one event, and a wait returns only for such a
 * wakeup that happened after the previous wait returned (or the first time, for the initial
 * state). This is what lets a user-ring producer wait for space without libbpf's spin: the
 * level-triggered EPOLLOUT it uses is "ready" whenever the ring is not 100 % full, so a
 * reservation that needs more than is free would return at once, forever.
 *
 * <p>No registration race: the fd is registered once, before the first attempt, and an edge that
 * arrives between a failed attempt and the next wait stays queued until that wait.
 */
public final class EpollWaiter implements Waiter, AutoCloseable {
    private final Epoll epoll;
    private final boolean ownsEpoll;

    /**
     * @param epoll the set, owned by the caller
     * @param fd the ring fd
     * @param events {@code EPOLLIN} or {@code EPOLLOUT}; {@code EPOLLET} is added
     */
    public EpollWaiter(Epoll epoll, int fd, int events, String what) {
        this(epoll, fd, events, what, false);
    }

    private EpollWaiter(Epoll epoll, int fd, int events, String what, boolean ownsEpoll) {
        this.epoll = epoll;
        this.ownsEpoll = ownsEpoll;
        epoll.add(fd, events | Sys.EPOLLET, 0, what);
    }

    /**
     * A waiter with an epoll set of its own, closed by {@link #close()}.
     *
     * @param fd the ring fd
     * @param events {@code EPOLLIN} or {@code EPOLLOUT}; {@code EPOLLET} is added
     * @param what names the ring in errors
     * @throws ErrnoException if the set cannot be made (EMFILE...)
     */
    public static EpollWaiter open(int fd, int events, String what) {
        Epoll epoll = new Epoll();
        try {
            return new EpollWaiter(epoll, fd, events, what, true);
        } catch (RuntimeException | Error e) {
            epoll.close();
            throw e;
        }
    }

    /** Closes the epoll set if this waiter made it. */
    @Override
    public void close() {
        if (ownsEpoll) {
            epoll.close();
        }
    }

    @Override
    public long prepareWait() {
        return 0;
    }

    @Override
    public int await(long token, long nanos) {
        int n = epoll.await(Epoll.toMillis(nanos));
        if (n == -Errno.EINTR) {
            return SIGNALLED;
        }
        if (n < 0) {
            throw new ErrnoException(-n, "epoll_wait on a ring fd");
        }
        boolean woken = false;
        for (int i = 0; i < n; i++) {
            if (epoll.data(i) == Epoll.WAKE_DATA) {
                epoll.clearWake();
                woken = true;
            }
        }
        if (woken) {
            return INTERRUPTED;
        }
        return n > 0 ? SIGNALLED : TIMED_OUT;
    }

    @Override
    public void cancelWait() {
    }

    @Override
    public void interrupt() {
        epoll.wake();
    }
}
