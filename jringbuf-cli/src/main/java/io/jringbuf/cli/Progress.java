/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.io.PrintStream;

/** A live progress line on stderr, redrawn at most once a second, only for a person watching. */
final class Progress {
    private static final long INTERVAL = 1_000_000_000L;

    private final PrintStream err;
    private final boolean enabled;
    private final String what;
    private long lastTime;
    private long lastRecords;
    private boolean drawn;

    Progress(CliIo io, boolean enabled, String what) {
        this.err = io.err();
        this.enabled = enabled && io.interactive();
        this.what = what;
        this.lastTime = System.nanoTime();
    }

    /** Redraws the line if a second has passed; {@code backlog} < 0 leaves it out. */
    void tick(long records, long backlog) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastTime < INTERVAL) {
            return;
        }
        double rate = (records - lastRecords) * 1e9 / (now - lastTime);
        lastTime = now;
        lastRecords = records;
        err.printf("\r%s: %d records, %.0f records/s%s   ", what, records, rate,
                backlog >= 0 ? ", backlog " + backlog + " bytes" : "");
        err.flush();
        drawn = true;
    }

    /** Ends the progress line so that later messages start on a fresh line. */
    void done() {
        if (drawn) {
            err.println();
            drawn = false;
        }
    }
}
