/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.CommitMode;
import io.jringbuf.KernelRingReader;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.BtfLayout;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's execve tracer: {@code examples/execsnoop/execsnoop.bpf.o}, a clang-built object
 * committed with its source and shipped in the jar, loaded by {@link BpfObject} (BTF maps, a
 * {@code .rodata} knob, a tracepoint attached by its section name, the parent pid read from
 * {@code task_struct} by CO-RE) and printed through the BTF layout of {@code struct exec_event}.
 */
final class ObjectExecsnoop {
    private ObjectExecsnoop() {
    }

    /** The object's name in the jar (beside this class) and in a checkout. */
    static final String RESOURCE = "execsnoop.bpf.o";
    static final Path IN_CHECKOUT = Path.of("examples/execsnoop/execsnoop.bpf.o");

    /** A system property naming another object file to load instead (tests use it to show the fallback). */
    static final String OVERRIDE = "jringbuf.demo.object";

    /** @return the object's bytes from the jar, else from a checkout; null if neither has it */
    static byte[] objectBytes() throws IOException {
        String override = System.getProperty(OVERRIDE);
        if (override != null) {
            return Files.exists(Path.of(override)) ? Files.readAllBytes(Path.of(override)) : null;
        }
        try (InputStream in = ObjectExecsnoop.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                return in.readAllBytes();
            }
        }
        return Files.exists(IN_CHECKOUT) ? Files.readAllBytes(IN_CHECKOUT) : null;
    }

    /**
     * Traces execve for {@code nanos}, starting /bin/true every 0.5 s.
     *
     * @return null if it ran; otherwise why the object did not load (nothing printed on stdout)
     */
    static String tryRun(CliIo io, long nanos) throws IOException {
        byte[] bytes = objectBytes();
        if (bytes == null) {
            return RESOURCE + " is neither in the jar nor at " + IN_CHECKOUT;
        }
        BpfObject obj;
        try {
            obj = BpfObject.open(bytes, RESOURCE);
        } catch (ErrnoException e) {
            return e.getMessage().lines().findFirst().orElse(e.errnoName());
        }
        try (obj) {
            BtfLayout event;
            KernelRingReader reader;
            try {
                event = BtfLayout.of(obj.btf(), "exec_event");
                obj.load();
                obj.attachAll();
                reader = KernelRingReader.open(obj, "execs", CommitMode.PER_RECORD); // execs_lost: its lost count
            } catch (ErrnoException e) {
                return e.getMessage().lines().findFirst().orElse(e.errnoName());
            }
            try (reader) {
                print(io, event, reader, nanos);
            }
        }
        return null;
    }

    private static void print(CliIo io, BtfLayout event, KernelRingReader reader, long nanos) throws IOException {
        VarHandle pid = event.varHandle("pid");
        VarHandle ppid = event.varHandle("ppid");
        long commAt = event.offsetOf("comm");
        long fileAt = event.offsetOf("filename");
        int fileMax = (int) (event.size() - fileAt);
        PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
        io.err().printf("demo: tracing execve system-wide for %.1f s with %s (clang-built, loaded by jringbuf; the "
                + "parent pid read by CO-RE), starting /bin/true every 0.5 s so that there is something to see%n",
                nanos / 1e9, IN_CHECKOUT);
        io.err().flush();
        out.printf("%-8s %-8s %-16s %s%n", "PID", "PPID", "COMM", "FILENAME");
        byte[] text = new byte[Math.max(16, fileMax)];
        long[] seen = {0};
        RecordHandler handler = (buffer, offset, length) -> {
            String comm = BpfDemo.cString(buffer, offset + commAt, 16, text);
            String file = BpfDemo.cString(buffer, offset + fileAt, fileMax, text);
            out.printf("%-8d %-8d %-16s %s%n", Integer.toUnsignedLong((int) pid.get(buffer, offset)),
                    Integer.toUnsignedLong((int) ppid.get(buffer, offset)), comm, file);
            seen[0]++;
            return true;
        };
        BpfDemo.pollWhileSpawning(nanos, timeout -> reader.poll(handler, timeout), out);
        reader.consume(handler);
        out.println("execve_seen: " + seen[0]);
        out.println("execve_lost: " + reader.statistics().lost()); // refused by the full ring, counted in execs_lost
        out.flush();
    }
}
