/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.RingReader;
import io.jringbuf.bpf.BtfLayout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code jringbuf cat}: consume records and print each payload as a line of hex or JSON. */
@Command(name = "cat", mixinStandardHelpOptions = true,
        description = {"Consume records and print each payload as one line of lowercase hex, in ring order "
                + "(discarded records are not printed); with --btf OBJECT --type STRUCT --format json, as one JSON "
                + "object per line decoded by the struct's BTF type.",
                "RINGBUF rings are read by the consumer, USER_RINGBUF rings by the drainer. Without --count, runs "
                        + "until SIGINT/SIGTERM (output flushed, exit 0) or until --timeout passes (exit 0).",
                "Consuming a kernel RINGBUF that other processes hold open prints a warning naming them (two "
                        + "consumers split the records). --peek prints the unconsumed records without taking them."})
final class CatCommand implements Callable<Integer> {
    private final CliIo io;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Option(names = "--count", paramLabel = "N", description = "Exit 0 after N records; exit 1 if --timeout passes first.")
    Long count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Give up after DURATION (e.g. 500ms, 10s, 2m; 0ms: print what is there now). "
                    + "Default: wait forever.")
    Duration timeout;

    @Option(names = "--peek", description = "Read-only: print the records between consumer_pos and producer_pos "
            + "now, once, without consuming them or taking the reading side (works while another process consumes); "
            + "a record consumed while being read is reported on stderr and skipped, never printed torn.")
    boolean peek;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "hex: one line per record (the default); json: one object per line, decoded with --type "
                    + "(the default when --type is given); none: only a summary on stderr.")
    RecordPrinter.Format format;

    @Option(names = "--btf", paramLabel = "OBJECT", description = "A BPF object file (clang -g) whose BTF has --type.")
    Path btf;

    @Option(names = "--type", paramLabel = "STRUCT", description = "The records' struct in --btf's BTF, for --format json.")
    String type;

    CatCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (count != null && count <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1, not " + count);
        }
        RecordPrinter.Format f = format != null ? format : type != null ? RecordPrinter.Format.json
                : RecordPrinter.Format.hex;
        BtfLayout layout = RecordTypeOptions.layout(spec.commandLine(), btf, type);
        if (f == RecordPrinter.Format.json && type == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format json needs --btf OBJECT and "
                    + "--type STRUCT (the records' struct in the object's BTF)");
        }
        long limit = count == null ? Long.MAX_VALUE : count;
        RecordPrinter printer = new RecordPrinter(new BufferedOutputStream(io.out(), 1 << 16), f, layout, limit);
        if (peek) {
            if (timeout != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--peek prints what is in the ring now and exits: --timeout does not apply");
            }
            try (Target t = target.open()) {
                return CatPeek.run(io, t, printer, f);
            }
        }
        try (Target t = target.open()) {
            MapHolders.warnIfShared(io, "jringbuf cat", t);
            RingReader source = t.openReader();
            RecordLoop.run(io, "cat", source, printer, f, count, timeout, io.signals().register(source::wakeUp),
                    () -> { }, t::stuckAt);
        }
        return 0;
    }
}
