/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bench;

import io.jringbuf.CommitMode;
import io.jringbuf.RingBuffer;
import io.jringbuf.UserRingBuffer;
import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.Asm.Size;
import io.jringbuf.bpf.BpfFs;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.ProgType;
import io.jringbuf.base.RecordHandler;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static io.jringbuf.bpf.Reg.R0;
import static io.jringbuf.bpf.Reg.R1;
import static io.jringbuf.bpf.Reg.R10;
import static io.jringbuf.bpf.Reg.R2;
import static io.jringbuf.bpf.Reg.R3;
import static io.jringbuf.bpf.Reg.R4;
import static io.jringbuf.bpf.Reg.R5;
import static io.jringbuf.bpf.Reg.R6;
import static io.jringbuf.bpf.Reg.R7;
import static io.jringbuf.bpf.Reg.R9;

/**
 * Kernel-ring benchmarks, the jringbuf half of {@code bench/kernel.sh}; the libbpf half is
 * {@code bench/kernel/libbpf_bench.c}, which runs the same scenarios against the same pinned
 * objects and prints rows in the same CSV format.
 *
 * <ul>
 *   <li>{@code setup PINDIR RING_BYTES PAYLOAD...}: per payload, creates a RINGBUF, a USER_RINGBUF,
 *       their ARRAY state maps, the BPF producer and drain programs, and pins all six under
 *       {@code PINDIR/p<payload>/} (mounting bpffs at /sys/fs/bpf first if needed).</li>
 *   <li>{@code run PINDIR PAYLOAD RUN WARM_RECORDS TIMED_RECORDS K2_ATTEMPTS K2_CHUNK K2_FORCE_EVERY}:
 *       one run of every scenario for one payload, CSV rows on stdout. K1 and K3 fill and empty
 *       the ring as many times as it takes to reach WARM_RECORDS untimed, then TIMED_RECORDS
 *       timed (whole fills).</li>
 *   <li>{@code report RAW.csv OUT.json KEY=VALUE...}: medians/min/max per figure and the
 *       jringbuf/libbpf ratios as a table on stdout, everything as JSON.</li>
 *   <li>{@code teardown PINDIR}: removes the pins (the kernel frees the objects).</li>
 *   <li>{@code jit FILE.jfr...}: what the JIT made of the hot code in each run ({@link JitSummary}).</li>
 * </ul>
 */
public final class KernelBench {
    private KernelBench() {
    }

