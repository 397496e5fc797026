/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.time.Duration;

/**
 * The BPF part of {@code jringbuf demo} (kernel rings fed by a loaded BPF program), tried before
 * the JVM-ring fallback. This build has none: {@link #UNAVAILABLE} always refuses. A build with
 * the kernel layer installs its own with {@link DemoCommand#installBpf}.
 */
@FunctionalInterface
public interface DemoBpf {

    /**
     * Runs the BPF demo for {@code duration}, printing its results, or refuses without printing
     * anything to stdout.
     *
     * @param duration how long to run
     * @param io the streams
     * @return null if the demo ran, else why BPF was refused (one line, e.g. "EPERM: bpf(BPF_PROG_LOAD)")
     * @throws Exception a failure after the demo started (reported, exit 1)
     */
    String tryRun(Duration duration, CliIo io) throws Exception;

    /** Always refuses: this build has no kernel layer. */
    DemoBpf UNAVAILABLE = (duration, io) -> "the kernel BPF layer is not available in this build";
}
