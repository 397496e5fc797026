/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How SIGINT/SIGTERM stop a command that runs until interrupted ({@code cat} without
 * {@code --count}): the command registers a wake-up action, checks {@link Stop#requested()} between
 * polls, and calls {@link Stop#finished()} once its output is flushed.
 */
public interface Signals {

    /**
     * Registers a long-running command.
     *
     * @param wakeUp makes the command's blocking call return promptly (for example a ring's wakeUp)
     * @return the registration
     */
    Stop register(Runnable wakeUp);

    /** One registered command. */
    interface Stop {
        /** @return whether a termination signal asked the command to stop */
        boolean requested();

        /** Called by the command after its last output is flushed; ends the registration. */
        void finished();
    }

    /** No signal handling (in-process runs): the command never sees a stop request. */
    Signals NONE = wakeUp -> new Stop() {
        @Override
        public boolean requested() {
            return false;
        }

        @Override
        public void finished() {
        }
    };

    /**
     * Signal handling through a JVM shutdown hook: on SIGINT/SIGTERM the hook sets the stop flag,
     * wakes the command, waits (at most 5 s) until it has flushed, and halts the JVM with exit
     * status 0 (a plain JVM would exit with 130/143). A command that finishes first removes the hook.
     *
     * @return the shutdown-hook implementation
     */
    static Signals shutdownHook() {
        return wakeUp -> {
            CountDownLatch flushed = new CountDownLatch(1);
            final class HookStop implements Stop {
                volatile boolean requested;
                final Thread hook = new Thread(() -> {
                    try {
                        requested = true;
                        wakeUp.run();
                        flushed.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        // The command may have closed its ring already (EBADF): it is stopping anyway.
                    } finally {
                        Runtime.getRuntime().halt(0);
                    }
                }, "jringbuf-stop");

                @Override
                public boolean requested() {
                    return requested;
                }

                @Override
                public void finished() {
                    flushed.countDown();
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // The hook is running: it halts with status 0 now that the output is flushed.
                    }
                }
            }
            HookStop stop = new HookStop();
            Runtime.getRuntime().addShutdownHook(stop.hook);
            return stop;
        };
    }
}
