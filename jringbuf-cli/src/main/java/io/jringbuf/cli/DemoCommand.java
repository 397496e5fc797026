/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code jringbuf demo}: the BPF demo ({@link BpfDemo}) if the kernel allows it, else a round trip
 * over JVM rings between this JVM and a child JVM ({@link JvmRoundTrip}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Show the rings at work. With BPF permitted: an execve tracer (a BPF program on the "
                + "sys_enter raw tracepoint writing into a RINGBUF, printed live like execsnoop), then round trips "
                + "Java -> USER_RINGBUF -> BPF drain -> RINGBUF -> Java. Otherwise (or with --mode jvm): records "
                + "echoed between this JVM and a child JVM over two ring files. Round trips/s and latency "
                + "percentiles are printed as key: value lines on stdout."})
final class DemoCommand implements Callable<Integer> {
    /** Which demo to run. */
    enum Mode { auto, bpf, jvm }

    private final CliIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "How long to run (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (BPF if permitted, else JVM rings), bpf (fail if BPF is refused) or jvm "
                    + "(default ${DEFAULT-VALUE}).")
    Mode mode;

    DemoCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        if (duration.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be more than 0");
        }
        if (mode != Mode.jvm) {
            String refusal = BpfDemo.tryRun(duration, io);
            if (refusal == null) {
                return 0;
            }
            if (mode == Mode.bpf) {
                throw new CliException(CliException.RUNTIME, "demo: BPF refused: " + refusal);
            }
            io.err().println("demo: BPF refused (" + refusal + "); running the JVM-ring round trip between two processes");
            io.err().flush();
        }
        new JvmRoundTrip(io, duration).run();
        return 0;
    }
}
