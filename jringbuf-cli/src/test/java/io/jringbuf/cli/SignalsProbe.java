/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM for {@link SignalsTest}: registers with {@link Signals#shutdownHook()} as a command
 * does, with a wake-up that prints "woken" on stderr, says "ready" on stdout, and ends as
 * {@code args[0]} says:
 * <ul>
 * <li>{@code fail}: after the signal, prints an error line and ends with status 3, as
 *     {@link Main#main} does for a command that failed while it stopped;
 * <li>{@code wakeup-throws}: the same, with a wake-up that throws (a command whose ring is
 *     already closed) after it printed;
 * <li>{@code finished}: after the signal, releases the stop itself, then tries to end with 6;
 * <li>{@code finished-in-hook}: the wake-up releases the stop (as {@code send} does when it is
 *     blocked on stdin), the main thread never returns;
 * <li>{@code never-released}: after the signal, neither returns nor releases;
 * <li>{@code no-signal}: ends with status 5 at once.
 * </ul>
 */
final class SignalsProbe {
    private SignalsProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        String mode = args[0];
        Signals signals = Signals.shutdownHook();
        CountDownLatch woken = new CountDownLatch(1);
        Signals.Stop[] self = new Signals.Stop[1];
        Signals.Stop stop = signals.register(() -> {
            System.err.println("woken");
            System.err.flush();
            woken.countDown();
            switch (mode) {
                case "wakeup-throws" -> throw new IllegalStateException("already closed");
                case "finished-in-hook" -> self[0].finished();
                default -> { }
            }
        });
        self[0] = stop;
        System.out.println("ready");
        System.out.flush();
        switch (mode) {
            case "fail", "wakeup-throws" -> {
                if (!woken.await(30, TimeUnit.SECONDS)) {
                    System.exit(9); // no signal came
                }
                awaitHookWaiting(); // the hook must wait for ended(), not halt when the wake-up returns or throws
                System.err.println("probe: failed while stopping (stop requested: " + stop.requested() + ")");
                System.err.flush();
                signals.ended(3);
                System.exit(3);
            }
            case "finished" -> {
                woken.await(30, TimeUnit.SECONDS);
                stop.finished();
                signals.ended(6); // too late: the first release decides
                Thread.sleep(30_000); // the hook halts the JVM before this ends
                System.exit(4);
            }
            case "finished-in-hook", "never-released" -> {
                Thread.sleep(60_000); // the hook halts the JVM before this ends
                System.exit(4);
            }
            case "no-signal" -> {
                signals.ended(5);
                System.exit(5);
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    /**
     * Returns once the hook thread ("jringbuf-stop") is parked in its bounded wait for the
     * release, or after 30 s (a hook that halted the JVM instead never gets there).
     */
    private static void awaitHookWaiting() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadline < 0) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals("jringbuf-stop") && t.getState() == Thread.State.TIMED_WAITING) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
    }
}
