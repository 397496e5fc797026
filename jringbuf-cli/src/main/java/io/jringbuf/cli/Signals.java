/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

/**
 * How SIGINT/SIGTERM stop a command that runs until interrupted ({@code cat} without
 * {@code --count}): the command registers a wake-up action and checks {@link Stop#requested()}
 * between polls; a stopped command ends as it would at its end (its summary, exit status 0). The
 * JVM ends once {@link Main} has printed what the command left to say (its error line, if it
 * failed) and called {@link #ended(int)} with the command's exit status: a command that fails
 * while it stops still reports its failure and its status.
 */
public interface Signals {

    /**
     * Registers a long-running command.
     *
     * @param wakeUp makes the command's blocking call return promptly (for example a ring's wakeUp)
     * @return the registration
     */
    Stop register(Runnable wakeUp);

    /**
     * Called by {@link Main} once the command returned and its output and error line are flushed:
     * a signal's stop in progress ends the JVM with {@code status}; without one the registrations
     * are dropped.
     *
     * @param status the command's exit status
     */
    default void ended(int status) {
    }

    /** One registered command. */
    interface Stop {
        /** @return whether a termination signal asked the command to stop */
        boolean requested();

        /**
         * {@return when the stop was requested, on {@link System#nanoTime()}'s clock; meaningful
         * once {@link #requested()} is true} A command compares it with its deadline: a signal
         * that came before the deadline is a clean stop, whenever the command noticed it. This
         * default, for registrations that do not record the time, is the time of the call.
         */
        default long requestedAt() {
            return System.nanoTime();
        }

        /**
         * For a command that cannot return while it is stopped (blocked reading its standard
         * input): its output is complete and flushed and it ends with status 0, so a signal's
         * stop may end the JVM now, without waiting for {@link Signals#ended(int)}.
         */
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
     * Signal handling through JVM shutdown hooks: on SIGINT/SIGTERM a registration's hook sets the
     * stop flag, wakes the command, waits (at most 10 s) for {@link #ended(int)} (or
     * {@link Stop#finished()}), and halts the JVM with the command's status (a plain JVM would exit
     * with 130/143 before the command had flushed its output); a command that has not ended by then
     * ends with a line saying so and status 1.
     *
     * @return a new instance for one command line
     */
    static Signals shutdownHook() {
        return new HookSignals();
    }
}
