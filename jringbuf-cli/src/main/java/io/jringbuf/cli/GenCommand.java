/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.BpfObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jringbuf gen}: a Java record, layout and zero-copy readers for a struct of an object's BTF. */
@Command(name = "gen", mixinStandardHelpOptions = true,
        description = {"Write a Java source file for a struct of a BPF object's BTF: a record with the struct's "
                + "members (nested structs as nested records, char arrays as String, bitfields decoded), its "
                + "StructLayout, read(segment, offset) and one static in-place reader per member.",
                "Prints the file's path on stdout."})
final class GenCommand implements Callable<Integer> {
    private final CliIo io;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OBJECT", description = "The BPF object file (clang -g).")
    Path object;

    @Option(names = "--type", required = true, paramLabel = "STRUCT", description = "The struct.")
    String type;

    @Option(names = "--package", paramLabel = "P", defaultValue = "", description = "The Java package (default: none).")
    String pkg;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
            description = "Where to write P/Name.java (default: the current directory).")
    Path out;

    GenCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (!pkg.isEmpty() && !pkg.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--package '" + pkg + "' is not a Java package name");
        }
        Map.Entry<String, String> source;
        try (BpfObject obj = BpfObject.open(object)) { // parsed only: nothing reaches the kernel
            source = JavaGen.generate(obj.btf(), type, pkg, object.getFileName().toString());
        }
        Path dir = pkg.isEmpty() ? out : out.resolve(pkg.replace('.', '/'));
        Path file = dir.resolve(source.getKey() + ".java");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, source.getValue(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ErrnoException(Errno.EIO, "write " + file + ": " + e.getMessage(), e);
        }
        try {
            io.out().write((file + "\n").getBytes(StandardCharsets.UTF_8));
            io.out().flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("write to stdout", e);
        }
        return 0;
    }
}
