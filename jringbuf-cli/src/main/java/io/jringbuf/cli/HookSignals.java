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
     * (at most 5 s) to be released, and halts the JVM with the status it was released with.
     */
    private static final class HookStop implements Stop {
        private final CountDownLatch released = new CountDownLatch(1);
        private final Thread hook;
        private volatile boolean requested;
        /** Written before {@link #released} counts down, read by the hook after it does. */
        private volatile int status;

        HookStop(Runnable wakeUp) {
            hook = new Thread(() -> {
                try {
                    requested = true;
                    wakeUp.run();
                    released.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    // The command may have closed its ring already (EBADF): it is stopping anyway.
                } finally {
                    Runtime.getRuntime().halt(status);
                }
            }, "jringbuf-stop");
        }

        @Override
        public boolean requested() {
            return requested;
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
