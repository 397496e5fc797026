/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM for {@link SignalsTest}: registers with {@link Signals#shutdownHook()} as a command
 * does, says "ready" on stdout, and on SIGTERM (or after 30 s without one) ends as {@code args[0]}
 * says: {@code fail} prints an error line and ends with status 3 as {@link Main#main} does for a
 * failed command; {@code finished} releases the stop itself (a command blocked on stdin), then
 * tries to end with status 6; {@code
 * nosignal} ends with status 5 at once, without waiting for a signal.
 */
final class SignalsProbe {
    private SignalsProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        Signals signals = Signals.shutdownHook();
        CountDownLatch woken = new CountDownLatch(1);
        Signals.Stop stop = signals.register(woken::countDown);
        System.out.println("ready");
        System.out.flush();
        switch (args[0]) {
            case "fail" -> {
                woken.await(30, TimeUnit.SECONDS);
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
            case "nosignal" -> {
                signals.ended(5);
                System.exit(5);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
