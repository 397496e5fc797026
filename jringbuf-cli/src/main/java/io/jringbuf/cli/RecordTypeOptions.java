/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.BtfLayout;
import picocli.CommandLine;

import java.nio.file.Path;

/** {@code --btf OBJECT --type STRUCT}: the records' struct from a BPF object's BTF (cat, ship). */
final class RecordTypeOptions {
    private RecordTypeOptions() {
    }

    /**
     * Checks that the two options come together and reads the struct's layout.
     *
     * @return the layout, or null when neither option was given
     * @throws CommandLine.ParameterException if only one of them was given
     */
    static BtfLayout layout(CommandLine commandLine, Path btf, String type) {
        if ((btf == null) != (type == null)) {
            throw new CommandLine.ParameterException(commandLine, "--btf OBJECT and --type STRUCT go together");
        }
        if (type == null) {
            return null;
        }
        try (BpfObject obj = BpfObject.open(btf)) { // parsed only: nothing reaches the kernel
            return BtfLayout.of(obj.btf(), type);
        }
    }
}
