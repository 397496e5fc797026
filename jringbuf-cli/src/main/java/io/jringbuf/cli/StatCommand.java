/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jringbuf stat}: the ring's type, size and positions as {@code key: value} lines. */
@Command(name = "stat", mixinStandardHelpOptions = true,
        description = {"Print the ring's state as 'key: value' lines: type (ringbuf or user_ringbuf), max_entries "
                + "(data bytes), consumer_pos, producer_pos, available (unconsumed bytes), and for files drops "
                + "(failed reservations), waiting_readers and waiting_writers (threads sleeping for records or "
                + "space now), links (the file's names: 0 once it was removed while in use; a process "
                + "that has it open still reaches it as /proc/PID/fd/N) and, if the record at the head is still "
                + "being written, head (the writing process, alive or stopped).",
                "A snapshot: positions may move while it is taken."})
final class StatCommand implements Callable<Integer> {
    private final CliIo io;

    @Mixin
    TargetOptions target;

    StatCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        try (Target t = target.open()) {
            PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
            for (Map.Entry<String, Object> e : t.stat().entrySet()) {
                out.println(e.getKey() + ": " + e.getValue());
            }
            out.flush();
        }
        return 0;
    }
}
