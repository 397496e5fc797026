/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.BpfVerifierException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;

/**
 * The {@code jringbuf} command: {@code cat}, {@code send}, {@code stat}, {@code top}, {@code create},
 * {@code run}, {@code gen}, {@code ship}, {@code demo}. Exit codes: 0 success, 1 run-time failure (timeout, errno, bad input data),
 * 2 usage error. Every error is one line on stderr, prefixed with the command name.
 */
@Command(name = "jringbuf", mixinStandardHelpOptions = true, version = "jringbuf 0.1.0",
        description = "Read, write, inspect and create BPF ring buffers: kernel maps (pinned or by id) and "
                + "JVM ring files; run clang-built BPF objects and print their records; ship rings to Kafka.",
        subcommands = {CatCommand.class, SendCommand.class, StatCommand.class, TopCommand.class, CreateCommand.class,
                RunCommand.class, GenCommand.class, ShipCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 run-time failure (timeout, errno), 2 usage error."})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    /** Picocli instantiates it. */
    public Main() {
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: cat, send, stat, top, create, run, gen, ship or demo");
    }

    /**
     * Runs the command with the process's streams and exits with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        CliIo io = CliIo.system();
        int status = CliException.RUNTIME;
        try {
            status = run(io, args);
        } catch (Throwable t) {
            // An Error that run() does not turn into one line (out of memory, a rethrown
            // InternalError): reported here, before ended(), which halts if a signal's stop is on.
            t.printStackTrace();
            System.err.flush();
        } finally {
            io.signals().ended(status); // a signal's stop in progress ends the JVM here, with this status
        }
        System.exit(status);
    }

    /**
     * Runs the command in-process.
     *
     * @param io the streams to use
     * @param args the arguments
     * @return the exit code
     */
    public static int run(CliIo io, String... args) {
        PrintWriter out = new PrintWriter(io.out(), true);
        PrintWriter err = new PrintWriter(io.err(), true);
        CommandLine cl = new CommandLine(new Main(), new Factory(io));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args1) -> {
            CommandLine failed = ex.getCommandLine();
            String name = failed.getCommandSpec().qualifiedName();
            err.println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
            return CliException.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            String name = failed.getCommandSpec().qualifiedName();
            err.println(name + ": " + describe(ex));
            return ex instanceof CliException c ? c.exitCode() : CliException.RUNTIME;
        });
        try {
            return cl.execute(args);
        } catch (InternalError e) {
            // The last line of defence: the library turns faults under a ring it mapped into
            // ErrnoException; one that reaches us anyway (a fault in compiled code is reported a
            // little after the access) still ends in one line, not a stack trace.
            if (e.getMessage() == null || !e.getMessage().startsWith("a fault occurred in ")) {
                throw e;
            }
            err.println("jringbuf: a mapped ring's memory faulted (its file was truncated or its pages are gone): "
                    + e.getMessage());
            return CliException.RUNTIME;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static String describe(Exception ex) {
        if (ex instanceof BpfVerifierException v) {
            // One line: the message's first (program, source line), then the verifier's verdict.
            String verdict = v.log().lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("processed ") && !l.startsWith("verification time"))
                    .reduce((a, b) -> b).orElse("");
            String first = firstLine(v.getMessage()).replace("; verifier log (last lines):", "");
            return verdict.isEmpty() ? first : first + "; verifier: " + verdict;
        }
        if (ex instanceof CliException || ex instanceof ErrnoException) {
            return firstLine(ex.getMessage());
        }
        if (ex instanceof UncheckedIOException u) {
            return "I/O error: " + u.getCause().getMessage();
        }
        return ex.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl).strip();
    }

    /** Gives commands that take a {@link CliIo} their streams. */
    private record Factory(CliIo io) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == CliIo.class) {
                    c.setAccessible(true);
                    return type.cast(c.newInstance(io));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
