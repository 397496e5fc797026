/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.bpf.BpfMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jringbuf stat}: the ring's type, size and positions as {@code key: value} lines. */
@Command(name = "stat", mixinStandardHelpOptions = true,
        description = {"Print the ring's state as 'key: value' lines: type (ringbuf or user_ringbuf), max_entries "
                + "(data bytes), consumer_pos, producer_pos, available (unconsumed bytes), and for files drops "
                + "(failed reservations), lost (the same count), waiting_readers and waiting_writers (threads "
                + "sleeping for records or space now), links (the file's names: 0 once it was removed while in use; "
                + "a process that has it open still reaches it as /proc/PID/fd/N) and, if the record at the head is "
                + "still being written, head (the writing process, alive or stopped). For a kernel RINGBUF map, "
                + "lost is the total of its lost counter (a per-CPU map named RING_lost that a loaded program uses "
                + "with the ring, or --lost-map), or 'unknown' without one.",
                "A snapshot: positions may move while it is taken. The ring is only read: no side is taken.",
                "With --watch, a live view every INTERVAL (default 1s) until SIGINT/SIGTERM (exit 0) or --count "
                        + "samples. When stdin and stdout are both a terminal (the JDK's System.console()"
                        + ".isTerminal()), a table redrawn in place: positions, backlog bytes with a bar of its "
                        + "share of the ring, records/s and bytes/s reserved since the previous sample, lost and "
                        + "wakeups. Otherwise one logfmt line per sample: time= ring= type= size= consumer_pos= "
                        + "producer_pos= backlog= backlog_pct= records= bytes= records_per_s= bytes_per_s= lost= "
                        + "wakeups= (records and bytes: reserved since the previous line, records counted from "
                        + "their headers every 50 ms; when the producers lapped the ring between two looks, the "
                        + "records are estimated from the bytes and the mean record size seen, marked '~'; '-' "
                        + "where not known: rates on the first line, lost without a counter, wakeups of kernel "
                        + "maps)."})
final class StatCommand implements Callable<Integer> {
    private final CliIo io;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Option(names = "--watch", paramLabel = "INTERVAL", parameterConsumer = LiveLoop.OptionalInterval.class,
            description = "Redraw (or print a line) every INTERVAL, default 1s (e.g. 500ms, 2s).")
    Duration watch;

    @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N samples.")
    Long count;

    @Option(names = "--lost-map", paramLabel = "ID|PIN",
            description = "A kernel ring's lost counter map, by id or pin path (a per-CPU array of u64), instead "
                    + "of the one found by name.")
    String lostMap;

    StatCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (watch == null && count != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count needs --watch");
        }
        if (watch != null) {
            LiveLoop.check(spec, watch, count);
        }
        try (Target t = target.open()) {
            if (lostMap != null) {
                if (!(t instanceof KernelTarget k)) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--lost-map is for kernel maps; a ring file counts its own losses");
                }
                k.useLostCounter(lostMap.chars().allMatch(Character::isDigit)
                        ? BpfMap.openById(Integer.parseInt(lostMap)) : BpfMap.openPinned(Path.of(lostMap)));
            }
            if (watch != null) {
                watch(t);
                return 0;
            }
            PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
            for (Map.Entry<String, Object> e : t.stat().entrySet()) {
                out.println(e.getKey() + ": " + e.getValue());
            }
            out.flush();
        }
        return 0;
    }

    private void watch(Target t) {
        RingSampler sampler = t instanceof KernelTarget k ? RingSampler.of(k.map(), k.lostCounter())
                : RingSampler.of(((FileTarget) t).ring());
        try (sampler) {
            LiveLoop.run(io, "jringbuf stat " + sampler.name() + ", every " + Durations.format(watch)
                    + " (Ctrl-C to stop)", watch, count, false, sampler::tick, () -> List.of(sampler.sample()));
        }
    }
}
