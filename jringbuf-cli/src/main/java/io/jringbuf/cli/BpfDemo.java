/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.RingBuffer;
import io.jringbuf.UserRingBuffer;
import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.BpfLink;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.BpfSupport;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.ProgType;
import io.jringbuf.bpf.Program;
import io.jringbuf.base.RecordHandler;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.jringbuf.bpf.Reg.*;

/**
 * The demo on the kernel, without clang or libbpf at run time.
 * <ol>
 *   <li><b>execsnoop</b>: the clang-built {@code examples/execsnoop/execsnoop.bpf.o} (in the jar),
 *       loaded by jringbuf's object loader ({@link ObjectExecsnoop}), reports every {@code execve}
 *       on the machine (pid, parent pid read by CO-RE, comm, filename) into a RINGBUF; Java prints
 *       them live through the record's BTF layout. Where that object does not load, the demo says
 *       why and falls back to a raw tracepoint program built with {@link Asm}, with the parent pid
 *       from {@code /proc}. The demo starts {@code /bin/true} now and then so that there is
 *       something to see on a quiet machine.</li>
 *   <li><b>round trip</b>: Java writes a request into a USER_RINGBUF, a BPF program run with
 *       {@code BPF_PROG_TEST_RUN} drains it with {@code bpf_user_ringbuf_drain} and echoes it into a
 *       RINGBUF, Java consumes the echo; round trips per second and latency percentiles.</li>
 * </ol>
 */
final class BpfDemo {
    private BpfDemo() {
    }

    /** execve on x86-64. */
    private static final int NR_EXECVE = 59;
    /** {@code offsetof(struct pt_regs, di)} on x86-64: the first system call argument. */
    private static final int PT_REGS_DI = 112;
    /** Event: pid_tgid u64, time u64, comm[16], filename[256]. */
    private static final int EVENT = 8 + 8 + 16 + 256;
    private static final int REQUEST = 16;

    /**
     * Runs the BPF demo, or says why it cannot.
     *
     * @return null if it ran; otherwise the refusal (nothing was printed on stdout)
     */
    static String tryRun(Duration duration, CliIo io) throws Exception {
        String refusal = BpfSupport.refusal();
        if (refusal != null) {
            return refusal;
        }
        long half = duration.toNanos() / 2;
        try (BpfMap requests = BpfMap.createUserRingbuf("demo_requests", 1 << 16);
             BpfMap replies = BpfMap.createRingbuf("demo_replies", 1 << 16)) {
            BpfProgram echo;
            try {
                echo = BpfProgram.load(ProgType.SOCKET_FILTER, "demo_echo", echo(requests, replies));
            } catch (ErrnoException e) {
                return e.getMessage().lines().findFirst().orElse(e.errnoName());
            }
            try (echo) {
                String objectRefusal = ObjectExecsnoop.tryRun(io, half);
                if (objectRefusal != null) {
                    io.err().println("demo: the execsnoop object did not load (" + objectRefusal + "); tracing with the "
                            + "built-in program instead (PPID from /proc, '?' once a process is gone)");
                    io.err().flush();
                    String builtIn = builtInExecsnoop(io, half);
                    if (builtIn != null) {
                        io.err().println("demo: no execve tracer (" + builtIn + ")");
                        io.err().flush();
                    }
                }
                roundTrip(io, requests, replies, echo, duration.toNanos() - half);
            }
        }
        return null;
    }

