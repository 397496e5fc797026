/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@link Signals#shutdownHook()}: one JVM shutdown hook per registration. */
final class HookSignals implements Signals {
    private final List<HookStop> stops = new CopyOnWriteArrayList<>();

    @Override
    public Stop register(Runnable wakeUp) {
        HookStop stop = new HookStop(wakeUp);
        stops.add(stop);
        Runtime.getRuntime().addShutdownHook(stop.hook);
        return stop;
    }

    @Override
    public void ended(int status) {
        for (HookStop stop : stops) {
            stop.release(status);
        }
    }

    /**
     * One registration: on SIGINT/SIGTERM its hook sets the stop flag, wakes the command, waits
     * (at most {@link #STOP_BOUND_SECONDS} s) to be released, and halts the JVM with the status it was
     * released with; a command that was not released by then did not end as it should, so the
     * JVM ends with a line saying so and status 1.
     */
    private static final class HookStop implements Stop {
        private static final long STOP_BOUND_SECONDS = 10;
        private final CountDownLatch released = new CountDownLatch(1);
        private final Thread hook;
        private volatile boolean requested;
        /** Written before {@link #requested}, read after it. */
        private volatile long requestedAt;
        /** Written before {@link #released} counts down, read by the hook after it does. */
        private volatile int status;

        HookStop(Runnable wakeUp) {
            hook = new Thread(() -> {
                int exit = CliException.RUNTIME;
                try {
                    requestedAt = System.nanoTime();
                    requested = true;
                    try {
                        wakeUp.run();
                    } catch (RuntimeException e) {
                        // The command may have closed its ring already (EBADF, closed): it is
                        // ending anyway, and its release still decides the status.
                    }
                    if (released.await(STOP_BOUND_SECONDS, TimeUnit.SECONDS)) {
                        exit = status;
                    } else {
                        // From another thread, waited for at most 1 s: a command stuck writing to
                        // a full stderr pipe, or holding its lock, must not keep the JVM alive.
                        Thread line = Thread.ofPlatform().daemon().start(() -> {
                            System.err.println("jringbuf: the command did not stop within " + STOP_BOUND_SECONDS
                                    + " s of the signal; ended without its summary");
                            System.err.flush();
                        });
                        line.join(1_000);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    Runtime.getRuntime().halt(exit);
                }
            }, "jringbuf-stop");
        }

        @Override
        public boolean requested() {
            return requested;
        }

        @Override
        public long requestedAt() {
            return requestedAt;
        }

        @Override
        public void finished() {
            release(0);
        }

        /** Lets a running hook halt with {@code exitStatus}, or removes the hook; the first call decides. */
        synchronized void release(int exitStatus) {
            if (released.getCount() == 0) {
                return;
            }
            status = exitStatus;
            released.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it halts with the status now that the output is flushed.
            }
        }
    }
}