    // Producer state (ARRAY element 0, 8-byte fields), shared with libbpf_bench.c.
    static final int ST_SEQ = 0, ST_FLAGS = 1, ST_DROPPED = 2, ST_MASK = 3;
    static final int STATE_SIZE = 32;
    // Drain state.
    static final int DR_RET = 0, DR_SUM = 1, DR_COUNT = 2, DR_FLAGS = 3, DR_CALLS = 4;
    static final int DRAIN_STATE_SIZE = 40;
    static final long NO_WAKEUP = 1, FORCE_WAKEUP = 2;
    /**
     * The raw rows. cycle_median_mrps (since 2026-12-06; K1 and K3 produce, 0 elsewhere): the
     * median of the timed cycles' own rates. mrps is all timed records over all timed time, which
     * one preempted cycle can halve on a shared machine; the median of the cycles is what the
     * code does when it runs.
     */
    static final String HEADER = "run,side,scenario,variant,payload,record_bytes,flags,wait,records,ns,mrps,drops,wakeups,"
            + "cycle_median_mrps";

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "setup" -> setup(Path.of(args[1]), Long.parseLong(args[2]), args);
            case "run" -> run(args);
            case "report" -> Report.report(Path.of(args[1]), Path.of(args[2]), List.of(args).subList(3, args.length));
            case "teardown" -> teardown(Path.of(args[1]));
            case "jit" -> JitSummary.main(List.of(args).subList(1, args.length));
            case "header" -> System.out.println(HEADER);
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: KernelBench setup PINDIR RING_BYTES PAYLOAD... | run PINDIR PAYLOAD RUN WARM_RECORDS TIMED_RECORDS "
                + "K2_ATTEMPTS K2_CHUNK K2_FORCE_EVERY | report RAW.csv OUT.json [KEY=VALUE...] | teardown PINDIR | header"
                + " | jit FILE.jfr...");
        System.exit(2);
    }

    // ------------------------------------------------------------------ setup

    private static void setup(Path pins, long ringBytes, String[] args) throws IOException {
        Path parent = pins.toAbsolutePath().getParent();
        if (!BpfFs.isBpffs(parent)) {
            Files.createDirectories(parent);
            BpfFs.ensureMounted(parent);
        }
        teardown(pins);
        Files.createDirectories(pins);
        for (int i = 3; i < args.length; i++) {
            int payload = Integer.parseInt(args[i]);
            Path dir = Files.createDirectories(pins.resolve("p" + payload));
            try (BpfMap ring = BpfMap.createRingbuf("kb_rb" + payload, ringBytes);
                 BpfMap state = BpfMap.createArray("kb_st" + payload, STATE_SIZE, 1);
                 BpfMap uring = BpfMap.createUserRingbuf("kb_urb" + payload, ringBytes);
                 BpfMap ustate = BpfMap.createArray("kb_ust" + payload, DRAIN_STATE_SIZE, 1);
                 BpfProgram producer = producer(ring, state, payload);
                 BpfProgram drain = drain(uring, ustate)) {
                ring.pin(dir.resolve("ring"));
                state.pin(dir.resolve("state"));
                uring.pin(dir.resolve("uring"));
                ustate.pin(dir.resolve("ustate"));
                producer.pin(dir.resolve("producer"));
                drain.pin(dir.resolve("drain"));
                System.err.printf(Locale.ROOT, "setup: payload %d: RINGBUF id %d, USER_RINGBUF id %d (%d bytes each), pinned in %s%n",
                        payload, ring.info().id(), uring.info().id(), ringBytes, dir);
            }
        }
    }

    private static void teardown(Path pins) throws IOException {
        if (!Files.isDirectory(pins)) {
            return;
        }
        try (Stream<Path> s = Files.walk(pins)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Loads element 0 of {@code state} into R9, or jumps to {@code out}. */
    private static Asm stateInto9(Asm a, BpfMap state, String out) {
        return a.storeImm(Size.W, R10, -4, 0)
                .ldMap(R1, state)
                .mov(R2, R10).add(R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, out)
                .mov(R9, R0);
    }

    /**
     * Each run reserves {@code payload} bytes, writes the next sequence number (state field SEQ,
     * fetch-added) into the first 8 bytes and submits. Submit flags: if state MASK is 0, state
     * FLAGS; otherwise sampled notification, FORCE_WAKEUP when {@code (seq & MASK) == MASK} and
     * NO_WAKEUP otherwise (one forced wakeup every MASK+1 records). A failed reserve counts a drop.
     */
    static BpfProgram producer(BpfMap ring, BpfMap state, int payload) {
        Asm a = new Asm("kb_prod");
        stateInto9(a, state, "out");
        a.ldMap(R1, ring).mov(R2, payload).mov(R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jeq(R0, 0, "dropped")
                .mov(R6, R0)
                .mov(R7, 1).atomicFetchAdd(Size.DW, R9, 8 * ST_SEQ, R7)
                .store(Size.DW, R6, 0, R7)
                .load(Size.DW, R2, R9, 8 * ST_FLAGS)
                .load(Size.DW, R1, R9, 8 * ST_MASK)
                .jeq(R1, 0, "submit")
                .mov(R3, R7).and(R3, R1)
                .mov(R2, NO_WAKEUP)
                .jne(R3, R1, "submit")
                .mov(R2, FORCE_WAKEUP)
                .label("submit")
                .mov(R1, R6)
                .call(Helper.RINGBUF_SUBMIT)
                .ja("out")
                .label("dropped")
                .mov(R1, 1).atomicAdd(Size.DW, R9, 8 * ST_DROPPED, R1)
                .label("out")
                .mov(R0, 0)
                .exit();
        return BpfProgram.load(ProgType.SOCKET_FILTER, "kb_prod", a.build());
    }

    /**
     * Each run calls {@code bpf_user_ringbuf_drain} once with state FLAGS; the callback adds each
     * sample's first 8 bytes to a sum and counts; the program stores the helper's return value
     * (RET) and adds sum and count to the state.
     */
    static BpfProgram drain(BpfMap userRing, BpfMap state) {
        Asm a = new Asm("kb_drain");
        stateInto9(a, state, "out");
        a.storeImm(Size.DW, R10, -16, 0)            // ctx: sum
                .storeImm(Size.DW, R10, -24, 0)     // ctx: count
                .ldMap(R1, userRing)
                .ldFunc(R2, "cb")
                .mov(R3, R10).add(R3, -24)
                .load(Size.DW, R4, R9, 8 * DR_FLAGS)
                .call(Helper.USER_RINGBUF_DRAIN)
                .store(Size.DW, R9, 8 * DR_RET, R0)
                .load(Size.DW, R1, R10, -16).atomicAdd(Size.DW, R9, 8 * DR_SUM, R1)
                .load(Size.DW, R1, R10, -24).atomicAdd(Size.DW, R9, 8 * DR_COUNT, R1)
                .mov(R1, 1).atomicAdd(Size.DW, R9, 8 * DR_CALLS, R1)
                .label("out")
                .mov(R0, 0)
                .exit()
                .function("cb", 2)
                .mov(R6, R2)
                .storeImm(Size.DW, R10, -8, 0)
                .mov(R3, R1)
                .mov(R1, R10).add(R1, -8)
                .mov(R2, 8)
                .mov(R4, 0).mov(R5, 0)
                .call(Helper.DYNPTR_READ)
                .load(Size.DW, R1, R10, -8)
                .load(Size.DW, R2, R6, 8).add(R2, R1).store(Size.DW, R6, 8, R2)
                .load(Size.DW, R2, R6, 0).add(R2, 1).store(Size.DW, R6, 0, R2)
                .mov(R0, 0)
                .exit();
        return BpfProgram.load(ProgType.SOCKET_FILTER, "kb_drain", a.build());
    }

    // ------------------------------------------------------------------ run

    /** The handler of both sides: reads the payload's first 8 bytes into a sink and counts. */
    static final class Sink implements RecordHandler {
        long sum;
        long count;

        @Override
        public boolean onRecord(MemorySegment buffer, long offset, int length) {
            sum += buffer.get(ValueLayout.JAVA_LONG, offset);
            count++;
            return true;
        }

        void reset() {
            sum = 0;
            count = 0;
        }
    }

    /** warm and timed are record counts for K1 and K3, rounded up to whole ring fills (cycles). */
    private record Params(int run, int payload, long warm, long timed, long k2Attempts, int k2Chunk, int forceEvery) {
        int recordBytes() {
            return (payload + 8 + 7) & ~7;
        }

        static int cycles(long records, long perCycle) {
            return (int) ((records + perCycle - 1) / perCycle);
        }
    }

    private static void run(String[] args) throws Exception {
        JitWatch.start(); // before the hot code is compiled: the warm-up asks it what is compiled
        try {
            runScenarios(args);
        } finally {
            JitWatch.stop();
        }
    }

    private static void runScenarios(String[] args) throws Exception {
        Path dir = Path.of(args[1]).resolve("p" + args[2]);
        Params p = new Params(Integer.parseInt(args[3]), Integer.parseInt(args[2]), Long.parseLong(args[4]),
                Long.parseLong(args[5]), Long.parseLong(args[6]), Integer.parseInt(args[7]), Integer.parseInt(args[8]));
        if (Integer.bitCount(p.forceEvery()) != 1) {
            throw new IllegalArgumentException("K2_FORCE_EVERY must be a power of two: " + p.forceEvery());
        }
        try (BpfMap ring = BpfMap.openPinned(dir.resolve("ring"));
             BpfMap state = BpfMap.openPinned(dir.resolve("state"));
             BpfMap uring = BpfMap.openPinned(dir.resolve("uring"));
             BpfMap ustate = BpfMap.openPinned(dir.resolve("ustate"));
             BpfProgram producer = BpfProgram.openPinned(dir.resolve("producer"));
             BpfProgram drain = BpfProgram.openPinned(dir.resolve("drain"))) {
            Sink sink = new Sink();
            Map<String, String> specialized = new LinkedHashMap<>();
            String load0 = loadAverage();
            // -Dkb.only=K1,K2,K3 (default all): a subset, for profiling one scenario
            String only = System.getProperty("kb.only", "K1,K2,K3");
            // -Dkb.k1=per-record|batch-commit|both (default both, per-record first)
            String k1 = System.getProperty("kb.k1", "both");
            boolean[] modes = switch (k1) {
                case "per-record" -> new boolean[] {false};
                case "batch-commit" -> new boolean[] {true};
                case "batch-first" -> new boolean[] {true, false};
                default -> new boolean[] {false, true};
            };
            for (boolean batch : only.contains("K1") ? modes : new boolean[0]) {
                try (RingBuffer rb = RingBuffer.create(ring.fd(), sink, RingBuffer.Options.DEFAULT.withCommitMode(batch ? CommitMode.BATCH : CommitMode.PER_RECORD))) {
                    k1(p, rb, sink, ring, state, producer, batch ? "batch-commit" : "per-record");
                    specialized.put("K1/" + (batch ? "batch-commit" : "per-record"), isSpecialized(role(rb.ring(0), "consumer")));
                }
            }
            if (only.contains("K2")) {
                try (RingBuffer rb = RingBuffer.create(ring.fd(), sink)) {
                    warmProducerCalls(rb, state, producer);
                    k2(p, rb, sink, state, producer, false, null);
                    k2(p, rb, sink, state, producer, true, null);
                }
                // The adaptive rounds again with a busy-polling consumer; the C side does the same
                // with ring_buffer__consume and ring_buffer__poll (KB_BUSY_US), which cannot hold
                // consumer_pos back, so its caught-up consumer gets a wakeup per record.
                if (K2_BUSY_MICROS > 0) {
                    Duration spin = Duration.ofNanos(K2_BUSY_MICROS * 1000L);
                    try (RingBuffer rb = RingBuffer.create(ring.fd(), sink, RingBuffer.Options.DEFAULT.withBusyPoll(spin))) {
                        k2(p, rb, sink, state, producer, false, spin);
                    }
                }
            }
            if (only.contains("K3")) {
                try (UserRingBuffer urb = UserRingBuffer.create(uring.fd())) {
                    k3(p, urb, ustate, drain);
                    specialized.put("K3", isSpecialized(role(urb, "producer")));
                }
            }
            String meta = System.getProperty("kb.meta");
            if (meta != null) {
                Files.writeString(Path.of(meta), runMeta(p, specialized, load0) + "\n", java.nio.charset.StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
        }
    }

    private static void row(Params p, String scenario, String variant, String flags, String wait, long records, long ns,
                            long drops, long wakeups, double cycleMedian) {
        double mrps = ns == 0 ? 0 : records * 1e3 / ns;
        System.out.printf(Locale.ROOT, "%d,jringbuf,%s,%s,%d,%d,%s,%s,%d,%d,%.3f,%d,%d,%.3f%n", p.run(), scenario, variant,
                p.payload(), p.recordBytes(), flags, wait, records, ns, mrps, drops, wakeups, cycleMedian);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("check failed: " + what);
        }
    }

    /**
     * The protocol role under a public object (the harness only reads its state): the value of
     * its no-argument method or field {@code name} (a RingBuffer's reader: {@code consumer()}; a
     * UserRingBuffer: its {@code producer} field), or null where this library has neither.
     */
    static Object role(Object holder, String name) {
        for (Class<?> c = holder == null ? null : holder.getClass(); c != null; c = c.getSuperclass()) {
            try {
                java.lang.reflect.Method m = c.getDeclaredMethod(name);
                m.setAccessible(true);
                return m.invoke(holder);
            } catch (NoSuchMethodException e) {
                try {
                    java.lang.reflect.Field f = c.getDeclaredField(name);
                    f.setAccessible(true);
                    return f.get(holder);
                } catch (NoSuchFieldException e2) {
                    // look at the superclass
                } catch (ReflectiveOperationException | RuntimeException e2) {
                    return null;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Whether a role ran the code specialised for its ring (its package-private
     * {@code isSpecialized()}): "true", "false", or "unknown" where the library has no such method.
     */
    static String isSpecialized(Object role) {
        try {
            java.lang.reflect.Method m = role.getClass().getDeclaredMethod("isSpecialized");
            m.setAccessible(true);
            return String.valueOf(m.invoke(role));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * The class of the consume loop a consumer runs now (its private {@code loop} field: the
     * shared hidden class, then its own), as the JIT's code list names it; null (no check) if the
     * library has no such field.
     */
    static String loopClass(Object consumer) {
        try {
            java.lang.reflect.Field f = consumer.getClass().getDeclaredField("loop");
            f.setAccessible(true);
            return f.get(consumer).getClass().getName();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The JVM flags that change the generated code, as this JVM runs with them. */
    static final List<String> VM_FLAGS = List.of("UseAVX", "UseCompressedOops", "UseCompactObjectHeaders", "TieredCompilation",
            "CICompilerCount", "MaxInlineSize", "FreqInlineSize", "InlineSmallCode", "MaxInlineLevel", "LoopStripMiningIter",
            "UseCountedLoopSafepoints", "UseSuperWord", "UseSerialGC", "UseParallelGC", "UseG1GC", "UseZGC", "MaxHeapSize",
            "UseTransparentHugePages", "UseLargePages");

    /** One JSON line per run: what the JVM ran with and whether the specialised classes were used. */
    private static String runMeta(Params p, Map<String, String> specialized, String load0) {
        // -Dkb.side: what bench/kernel.sh calls this build (jringbuf, or jringbuf-base in ab runs)
        StringBuilder js = new StringBuilder(String.format(Locale.ROOT, "{\"run\": %d, \"payload\": %d, \"side\": %s, ",
                p.run(), p.payload(), Report.q(System.getProperty("kb.side", "jringbuf"))));
        js.append("\"jvm\": ").append(Report.q(System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version")));
        js.append(", \"jvm_args\": [");
        List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < args.size(); i++) {
            js.append(i == 0 ? "" : ", ").append(Report.q(args.get(i)));
        }
        js.append("], \"vm_flags\": {");
        var hs = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        boolean first = true;
        for (String f : VM_FLAGS) {
            try {
                var o = hs.getVMOption(f);
                js.append(first ? "" : ", ").append(Report.q(f)).append(": ").append(Report.q(o.getValue()));
                first = false;
            } catch (RuntimeException e) {
                // not a flag of this JVM
            }
        }
        js.append("}, \"specialized\": {");
        first = true;
        for (Map.Entry<String, String> e : specialized.entrySet()) {
            js.append(first ? "" : ", ").append(Report.q(e.getKey())).append(": ").append(e.getValue().equals("unknown")
                    ? "null" : e.getValue());
            first = false;
        }
        js.append("}, \"loadavg_start\": ").append(Report.q(load0)).append(", \"loadavg_end\": ").append(Report.q(loadAverage()));
        return js.append("}").toString();
    }

    /** Sum of seq0 .. seq0+n-1. */
    private static long seqSum(long seq0, long n) {
        return n * seq0 + n * (n - 1) / 2;
    }

    /** K1 consume-only: prefill outside the timed part, time one consume() that drains it all. */
    private static void k1(Params p, RingBuffer rb, Sink sink, BpfMap ring, BpfMap state, BpfProgram producer,
                           String variant) {
        rb.consume();                                    // leftovers of an earlier run, untimed
        setField(state, ST_FLAGS, NO_WAKEUP);
        setField(state, ST_MASK, 0);
        long size = ring.info().maxEntries();
        int cap = (int) ((size - 1) / p.recordBytes()); // prod - cons must stay <= size - 1
        long records = 0, ns = 0;
        Object consumer = role(rb.ring(0), "consumer");
        WarmUp warmUp = new WarmUp(Params.cycles(p.warm(), cap), Params.cycles(p.timed(), cap), "K1/" + variant, p.payload(),
                () -> {
                    String c = loopClass(consumer);
                    return c == null ? null : c + ".run";
                });
        while (warmUp.next()) {
            long seq0 = field(state, ST_SEQ), drop0 = field(state, ST_DROPPED);
            producer.testRun(cap);
            check(field(state, ST_DROPPED) == drop0, "K1 prefill without drops");
            sink.reset();
            long t0 = System.nanoTime();
            int n = rb.consume();
            long t1 = System.nanoTime();
            check(n == cap && sink.count == cap && sink.sum == seqSum(seq0, cap),
                    "K1 consumed " + n + "/" + cap + " records with the expected sequence sum");
            warmUp.trace("K1/" + variant, p.payload(), n, t1 - t0);
            if (warmUp.timing()) {
                records += n;
                ns += t1 - t0;
            }
        }
        row(p, "K1", variant, "NO_WAKEUP", "none", records, ns, 0, 0, warmUp.timedMedian());
    }

    /**
     * The cycles of K1 and K3: at least {@code warm} untimed ones (what the C side runs), then
     * more until the JIT's total compile time has not moved for {@link #QUIET_NANOS} and the rate
     * has settled ({@code settled}; at most {@link #MAX_EXTRA_WARM_NANOS} more), then
     * {@code timed} timed ones. A record count alone
     * was not enough: in about one run in ten the per-record K1 consumer was timed while C2 was
     * still compiling its per-ring class (measured: 302-326 M/s against 650-690 in the other
     * runs, with the class's tier-4 compilations finishing inside the timed cycles).
     */
    private static final class WarmUp {
        private final int warm;
        private final int timed;
        private int cycle = -1;
        private int timedDone;
        private boolean timing;
        private long lastJit = jitMillis();
        private long jitSince = System.nanoTime();
        private long extraSince = -1;
        /** Spans the timed cycles in a JFR recording (bench/jit.jfc), so that JIT events can be placed. */
        private final JitSummary.Timed event = new JitSummary.Timed();

        /** The hot method as the JIT's code list names it (class.method), or null if unknown. */
        private final java.util.function.Supplier<String> hotMethod;
        private long lastHotCheck;
        private boolean optimised;

        WarmUp(int warm, int timed, String scenario, int payload, java.util.function.Supplier<String> hotMethod) {
            this.warm = warm;
            this.timed = timed;
            this.hotMethod = hotMethod;
            event.scenario = scenario;
            event.payload = payload;
        }

        /** @return whether another cycle is to run; call once before each cycle */
        boolean next() {
            if (timing) {
                timedDone++;
            }
            if (timedDone >= timed) {
                event.commit();
                return false;
            }
            cycle++;
            long now = System.nanoTime();
            long jit = jitMillis();
            if (jit != lastJit) {
                lastJit = jit;
                jitSince = now;
            }
            if (!timing && cycle >= warm) {
                if (extraSince < 0) {
                    extraSince = now;
                }
                // Optimised first, then quiet: the code list's parsing is compiled too, and those
                // compilations must not run in the timed cycles.
                optimised = optimised || optimised(now);
                timing = optimised && now - jitSince >= QUIET_NANOS && settled() || now - extraSince >= MAX_EXTRA_WARM_NANOS;
                if (timing) {
                    event.begin();
                }
            }
            return true;
        }

        private long traced;
        /** The untimed cycles' rates (records per ns), for {@link #settled}. */
        private final List<Double> rates = new ArrayList<>();
        /** The timed cycles' rates (M records/s). */
        private final List<Double> timedRates = new ArrayList<>();

        /** @return the median of the timed cycles' rates in M records/s (0 if none) */
        double timedMedian() {
            return timedRates.isEmpty() ? 0 : Report.Stat.of(timedRates).median();
        }

        /**
         * Whether the rate has stopped rising: the best of the last {@link #SETTLE_CYCLES} cycles is
         * at most 10 % above the best before them. A quiet JIT alone was not enough: under load the
         * optimised code for the K3 fill loop arrived only after 3.1-3.4 M records (8-byte records,
         * 2-20 M/s before it, 110-185 M/s after, load average 12, 2026-12-06), while the JIT had been
         * quiet for 100 ms long before that (the on-stack-replacement compile had not even been
         * requested). Slow outliers (a preempted cycle) do not move the best, a new tier does.
         */
        private boolean settled() {
            int n = rates.size();
            if (n < 2 * SETTLE_CYCLES) {
                return false;
            }
            double before = 0, last = 0;
            for (int i = 0; i < n; i++) {
                if (i < n - SETTLE_CYCLES) {
                    before = Math.max(before, rates.get(i));
                } else {
                    last = Math.max(last, rates.get(i));
                }
            }
            return last <= before * 1.1;
        }

        /**
         * Whether the hot method has optimised code for whole calls ({@link JitWatch}: a tier-4
         * compilation that is not an on-stack replacement and was not deoptimized since). A
         * quiet JIT and a settled rate were not enough: a K1 batch-commit run under load (load
         * average 11, 2026-12-06) sat at the tier-3 rate (34 M/s, against 530-610 once compiled)
         * for ten cycles with the JIT quiet, and was timed there. And an on-stack-replacement
         * compile alone is not enough either: every cycle is a new call of the hot method, which
         * then starts in tier-3 code and moves to the OSR code only after thousands of
         * iterations (a whole cycle at 256 B is 15,900 records). Asked at most every 100 ms.
         */
        private boolean optimised(long now) {
            if (now - lastHotCheck < QUIET_NANOS) {
                return false;
            }
            lastHotCheck = now;
            String method = hotMethod == null ? null : hotMethod.get();
            return method == null || JitWatch.compiled(method);
        }

        /** Records one cycle (its rate for {@link #settled}); -Dkb.cycles=true prints it on stderr. */
        void trace(String scenario, int payload, long records, long ns) {
            traced += records;
            if (!timing && ns > 0) {
                rates.add((double) records / ns);
            } else if (timing && ns > 0) {
                timedRates.add(records * 1e3 / ns);
            }
            if (CYCLES) {
                System.err.printf(Locale.ROOT, "cycle %s p%d %d: %d records so far, %.1f M/s, JIT %d ms%s, at %d ms%n", scenario,
                        payload, cycle, traced, records * 1e3 / ns, jitMillis(), timing ? " (timed)" : "",
                        java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
            }
        }

        /** @return whether the current cycle is timed */
        boolean timing() {
            return timing;
        }
    }

    /**
     * The methods with tier-4 code for whole calls, from an in-process JFR stream of
     * {@code jdk.Compilation} (not on-stack replacements) and {@code jdk.Deoptimization} (which
     * removes the method again until its next compilation). Names are "class.method", hidden
     * classes as {@code Class.getName()} gives them with '/' read as '.'. JFR delivers events
     * about once a second, which only lengthens the warm-up. Where JFR is missing, every method
     * counts as compiled.
     */
    static final class JitWatch {
        private static final java.util.Map<Integer, String> BY_ID = new java.util.concurrent.ConcurrentHashMap<>();
        private static final java.util.Set<String> COMPILED = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private static boolean started;
        private static volatile boolean available;
        private static jdk.jfr.consumer.RecordingStream stream;

        private JitWatch() {
        }

        static synchronized void start() {
            if (started) {
                return;
            }
            started = true;
            try {
                var rs = new jdk.jfr.consumer.RecordingStream();
                rs.enable("jdk.Compilation").withThreshold(Duration.ZERO);
                rs.enable("jdk.Deoptimization").withoutStackTrace();
                rs.onEvent("jdk.Compilation", e -> {
                    if (e.getShort("compileLevel") == 4 && !e.getBoolean("isOsr") && e.getBoolean("succeded")) {
                        jdk.jfr.consumer.RecordedMethod m = e.getValue("method");
                        String name = normal(m.getType().getName() + "." + m.getName());
                        BY_ID.put(e.getInt("compileId"), name);
                        COMPILED.add(name);
                    }
                });
                rs.onEvent("jdk.Deoptimization", e -> {
                    String name = BY_ID.remove(e.getInt("compileId"));
                    if (name != null && !"none".equals(e.getString("action"))) {
                        COMPILED.remove(name);
                    }
                });
                rs.setMaxAge(Duration.ofSeconds(10));
                rs.startAsync();
                stream = rs;
                available = true;
            } catch (RuntimeException | LinkageError e) {
                available = false;
            }
        }

        /** Ends the stream (its thread is not a daemon: the JVM would not exit). */
        static synchronized void stop() {
            if (stream != null) {
                stream.close();
                stream = null;
            }
        }

        static boolean compiled(String method) {
            start();
            return !available || COMPILED.contains(normal(method));
        }

        private static String normal(String name) {
            return name.replace('/', '.').replace('+', '.');
        }
    }

    /** How long the JIT must have compiled nothing before K1 and K3 start timing. */
    static final long QUIET_NANOS = 100_000_000L;
    /** The most K1 and K3 warm up beyond their record count, waiting for the JIT and a settled rate. */
    static final long MAX_EXTRA_WARM_NANOS = 10_000_000_000L;
    /** Cycles compared by {@code WarmUp.settled} (at 8 B, 5 cycles are 1.3 M records). */
    static final int SETTLE_CYCLES = 5;

    /** Untimed K2 rounds before the timed one at least (the C side runs this many). */
    static final int K2_WARM_ROUNDS = Integer.getInteger("kb.k2warm", 3);
    /** Untimed K2 rounds at most: the JIT may still be compiling after this many, the run goes on. */
    static final int K2_MAX_WARM_ROUNDS = Integer.getInteger("kb.k2warmMax", 12);
    /** A warm-up round during which the JIT compiled for less than this many ms is a quiet one. */
    static final long K2_QUIET_JIT_MS = 10;
    /**
     * -Dkb.diag=true: K2 prints per round, on stderr, its drops, polls, the gaps between poll
     * returns longer than 1 and 3 ms, the JIT's compile time and the round's bounds on
     * CLOCK_MONOTONIC (to cut a {@code perf sched record -k CLOCK_MONOTONIC} to the timed round).
     */
    static final boolean DIAG = Boolean.getBoolean("kb.diag");
    /** -Dkb.cycles=true: K1 and K3 print every cycle's rate on stderr (how much warm-up a build needs). */
    static final boolean CYCLES = Boolean.getBoolean("kb.cycles");

    /** K2's busy-poll row: the spin of {@code RingBuffer.Options.busyPoll} in µs (0: no such row). */
    static final long K2_BUSY_MICROS = Long.getLong("kb.busyPollMicros", 50);

    /** @return the JIT's total compile time in ms, or -1 where the JVM does not measure it */
    private static long jitMillis() {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /**
     * K2 concurrent: a thread runs the producer with test_run(chunk) until the attempts are made;
     * this thread polls (10 ms timeout) until then and consumes the rest. Time: from starting the
     * producer to the last poll/consume that delivered records.
     *
     * <p>Untimed rounds of the same size come first: at least {@link #K2_WARM_ROUNDS} (what the
     * C side runs), then more until one passes with the JIT compiling for less than
     * {@link #K2_QUIET_JIT_MS} ms (at most {@link #K2_MAX_WARM_ROUNDS}). On two CPUs a compiler
     * thread takes one of them from the producer and the consumer: measured with {@code kb.diag},
     * rounds with 37-150 ms of compilation had 4-12 gaps of more than 3 ms between poll returns
     * and most of the drops, rounds with under 5 ms had 0-2 gaps, as libbpf's rounds do. The
     * compilations were of the poll loop (on-stack replacement of this whole method, recompiled
     * after uncommon traps in its per-round code, which is why the loop is now a method of its
     * own, {@link #pollUntilDone}) and the paths first met late (BUSY records, the producer's
     * test_run).
     */

    private static void k2(Params p, RingBuffer rb, Sink sink, BpfMap state, BpfProgram producer, boolean sampled,
                           Duration busyPoll) throws InterruptedException {
        rb.consume();
        setField(state, ST_FLAGS, 0);
        setField(state, ST_MASK, sampled ? p.forceEvery() - 1 : 0);
        Duration timeout = Duration.ofMillis(10);
        long[] result = new long[4];
        boolean warmedUp = K2_WARM_ROUNDS == 0;
        for (int round = 0; ; round++) {
            // Timed: the first round after a warm-up that ended with a quiet round (or ran out).
            boolean timed = warmedUp;
            long jit0 = jitMillis();
            long attempts = p.k2Attempts();
            long seq0 = field(state, ST_SEQ), drop0 = field(state, ST_DROPPED);
            sink.reset();
            var done = new java.util.concurrent.atomic.AtomicBoolean();
            Throwable[] failure = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    for (long left = attempts; left > 0; ) {
                        int r = (int) Math.min(p.k2Chunk(), left);
                        producer.testRun(r);
                        left -= r;
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                } finally {
                    done.set(true);                     // volatile store; the poll loop's get pairs with it
                }
            }, "k2-producer");
            long t0 = System.nanoTime();
            t.start();
            Polled polled = pollUntilDone(rb, done, timeout, t0, busyPoll != null);
            long wakeups = polled.wakeups(), last = polled.last();
            long jitRound = jitMillis() - jit0;
            if (DIAG) {
                System.err.printf("diag jringbuf K2 %s payload %d round %d: drops %d polls>0 %d polls=0 %d gaps >1ms %d >3ms %d longest %.2f ms; JIT %d ms; monotonic %.6f-%.6f s%n",
                        (sampled ? "sampled" : "adaptive") + (busyPoll != null ? "-busy" : ""), p.payload(), round, field(state, ST_DROPPED) - drop0, wakeups,
                        polled.empty(), polled.over1ms(), polled.over3ms(), polled.longestGap() / 1e6, jitRound,
                        t0 / 1e9, System.nanoTime() / 1e9);
            }
            if (rb.consume() > 0) {
                last = System.nanoTime();
            }
            t.join(60_000);
            check(!t.isAlive(), "K2 producer finished");
            if (failure[0] != null) {
                throw new IllegalStateException("K2 producer failed", failure[0]);
            }
            long drops = field(state, ST_DROPPED) - drop0;
            check(field(state, ST_SEQ) - seq0 == attempts - drops && sink.count == attempts - drops,
                    "K2 consumed " + sink.count + " + dropped " + drops + " == attempts " + attempts);
            check(drops != 0 || sink.sum == seqSum(seq0, attempts), "K2 sequence sum");
            result[0] = sink.count;
            result[1] = last - t0;
            result[2] = drops;
            result[3] = wakeups;
            if (timed) {
                break;
            }
            warmedUp = round + 1 >= K2_WARM_ROUNDS
                    && (jitRound < K2_QUIET_JIT_MS || round + 1 >= K2_MAX_WARM_ROUNDS);
        }
        row(p, "K2", (sampled ? "sampled-" + p.forceEvery() : "adaptive") + (busyPoll != null ? "-busy" : ""),
                sampled ? "NO_WAKEUP+FORCE/" + p.forceEvery() : "0",
                busyPoll != null ? "busy-poll-" + busyPoll.toNanos() / 1000 + "us" : "epoll-poll",
                result[0], result[1], result[2], result[3], 0);
    }

    /** test_run calls made before K2's rounds, so that the JIT has compiled the call path. */
    static final int K2_PRODUCER_WARM_CALLS = 20_000;

    /**
     * K2's producer thread calls test_run once per chunk, 400 times a round: the JIT got to that
     * path (BpfProgram.testRun, Sys.rawBpf) only after several rounds, and its C2 compiles (up to
     * 90 ms) took one of the two CPUs in timed rounds; with a busy-polling consumer, which never
     * leaves its CPU, each such compile cost tens of thousands of drops
     * ({@code -Xlog:jit+compilation}, 2026-11-26). So the path is called enough first, one record
     * per call, consumed as it goes. The C side has no JIT to wait for.
     */
    private static void warmProducerCalls(RingBuffer rb, BpfMap state, BpfProgram producer) {
        setField(state, ST_FLAGS, NO_WAKEUP);
        setField(state, ST_MASK, 0);
        for (int i = 0; i < K2_PRODUCER_WARM_CALLS; i++) {
            producer.testRun(1);
            if ((i & 255) == 255) {
                rb.consume();
            }
        }
        rb.consume();
    }

    /**
     * What {@link #pollUntilDone} saw: polls that delivered records (with a busy poll: those that
     * had stopped spinning and settled to sleep first, i.e. were woken or found records on their
     * last look) and the time of the last one;
     * with {@code -Dkb.diag}, also polls that delivered none, the longest gap between poll returns
     * and the gaps over 1 and over 3 ms (zero otherwise).
     */
    private record Polled(long wakeups, long last, long empty, long longestGap, long over1ms, long over3ms) {
    }

    /**
     * K2's consumer: polls until the producer is done. A method of its own, so that the JIT
     * compiles this loop apart from {@link #k2}'s per-round code (an uncommon trap there made it
     * recompile the whole round, poll loop included, in a timed round).
     */
    private static Polled pollUntilDone(RingBuffer rb, java.util.concurrent.atomic.AtomicBoolean done,
                                        Duration timeout, long t0, boolean busy) {
        long wakeups = 0, last = t0;
        long empty = 0, prev = t0, longest = 0, over1 = 0, over3 = 0;
        long spin = busy ? K2_BUSY_MICROS * 1000L : 0;
        while (!done.get()) {
            long before = System.nanoTime();
            int n = rb.poll(timeout);
            if (n > 0) {
                last = System.nanoTime();
                // A busy poll that returns within its spin found its records while spinning; one
                // that took longer slept and was woken.
                wakeups += busy && last - before < spin ? 0 : 1;
            }
            if (DIAG && !done.get()) { // not the last poll, which waits out its timeout
                long now = System.nanoTime(), gap = now - prev;
                empty += n == 0 ? 1 : 0;
                longest = Math.max(longest, gap);
                over1 += gap > 1_000_000 ? 1 : 0;
                over3 += gap > 3_000_000 ? 1 : 0;
                prev = now;
            }
        }
        return new Polled(wakeups, last, empty, longest, over1, over3);
    }

    /** K3: reserve+submit until the USER_RINGBUF is full (timed), then drain via test_run (timed). */
    private static void k3(Params p, UserRingBuffer urb, BpfMap ustate, BpfProgram drain) {
        setField(ustate, DR_FLAGS, 0);
        drainAll(ustate, drain);
        MemorySegment buf = urb.buffer();
        int payload = p.payload();
        long pRecords = 0, pNs = 0, dNs = 0;
        long cap = urb.size() / p.recordBytes();
        WarmUp warmUp = new WarmUp(Params.cycles(p.warm(), cap), Params.cycles(p.timed(), cap), "K3", p.payload(),
                () -> KernelBench.class.getName() + ".fill");
        while (warmUp.next()) {
            long count0 = field(ustate, DR_COUNT), sum0 = field(ustate, DR_SUM);
            long t0 = System.nanoTime();
            long n = fill(urb, buf, payload);
            long t1 = System.nanoTime();
            drainAll(ustate, drain);
            long t2 = System.nanoTime();
            check(n == cap, "K3 filled the ring: " + n + " records");
            warmUp.trace("K3", p.payload(), n, t1 - t0);
            check(field(ustate, DR_COUNT) - count0 == n && field(ustate, DR_SUM) - sum0 == seqSum(0, n),
                    "K3 drain saw every record with the expected sum");
            if (warmUp.timing()) {
                pRecords += n;
                pNs += t1 - t0;
                dNs += t2 - t1;
            }
        }
        row(p, "K3", "produce", "-", "none", pRecords, pNs, 0, 0, warmUp.timedMedian());
        row(p, "K3", "drain", "0", "test_run", pRecords, dNs, 0, 0, 0);
    }

    /**
     * K3's timed part: reserve, write the first 8 bytes, submit, until the ring is full; returns
     * the samples written. A method of its own, as a user's produce loop would be, for the JIT's
     * sake: inside {@link #k3} the loop was compiled as part of k3 (on-stack replacement), and
     * k3's first timed cycle took the "timing" branch for the first time, an uncommon trap that
     * threw that code away, so the first timed cycles ran interpreted until the JIT compiled the
     * loop again (JFR, 2026-12-06: unstable_if in k3 at the timing test, then a tier-3 compile of
     * k3 inside the timed window). Also the loop's compiled code no longer depends on how many
     * other values k3 keeps alive.
     */
    static long fill(UserRingBuffer urb, MemorySegment buf, int payload) {
        long n = 0;
        long off;
        while ((off = urb.reserve(payload)) >= 0) {
            buf.set(ValueLayout.JAVA_LONG, off, n++);
            urb.submit(off);
        }
        return n;
    }

    /** Runs the drain program until a call drains nothing (each call drains at most 128 Ki samples). */
    private static void drainAll(BpfMap ustate, BpfProgram drain) {
        long ret;
        do {
            drain.testRun(1);
            ret = field(ustate, DR_RET);
            check(ret >= 0, "bpf_user_ringbuf_drain returned " + ret);
        } while (ret > 0);
    }

    static long field(BpfMap state, int index) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(4);
            MemorySegment value = arena.allocate(state.info().valueSize(), 8);
            check(state.lookup(key, value), "state element 0 exists");
            return value.get(ValueLayout.JAVA_LONG, 8L * index);
        }
    }

    static void setField(BpfMap state, int index, long v) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(4);
            MemorySegment value = arena.allocate(state.info().valueSize(), 8);
            check(state.lookup(key, value), "state element 0 exists");
            value.set(ValueLayout.JAVA_LONG, 8L * index, v);
            state.update(key, value);
        }
    }

    // ------------------------------------------------------------------ report

    /**
     * Median, min and max per figure; ratios against libbpf; table and JSON. With rows of a side
     * {@code jringbuf-base} (bench/kernel.sh ab: a baseline build of jringbuf run between the
     * others), also new/baseline and baseline/libbpf, and new/baseline paired per run (the two
     * builds ran minutes apart in each run, so the per-run ratio is less exposed to changes of the
     * machine's load than the ratio of medians). Lines starting with '#' are metadata
     * ({@code # key=value}).
     */
    static final class Report {
        private Report() {
        }

        static final String BASE = "jringbuf-base";

        record Row(int run, String side, String scenario, String variant, int payload, int recordBytes, String flags,
                   String waitMode, long records, long ns, double mrps, long drops, long wakeups, double cycleMedian) {
            String key() {
                return scenario + "/" + variant + "/" + payload + "/" + side;
            }
        }

        record Stat(double median, double min, double max, int n) {
            static Stat of(List<Double> v) {
                List<Double> s = v.stream().sorted().toList();
                int n = s.size();
                if (n == 0) {
                    return new Stat(Double.NaN, Double.NaN, Double.NaN, 0);
                }
                double med = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
                return new Stat(med, s.get(0), s.get(n - 1), n);
            }
        }

        static void report(Path raw, Path json, List<String> meta) throws IOException {
            List<Row> rows = new ArrayList<>();
            Map<String, String> machine = new LinkedHashMap<>();
            for (String line : Files.readAllLines(raw)) {
                if (line.startsWith("#")) {
                    String[] kv = line.substring(1).trim().split("=", 2);
                    if (kv.length == 2) {
                        machine.put(kv[0].trim(), kv[1].trim());
                    }
                    continue;
                }
                if (line.isBlank() || line.startsWith("run,")) {
                    continue;
                }
                String[] f = line.split(",");
                rows.add(new Row(Integer.parseInt(f[0]), f[1], f[2], f[3], Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                        f[6], f[7], Long.parseLong(f[8]), Long.parseLong(f[9]), Double.parseDouble(f[10]),
                        Long.parseLong(f[11]), Long.parseLong(f[12]),
                        f.length > 13 && Double.parseDouble(f[13]) > 0 ? Double.parseDouble(f[13]) : Double.NaN));
            }
            Map<String, List<Row>> groups = new LinkedHashMap<>();
            rows.stream()
                    .sorted(Comparator.comparing(Row::scenario).thenComparing(Row::payload).thenComparing(Row::variant)
                            .thenComparing(Row::side, Comparator.reverseOrder()))
                    .forEach(r -> groups.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r));
            boolean ab = rows.stream().anyMatch(r -> r.side().equals(BASE));

            StringBuilder out = new StringBuilder();
            if (ab) {
                out.append(String.format(Locale.ROOT, "%-4s %-14s %4s | %-27s | %-27s | %-27s | %-22s | %8s | %8s | %-26s%n",
                        "scen", "variant", "pay", "new M rec/s med [min-max]", "baseline M rec/s", "libbpf M rec/s",
                        "new/base paired [range]", "new/lbpf", "base/lbpf", "cycle medians: n/b | n/l | b/l"));
            } else {
                out.append(String.format(Locale.ROOT, "%-4s %-14s %4s %4s %-22s %-10s | %-26s | %-26s | %6s | %-22s%n",
                        "scen", "variant", "pay", "rec", "flags", "wait", "jringbuf M rec/s med [min-max]",
                        "libbpf M rec/s med [min-max]", "ratio", "drops / wakeups (j | l) or cycle-median ratio"));
            }
            StringBuilder js = new StringBuilder("{\n  \"meta\": {");
            for (int i = 0; i < meta.size(); i++) {
                String[] kv = meta.get(i).split("=", 2);
                js.append(i == 0 ? "\n" : ",\n").append("    ").append(q(kv[0])).append(": ").append(q(kv.length > 1 ? kv[1] : ""));
            }
            js.append("\n  },\n  \"machine\": {");
            int mi = 0;
            for (Map.Entry<String, String> e : machine.entrySet()) {
                js.append(mi++ == 0 ? "\n" : ",\n").append("    ").append(q(e.getKey())).append(": ").append(q(e.getValue()));
            }
            js.append("\n  },\n  \"summary\": [");
            boolean first = true;
            for (Map.Entry<String, List<Row>> e : groups.entrySet()) {
                List<Row> j = e.getValue();
                Row r0 = j.get(0);
                if (!r0.side().equals("jringbuf")) {
                    continue;
                }
                List<Row> l = libbpfRows(groups, r0);
                List<Row> b = groups.get(r0.scenario() + "/" + r0.variant() + "/" + r0.payload() + "/" + BASE);
                Stat sj = Stat.of(j.stream().map(Row::mrps).toList());
                Stat sl = l == null ? null : Stat.of(l.stream().map(Row::mrps).toList());
                Stat sb = b == null ? null : Stat.of(b.stream().map(Row::mrps).toList());
                double ratio = sl == null || sl.median() == 0 ? Double.NaN : sj.median() / sl.median();
                double baseRatio = sl == null || sb == null || sl.median() == 0 ? Double.NaN : sb.median() / sl.median();
                Stat paired = b == null ? null : paired(j, b, Row::mrps);
                // The same from each run's median cycle rate (NaN where a build does not report it).
                Stat cj = cycles(j), cl = l == null ? null : cycles(l), cb = b == null ? null : cycles(b);
                Stat pairedCycles = b == null ? null : paired(j, b, Row::cycleMedian);
                double cRatio = cj == null || cl == null ? Double.NaN : cj.median() / cl.median();
                double cBaseRatio = cb == null || cl == null ? Double.NaN : cb.median() / cl.median();
                Stat dj = Stat.of(j.stream().map(r -> (double) r.drops()).toList());
                Stat wj = Stat.of(j.stream().map(r -> (double) r.wakeups()).toList());
                Stat dl = l == null ? null : Stat.of(l.stream().map(r -> (double) r.drops()).toList());
                Stat wl = l == null ? null : Stat.of(l.stream().map(r -> (double) r.wakeups()).toList());
                if (ab) {
                    out.append(String.format(Locale.ROOT, "%-4s %-14s %4d | %-27s | %-27s | %-27s | %-22s | %8.2f | %8.2f | %s%n",
                            r0.scenario(), r0.variant(), r0.payload(), fmt(sj), sb == null ? "-" : fmt(sb),
                            sl == null ? "-" : fmt(sl), paired == null ? "-" : String.format(Locale.ROOT, "%.3f [%.2f-%.2f]",
                                    paired.median(), paired.min(), paired.max()), ratio, baseRatio,
                            pairedCycles == null ? "-" : String.format(Locale.ROOT, "%.3f [%.2f-%.2f] | %.2f | %.2f",
                                    pairedCycles.median(), pairedCycles.min(), pairedCycles.max(), cRatio, cBaseRatio)));
                } else {
                    String dw = r0.scenario().equals("K2")
                            ? String.format(Locale.ROOT, "%.0f/%.0f | %s", dj.median(), wj.median(),
                                    dl == null ? "-" : String.format(Locale.ROOT, "%.0f/%.0f", dl.median(), wl.median()))
                            : Double.isNaN(cRatio) ? "" : String.format(Locale.ROOT, "%.2f", cRatio);
                    out.append(String.format(Locale.ROOT, "%-4s %-14s %4d %4d %-22s %-10s | %-26s | %-26s | %6.2f | %s%n",
                            r0.scenario(), r0.variant(), r0.payload(), r0.recordBytes(), r0.flags(), r0.waitMode(), fmt(sj),
                            sl == null ? "-" : fmt(sl), ratio, dw));
                }
                js.append(first ? "\n" : ",\n");
                first = false;
                js.append(String.format(Locale.ROOT, "    {\"scenario\": %s, \"variant\": %s, \"payload\": %d, \"record_bytes\": %d, "
                                + "\"flags\": %s, \"wait\": %s, \"jringbuf\": %s, \"libbpf\": %s, \"libbpf_variant\": %s, "
                                + "\"ratio\": %s, \"drops_median\": {\"jringbuf\": %.0f, \"libbpf\": %s}, "
                                + "\"wakeups_median\": {\"jringbuf\": %.0f, \"libbpf\": %s}",
                        q(r0.scenario()), q(r0.variant()), r0.payload(), r0.recordBytes(), q(r0.flags()), q(r0.waitMode()),
                        statJson(sj), sl == null ? "null" : statJson(sl), l == null ? "null" : q(l.get(0).variant()),
                        num(ratio), dj.median(), dl == null ? "null" : String.format(Locale.ROOT, "%.0f", dl.median()),
                        wj.median(), wl == null ? "null" : String.format(Locale.ROOT, "%.0f", wl.median())));
                if (cj != null) {
                    js.append(String.format(Locale.ROOT, ", \"cycle_median\": {\"jringbuf\": %s, \"libbpf\": %s, \"baseline\": %s}, "
                                    + "\"ratio_cycle_median\": %s", statJson(cj), statJson(cl), statJson(cb), num(cRatio)));
                    if (pairedCycles != null) {
                        js.append(", \"ratio_new_base_paired_cycle_median\": ").append(statJson(pairedCycles));
                    }
                }
                if (sb != null) {
                    js.append(String.format(Locale.ROOT, ", \"baseline\": %s, \"ratio_new_base\": %s, "
                                    + "\"ratio_new_base_paired\": %s, \"ratio_base_libbpf\": %s",
                            statJson(sb), num(sb.median() == 0 ? Double.NaN : sj.median() / sb.median()), statJson(paired),
                            num(baseRatio)));
                }
                js.append("}");
            }
            js.append("\n  ],\n  \"runs\": [");
            String runMeta = metaValue(meta, "runmeta");
            if (runMeta != null && Files.isRegularFile(Path.of(runMeta))) {
                List<String> lines = Files.readAllLines(Path.of(runMeta)).stream().filter(s -> !s.isBlank()).toList();
                for (int i = 0; i < lines.size(); i++) {
                    js.append(i == 0 ? "\n    " : ",\n    ").append(lines.get(i));
                }
            }
            js.append("\n  ],\n  \"jit\": [");
            String jit = metaValue(meta, "jit");
            if (jit != null && Files.isRegularFile(Path.of(jit))) {
                List<String> lines = Files.readAllLines(Path.of(jit));
                for (int i = 0; i < lines.size(); i++) {
                    js.append(i == 0 ? "\n    " : ",\n    ").append(q(lines.get(i)));
                }
            }
            js.append("\n  ],\n  \"raw\": [");
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                js.append(i == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                        "    {\"run\": %d, \"side\": %s, \"scenario\": %s, \"variant\": %s, \"payload\": %d, \"record_bytes\": %d, "
                                + "\"flags\": %s, \"wait\": %s, \"records\": %d, \"ns\": %d, \"mrps\": %.3f, \"drops\": %d, \"wakeups\": %d, "
                                + "\"cycle_median_mrps\": %s}",
                        r.run(), q(r.side()), q(r.scenario()), q(r.variant()), r.payload(), r.recordBytes(), q(r.flags()),
                        q(r.waitMode()), r.records(), r.ns(), r.mrps(), r.drops(), r.wakeups(), num(r.cycleMedian())));
            }
            js.append("\n  ]\n}\n");
            Files.writeString(json, js);
            System.out.print(out);
        }

        /** The libbpf rows a jringbuf group is compared with (batch commit and busy poll have no libbpf twin). */
        private static List<Row> libbpfRows(Map<String, List<Row>> groups, Row r0) {
            List<Row> l = groups.get(r0.scenario() + "/" + r0.variant() + "/" + r0.payload() + "/libbpf");
            if (l == null && r0.variant().endsWith("-busy")) { // a C side run without its busy rows
                l = groups.get(r0.scenario() + "/" + r0.variant().replace("-busy", "") + "/" + r0.payload() + "/libbpf");
            }
            if (l == null) {
                l = groups.get(r0.scenario() + "/per-record/" + r0.payload() + "/libbpf");
            }
            return l;
        }

        /** new/base per run (rows of the same run number) of a figure, as a Stat; null if no pair has it. */
        private static Stat paired(List<Row> news, List<Row> bases, java.util.function.ToDoubleFunction<Row> figure) {
            Map<Integer, Double> base = new LinkedHashMap<>();
            for (Row r : bases) {
                base.put(r.run(), figure.applyAsDouble(r));
            }
            List<Double> ratios = new ArrayList<>();
            for (Row r : news) {
                Double b = base.get(r.run());
                double n = figure.applyAsDouble(r);
                if (b != null && b > 0 && n > 0) {
                    ratios.add(n / b);
                }
            }
            return ratios.isEmpty() ? null : Stat.of(ratios);
        }

        /** The runs' median cycle rates, or null where no row has one. */
        private static Stat cycles(List<Row> rows) {
            List<Double> v = rows.stream().map(Row::cycleMedian).filter(d -> !Double.isNaN(d)).toList();
            return v.isEmpty() ? null : Stat.of(v);
        }

        private static String metaValue(List<String> meta, String key) {
            for (String m : meta) {
                if (m.startsWith(key + "=")) {
                    return m.substring(key.length() + 1);
                }
            }
            return null;
        }

        private static String num(double v) {
            return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
        }

        private static String fmt(Stat s) {
            return String.format(Locale.ROOT, "%7.2f [%.2f-%.2f] n=%d", s.median(), s.min(), s.max(), s.n());
        }

        private static String statJson(Stat s) {
            if (s == null || s.n() == 0) {
                return "null";
            }
            return String.format(Locale.ROOT, "{\"median\": %.3f, \"min\": %.3f, \"max\": %.3f, \"runs\": %d}",
                    s.median(), s.min(), s.max(), s.n());
        }

        static String q(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", " ") + "\"";
        }
    }
}
