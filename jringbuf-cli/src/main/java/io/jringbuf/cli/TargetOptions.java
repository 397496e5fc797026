/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/** The TARGET of {@code cat}, {@code send} and {@code stat}: a ring file or a kernel map. */
final class TargetOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "A ring file (see 'jringbuf create'), RINGBUF or USER_RINGBUF format.")
    Path file;

    @Option(names = "--file", paramLabel = "PATH", description = "A ring file, as FILE (the same option as 'create').")
    Path fileOption;

    @Option(names = "--pinned", paramLabel = "PATH", description = "A kernel ring map pinned in the BPF filesystem.")
    Path pinned;

    @Option(names = "--map-id", paramLabel = "ID", description = "A kernel ring map by id.")
    Integer mapId;

    /** Opens the one target given; a usage error if none or several are. */
    Target open() {
        int given = (file != null ? 1 : 0) + (fileOption != null ? 1 : 0) + (pinned != null ? 1 : 0)
                + (mapId != null ? 1 : 0);
        if (given != 1) {
            throw new CommandLine.ParameterException(mixee.commandLine(), given == 0
                    ? "missing target: give a ring FILE (or --file PATH), --pinned PATH or --map-id ID"
                    : "give only one target: a ring FILE (or --file PATH), --pinned PATH or --map-id ID");
        }
        if (file != null || fileOption != null) {
            return FileTarget.open(file != null ? file : fileOption);
        }
        if (pinned != null) {
            return KernelTarget.openPinned(pinned);
        }
        return KernelTarget.openMapId(mapId);
    }
}
