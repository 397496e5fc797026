/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.RingType;

import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The output of {@code stat --watch} and {@code top}. On a terminal, a compact table redrawn in
 * place: the cursor goes back to the table's first line ({@code ESC [ n F}), the old table is
 * erased to the end of the screen ({@code ESC [ J}) and the new one printed. Line wrapping is
 * off while the table is shown ({@code ESC [ ? 7 l}, back on at the end with {@code ESC [ ? 7 h}),
 * so that a terminal narrower than the table cuts the rows rather than wrapping them, and the
 * redraw goes back exactly as many lines as were drawn. Otherwise (a pipe or
 * a file), one line per ring and sample, in logfmt ({@code key=value} pairs separated by spaces,
 * {@code -} for a value not known, {@code ~} before an estimated record count), for logs and
 * scripts.
 */
final class LiveView {
    static final String CURSOR_UP_TO_LINE_START = "\033[%dF";
    static final String ERASE_BELOW = "\033[J";
    static final String WRAP_OFF = "\033[?7l";
    static final String WRAP_ON = "\033[?7h";
    private static final int BAR = 10;
    private static final int RING_WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private int drawnLines;

    LiveView(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Shows one sample of each ring: a redrawn table on a terminal, logfmt lines otherwise
     * ({@code blockSeparator}: an empty line after them, as {@code top} prints a block per interval).
     */
    void show(String title, List<RingSampler.Sample> samples, boolean blockSeparator) {
        if (terminal) {
            StringBuilder frame = new StringBuilder();
            if (drawnLines > 0) {
                frame.append(String.format(CURSOR_UP_TO_LINE_START, drawnLines)).append(ERASE_BELOW);
            } else {
                frame.append(WRAP_OFF);
            }
            frame.append(title).append('\n');
            frame.append(String.format(Locale.ROOT, "%-" + RING_WIDTH + "s %-12s %9s %11s %11s %9s %-16s %8s %8s %7s %7s%n",
                    "RING", "TYPE", "SIZE", "CONS_POS", "PROD_POS", "BACKLOG", "FILL", "REC/S", "BYTES/S",
                    "LOST", "WAKEUPS"));
            for (RingSampler.Sample s : samples) {
                frame.append(row(s)).append('\n');
            }
            if (samples.isEmpty()) {
                frame.append("(no rings)\n");
            }
            out.print(frame);
            drawnLines = 2 + Math.max(samples.size(), 1);
        } else {
            for (RingSampler.Sample s : samples) {
                out.println(line(s));
            }
            if (blockSeparator) {
                out.println();
            }
        }
        out.flush();
    }

    /** Ends the view: line wrapping back on, if it was turned off. */
    void end() {
        if (terminal && drawnLines > 0) {
            out.print(WRAP_ON);
            out.flush();
        }
    }

    private static String row(RingSampler.Sample s) {
        String ring = s.ring().length() <= RING_WIDTH ? s.ring() : "..." + s.ring().substring(s.ring().length() - RING_WIDTH + 3);
        double fill = s.fillPercent();
        int filled = (int) Math.round(fill / 100 * BAR);
        String bar = "[" + "#".repeat(Math.min(filled, BAR)) + ".".repeat(BAR - Math.min(filled, BAR)) + "]"
                + String.format(Locale.ROOT, "%4.0f%%", fill); // 16 characters
        return String.format(Locale.ROOT, "%-" + RING_WIDTH + "s %-12s %9d %11d %11d %9d %-16s %8s %8s %7s %7s", ring,
                typeName(s.type()), s.size(), s.consumerPos(), s.producerPos(), s.backlog(), bar,
                (s.recordsEstimated() ? "~" : "") + human(s.recordsPerSecond()), human(s.bytesPerSecond()), count(s.lost()), count(s.wakeups()));
    }

    /** One logfmt line: {@code time=… ring=… type=… size=… consumer_pos=… …}. */
    static String line(RingSampler.Sample s) {
        return "time=" + s.time().truncatedTo(ChronoUnit.MILLIS) + " ring=" + quote(s.ring()) + " type="
                + typeName(s.type()) + " size=" + s.size() + " consumer_pos=" + s.consumerPos() + " producer_pos="
                + s.producerPos() + " backlog=" + s.backlog() + " backlog_pct="
                + String.format(Locale.ROOT, "%.1f", s.fillPercent()) + " records=" + (s.recordsEstimated() ? "~" : "") + count(s.records()) + " bytes="
                + count(s.bytes()) + " records_per_s=" + (s.recordsEstimated() ? "~" : "") + rate(s.recordsPerSecond())
                + " bytes_per_s="
                + rate(s.bytesPerSecond()) + " lost=" + count(s.lost()) + " wakeups=" + count(s.wakeups());
    }

    static String typeName(RingType type) {
        return type == RingType.RINGBUF ? "ringbuf" : "user_ringbuf";
    }

    private static String quote(String value) {
        return value.matches("[^\\s\"=]+") ? value : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String count(long value) {
        return value < 0 ? "-" : Long.toString(value);
    }

    private static String rate(double value) {
        return Double.isNaN(value) ? "-" : Long.toString(Math.round(value));
    }

    /** A rate for the table: 950, 12.3k, 4.56M. */
    private static String human(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (value < 1e4) {
            return Long.toString(Math.round(value));
        }
        if (value < 1e6) {
            return String.format(Locale.ROOT, "%.1fk", value / 1e3);
        }
        if (value < 1e9) {
            return String.format(Locale.ROOT, "%.2fM", value / 1e6);
        }
        return String.format(Locale.ROOT, "%.2fG", value / 1e9);
    }
}
