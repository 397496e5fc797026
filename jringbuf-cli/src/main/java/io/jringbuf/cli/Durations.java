/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import picocli.CommandLine;

import java.time.Duration;

/** DURATION arguments: a whole number with a unit, {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
final class Durations implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        int i = 0;
        while (i < value.length() && Character.isDigit(value.charAt(i))) {
            i++;
        }
        String unit = value.substring(i);
        if (i == 0 || i > 12) {
            throw bad(value);
        }
        long n = Long.parseLong(value.substring(0, i));
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw bad(value);
        };
        if (d.compareTo(LONGEST) > 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is too long: at most "
                    + LONGEST.toHours() + "h (deadlines are counted in nanoseconds)");
        }
        return d;
    }

    /** Longer durations overflow a deadline on {@link System#nanoTime()}'s clock (292 years). */
    private static final Duration LONGEST = Duration.ofDays(100L * 365);

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    private static CommandLine.TypeConversionException bad(String value) {
        return new CommandLine.TypeConversionException("'" + value
                + "' is not a duration: use a whole number and a unit, e.g. 500ms, 10s, 2m, 1h");
    }
}
