/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code jringbuf demo}: the BPF demo if the kernel allows it, else a round trip over JVM rings
 * between this JVM and a child JVM.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Show the rings at work. With BPF (kernel layer present and permitted): kernel rings fed by "
                + "a BPF program. Otherwise: records echoed between this JVM and a child JVM over two ring files, "
                + "reporting round trips/s and latency percentiles (key: value lines on stdout)."})
final class DemoCommand implements Callable<Integer> {
    private static volatile DemoBpf bpf = DemoBpf.UNAVAILABLE;

    private final CliIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "How long to run (default ${DEFAULT-VALUE}).")
    Duration duration;

    DemoCommand(CliIo io) {
        this.io = io;
    }

    /**
     * Installs the BPF demo tried before the JVM-ring fallback.
     *
     * @param demo the BPF demo
     */
    static void installBpf(DemoBpf demo) {
        bpf = Objects.requireNonNull(demo, "demo");
    }

    @Override
    public Integer call() throws Exception {
        if (duration.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be more than 0");
        }
        String refusal = bpf.tryRun(duration, io);
        if (refusal == null) {
            return 0;
        }
        io.err().println("demo: BPF refused (" + refusal + "); running the JVM-ring round trip between two processes");
        io.err().flush();
        new JvmRoundTrip(io, duration).run();
        return 0;
    }
}
