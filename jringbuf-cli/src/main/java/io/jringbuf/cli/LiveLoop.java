/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Stack;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The sampling loop of {@code stat --watch} and {@code top}: a sample of every ring at once and
 * then every interval, shown by a {@link LiveView}; between samples the rings are looked at every
 * {@value #TICK_MILLIS} ms to count records ({@link RingSampler#tick()}). Ends after
 * {@code count} samples, or on SIGINT/SIGTERM (exit 0 once the output is flushed).
 */
final class LiveLoop {
    static final long TICK_MILLIS = 50;

    private LiveLoop() {
    }

    static void run(CliIo io, String title, Duration interval, Long count, boolean blocks, Runnable tick,
                    Supplier<List<RingSampler.Sample>> sample) {
        PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
        LiveView view = new LiveView(out, io.interactive());
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.Stop stop = io.signals().register(stopped::countDown);
        try {
            long next = System.nanoTime();
            for (long shown = 0; !stop.requested(); ) {
                view.show(title, sample.get(), blocks);
                if (count != null && ++shown >= count) {
                    return;
                }
                next += interval.toNanos();
                if (next < System.nanoTime()) {
                    next = System.nanoTime() + interval.toNanos(); // a slow sample: no burst to catch up
                }
                for (long left = next - System.nanoTime(); left > 0; left = next - System.nanoTime()) {
                    if (stopped.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS)), TimeUnit.NANOSECONDS)
                            || stop.requested()) {
                        return;
                    }
                    tick.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            view.end();
            out.flush();
        }
    }

    /** Checks --count and the interval: usage errors for values that cannot work. */
    static void check(CommandSpec spec, Duration interval, Long count) {
        if (count != null && count <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1, not " + count);
        }
        if (interval.isZero() || interval.isNegative()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the interval must be more than 0, not "
                    + Durations.format(interval));
        }
    }

    /**
     * An option with an optional DURATION ({@code --watch}, {@code --watch 2s}, {@code --watch=2s}):
     * the next argument is taken only if it is a duration, so {@code stat --watch FILE} works.
     */
    static final class OptionalInterval implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            Duration interval = Duration.ofSeconds(1);
            if (!args.isEmpty()) {
                try {
                    interval = Durations.parse(args.peek());
                    args.pop();
                } catch (CommandLine.TypeConversionException notADuration) {
                    // the default interval; the argument is the next one's
                }
            }
            argSpec.setValue(interval);
        }
    }
}
