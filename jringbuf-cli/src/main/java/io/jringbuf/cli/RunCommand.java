/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.CommitMode;
import io.jringbuf.KernelRingReader;
import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.BpfObjectMap;
import io.jringbuf.bpf.BtfLayout;
import io.jringbuf.bpf.MapType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code jringbuf run}: load a clang-built BPF object, set its variables, attach its programs by
 * section name and print the records of one of its rings. Everything it made (links, programs,
 * maps, BTF) is closed on exit: the object is not pinned.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Load a BPF object file (clang -O2 -g -target bpf), set its global variables (--set), "
                + "load and attach every autoloaded program by its SEC() name, then print each record of one of its "
                + "RINGBUF maps: hex as 'cat' does, or JSON decoded by the struct --type from the object's BTF.",
                "--count, --timeout, signals and exit codes as for 'cat'. On exit every link, program and map it "
                        + "made is gone."})
final class RunCommand implements Callable<Integer> {
    private final CliIo io;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OBJECT", description = "The BPF object file.")
    Path object;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "Set a global variable before load (repeatable); the value is parsed by the variable's BTF "
                    + "type: integers (decimal or 0x hex), bool, enum names, char-array text, comma-separated arrays.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--ring", paramLabel = "MAP", description = "The RINGBUF map to read (default: the object's only one).")
    String ring;

    @Option(names = "--type", paramLabel = "STRUCT", description = "The records' struct in the object's BTF, for json.")
    String type;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "hex: one line per record (the default); json: one object per line, decoded with --type "
                    + "(the default when --type is given); none: only a summary on stderr.")
    RecordPrinter.Format format;

    @Option(names = "--count", paramLabel = "N", description = "Exit 0 after N records; exit 1 if --timeout passes first.")
    Long count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Give up after DURATION (e.g. 500ms, 10s, 2m). Default: run until SIGINT/SIGTERM.")
    Duration timeout;

    RunCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (count != null && count <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1, not " + count);
        }
        RecordPrinter.Format f = format != null ? format : type != null ? RecordPrinter.Format.json
                : RecordPrinter.Format.hex;
        if (f == RecordPrinter.Format.json && type == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format json needs --type STRUCT (the "
                    + "records' struct in the object's BTF)");
        }
        List<String[]> assignments = new ArrayList<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--set '" + s + "' is not NAME=VALUE");
            }
            assignments.add(new String[] {s.substring(0, eq), s.substring(eq + 1)});
        }
        // Registered first, so that SIGINT/SIGTERM while loading ends the command as during reading.
        AtomicReference<KernelRingReader> current = new AtomicReference<>();
        Signals.Stop stop = io.signals().register(() -> {
            KernelRingReader r = current.get();
            if (r != null) {
                r.wakeUp();
            }
        });
        try (BpfObject obj = BpfObject.open(object)) {
            for (String[] a : assignments) {
                obj.variable(a[0]).setFromText(a[1]);
            }
            String ringName = chooseRing(obj);
            BtfLayout layout = type == null ? null : BtfLayout.of(obj.btf(), type);
            obj.load();
            obj.attachAll();
            long limit = count == null ? Long.MAX_VALUE : count;
            RecordPrinter printer = new RecordPrinter(new BufferedOutputStream(io.out(), 1 << 16), f, layout, limit);
            // By object and name: a RING_lost counter in the object (include/jringbuf_lost.h) counts refusals.
            MapHolders.warnIfShared(io, "jringbuf run", obj.map(ringName));
            try (KernelRingReader reader = KernelRingReader.open(obj, ringName, CommitMode.PER_RECORD)) {
                current.set(reader);
                RecordLoop.run(io, "run", reader, printer, f, count, timeout, stop, () -> {
                    current.set(null);
                    reader.close();
                    obj.close(); // links, programs, maps, BTF: before a signal's hook halts the JVM
                }, () -> null);
            }
        }
        return 0;
    }

    private String chooseRing(BpfObject obj) {
        if (ring != null) {
            BpfObjectMap m = obj.objectMap(ring);
            if (m.type() != MapType.RINGBUF.number()) {
                throw new ErrnoException(Errno.EINVAL, obj.name() + ": map '" + ring + "' is a " + m.typeName()
                        + " map, not a RINGBUF map (run prints what BPF programs write into a RINGBUF)");
            }
            return ring;
        }
        List<String> rings = new ArrayList<>();
        for (BpfObjectMap m : obj.maps()) {
            if (m.type() == MapType.RINGBUF.number()) {
                rings.add(m.name());
            }
        }
        if (rings.isEmpty()) {
            throw new ErrnoException(Errno.ENOENT, obj.name() + " has no RINGBUF map to read");
        }
        if (rings.size() > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), obj.name() + " has " + rings.size()
                    + " RINGBUF maps " + rings + ": choose one with --ring MAP");
        }
        return rings.getFirst();
    }
}