    /** The fallback tracer: a raw tracepoint program built with {@link Asm} (x86-64 registers). */
    private static String builtInExecsnoop(CliIo io, long nanos) throws IOException {
        if (!"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"))) {
            return "the built-in execve tracer reads x86-64 registers; this is " + System.getProperty("os.arch");
        }
        try (BpfMap events = BpfMap.createRingbuf("demo_execs", 1 << 20);
             BpfMap eventsLost = BpfMap.createLostCounter("demo_execs")) {
            BpfProgram tracer;
            try {
                tracer = BpfProgram.load(ProgType.RAW_TRACEPOINT, "demo_execsnoop", execsnoop(events, eventsLost));
            } catch (ErrnoException e) {
                return e.getMessage().lines().findFirst().orElse(e.errnoName());
            }
            try (tracer) {
                execsnoop(io, events, eventsLost, tracer, nanos);
            }
        }
        return null;
    }

    /**
     * The tracer: reserve-or-count into {@code events} (a refused execve is counted in
     * {@code lost}, the {@code demo_execs_lost} counter, as {@code include/jringbuf_lost.h} does),
     * so the demo and {@code jringbuf stat} report the ring's lost records.
     */
    static Program execsnoop(BpfMap events, BpfMap lost) {
        return new Asm("demo_execsnoop")
                .mov(R6, R1)                                    // struct bpf_raw_tracepoint_args *
                .load(Asm.Size.DW, R7, R6, 8)                   // args[1]: system call number
                .jne(R7, NR_EXECVE, "out")
                .ringbufReserveOrCount(events, EVENT, lost, -8, "out")
                .mov(R8, R0)
                .call(Helper.GET_CURRENT_PID_TGID).store(Asm.Size.DW, R8, 0, R0)
                .call(Helper.KTIME_GET_NS).store(Asm.Size.DW, R8, 8, R0)
                .mov(R1, R8).add(R1, 16).mov(R2, 16).call(Helper.GET_CURRENT_COMM)
                .storeImm(Asm.Size.DW, R10, -8, 0)
                .load(Asm.Size.DW, R3, R6, 0).add(R3, PT_REGS_DI) // &regs->di (args[0] is the pt_regs)
                .mov(R1, R10).add(R1, -8).mov(R2, 8)
                .call(Helper.PROBE_READ_KERNEL)                 // the filename's user address
                .load(Asm.Size.DW, R3, R10, -8)
                .mov(R1, R8).add(R1, 32).mov(R2, 256)
                .call(Helper.PROBE_READ_USER_STR)
                .mov(R1, R8).mov(R2, 0).call(Helper.RINGBUF_SUBMIT)
                .label("out")
                .mov(R0, 0)
                .exit()
                .build();
    }

    static Program echo(BpfMap requests, BpfMap replies) {
        return new Asm("demo_echo")
                .ldMap(R1, requests).ldFunc(R2, "on_request").mov(R3, 0).mov(R4, 0)
                .call(Helper.USER_RINGBUF_DRAIN)                // returns the number of requests
                .exit()
                .function("on_request", 2)                      // long on_request(struct bpf_dynptr *, void *)
                .mov(R3, R1)
                .mov(R1, R10).add(R1, -REQUEST).mov(R2, REQUEST).mov(R4, 0).mov(R5, 0)
                .call(Helper.DYNPTR_READ)
                .jne(R0, 0, "skip")
                .ldMap(R1, replies).mov(R2, R10).add(R2, -REQUEST).mov(R3, REQUEST).mov(R4, 0)
                .call(Helper.RINGBUF_OUTPUT)
                .label("skip")
                .mov(R0, 0)
                .exit()
                .build();
    }

    private static void execsnoop(CliIo io, BpfMap events, BpfMap lost, BpfProgram tracer, long nanos)
            throws IOException {
        PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
        io.err().printf("demo: tracing execve system-wide for %.1f s (starting /bin/true every 0.5 s so that "
                + "there is something to see)%n", nanos / 1e9);
        io.err().flush();
        out.printf("%-8s %-8s %-16s %s%n", "PID", "PPID", "COMM", "FILENAME");
        byte[] text = new byte[256];
        long[] seen = {0};
        RecordHandler print = (buffer, offset, length) -> {
            long pid = buffer.get(ValueLayout.JAVA_LONG, offset) >>> 32;
            String comm = cString(buffer, offset + 16, 16, text);
            String file = cString(buffer, offset + 32, 256, text);
            out.printf("%-8d %-8s %-16s %s%n", pid, parentOf(pid), comm, file);
            seen[0]++;
            return true;
        };
        try (RingBuffer rb = RingBuffer.create(events, print); BpfLink link = tracer.attachRawTracepoint("sys_enter")) {
            pollWhileSpawning(nanos, rb::poll, out);
            link.close();
            rb.consume();
        }
        out.println("execve_seen: " + seen[0]);
        out.println("execve_lost: " + lost.sumPerCpuLong(0)); // refused by the full ring, counted by the tracer
        out.flush();
    }

    /** A poll with a bound: a ring reader's or a manager's. */
    interface Poll {
        void poll(Duration timeout);
    }

    /**
     * Polls for {@code nanos}, starting /bin/true every 0.5 s so that a quiet machine shows
     * execve events, flushing {@code out} after each poll.
     */
    static void pollWhileSpawning(long nanos, Poll poll, PrintStream out) throws IOException {
        long end = System.nanoTime() + nanos;
        long nextSpawn = System.nanoTime();
        while (System.nanoTime() < end) {
            if (System.nanoTime() >= nextSpawn) {
                new ProcessBuilder("/bin/true").redirectErrorStream(true).start();
                nextSpawn += 500_000_000L;
            }
            long wait = Math.min(end, nextSpawn) - System.nanoTime();
            poll.poll(Duration.ofNanos(Math.max(0, wait)));
            out.flush();
        }
    }

    private static String parentOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f[1];
        } catch (IOException | RuntimeException e) {
            return "?"; // already gone
        }
    }

    static String cString(MemorySegment buffer, long offset, int max, byte[] scratch) {
        int n = 0;
        while (n < max && (scratch[n] = buffer.get(ValueLayout.JAVA_BYTE, offset + n)) != 0) {
            n++;
        }
        return new String(scratch, 0, n, StandardCharsets.UTF_8);
    }

    private static void roundTrip(CliIo io, BpfMap requests, BpfMap replies, BpfProgram echo, long nanos) {
        long[] reply = {Long.MIN_VALUE};
        try (UserRingBuffer out = UserRingBuffer.create(requests.fd());
             RingBuffer in = RingBuffer.create(replies.fd(), (buffer, offset, length) -> {
                 reply[0] = buffer.get(ValueLayout.JAVA_LONG, offset);
                 return true;
             })) {
            LatencyHistogram histogram = new LatencyHistogram();
            Progress progress = new Progress(io, true, "demo");
            MemorySegment buffer = out.buffer();
            long start = System.nanoTime();
            long warmEnd = start + Math.min(TimeUnit.SECONDS.toNanos(1), nanos / 10);
            long end = start + nanos;
            long measuredStart = 0;
            long now = start;
            for (long seq = 0; now < end; seq++) {
                long sent = System.nanoTime();
                long offset = out.reserve(REQUEST);
                if (offset < 0) {
                    throw new CliException(CliException.RUNTIME, "demo: the request ring is full");
                }
                buffer.set(ValueLayout.JAVA_LONG, offset, seq);
                buffer.set(ValueLayout.JAVA_LONG, offset + 8, sent);
                out.submit(offset);
                int drained = echo.testRun(1).retval();
                if (drained != 1 || in.consume() != 1 || reply[0] != seq) {
                    throw new CliException(CliException.RUNTIME, "demo: request " + seq + " came back as "
                            + reply[0] + " (drained " + drained + ")");
                }
                now = System.nanoTime();
                if (sent >= warmEnd) {
                    if (measuredStart == 0) {
                        measuredStart = sent;
                    }
                    histogram.record(now - sent);
                }
                progress.tick(histogram.count(), -1);
            }
            progress.done();
            long pid = ProcessHandle.current().pid();
            DemoReport.print(io, "bpf", "java " + pid + " -> USER_RINGBUF -> bpf_user_ringbuf_drain -> RINGBUF -> java "
                    + pid, histogram, (now - measuredStart) / 1e9);
        }
    }
}
