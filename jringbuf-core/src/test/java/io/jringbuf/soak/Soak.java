/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.soak;

import io.jringbuf.RingReader;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.JvmRing;
import io.jringbuf.RingBuffer;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.Asm;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.BpfProgram;
import io.jringbuf.bpf.Helper;
import io.jringbuf.bpf.ProgType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.jringbuf.bpf.Reg.*;

/**
 * The soak (not in CI): {@code Soak SECONDS [PRODUCERS]}.
 *
 * <p>Part 1, JVM ring file: several producer processes ({@link SoakProducer}) write into one
 * RINGBUF-format ring file while this process consumes; every 0.2–2 s one producer is killed with
 * SIGKILL and a new incarnation started. Every record is checked (pattern, per-incarnation order,
 * no duplicates); after each kill the incarnation's last delivered seq must be its reported
 * progress or one more (a record committed just before the progress store), so no committed record
 * is lost. Part 2, kernel ring: a BPF producer on test_run against a RingBuffer consumer, every
 * sequence number delivered or counted as a drop. Prints one summary line per part; exits 1 on any
 * violation.
 */
public final class Soak {
    private Soak() {
    }

    /** One producer incarnation's bookkeeping. */
    private static final class Incarnation {
        final int id;
        final int epoch;
        final Process process;
        final Path progress;
        long nextSeq;
        boolean killed;
        long progressAtKill = -2;

        Incarnation(int id, int epoch, Process process, Path progress) {
            this.id = id;
            this.epoch = epoch;
            this.process = process;
            this.progress = progress;
        }
    }

    private static final long KILL_MIN = Long.getLong("soak.killMinMs", 200) * 1_000_000L;
    private static final int KILL_SPREAD = (int) (Long.getLong("soak.killSpreadMs", 1800) * 1_000_000L);
    private static final List<String> violations = new ArrayList<>();

    private static void violation(String s) {
        if (violations.size() < 20) {
            violations.add(s);
        }
        System.err.println("VIOLATION: " + s);
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        int producers = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long jvmSeconds = Math.max(1, seconds * 2 / 3);
        jvmRingSoak(jvmSeconds, producers);
        kernelSoak(Math.max(1, seconds - jvmSeconds));
        if (!violations.isEmpty()) {
            System.err.println("soak FAILED: " + violations);
            System.exit(1);
        }
        System.out.println("soak passed");
    }

    private static Incarnation start(Path ring, Path dir, int id, int epoch) throws IOException {
        Path progress = dir.resolve("progress-" + id + "-" + epoch);
        // Written before the process starts: "nothing committed yet" (-1), so that a producer
        // killed before its first commit can never look like one that committed record 0.
        byte[] none = new byte[16];
        java.util.Arrays.fill(none, (byte) 0xFF);
        Files.write(progress, none);
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), SoakProducer.class.getName(),
                ring.toString(), progress.toString(), Integer.toString(id), Integer.toString(epoch));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Incarnation(id, epoch, p, progress);
    }

    /** The dead producer's last committed seq; -1 if it died before producing (file short or absent). */
    private static long readProgress(Path progress) throws IOException {
        if (!Files.exists(progress)) {
            return -1;
        }
        byte[] b = Files.readAllBytes(progress); // after its death: no concurrent writer
        if (b.length < 8) {
            return -1;
        }
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).getLong(0);
    }

    private static long readFirstOffset(Path progress) throws IOException {
        byte[] b = Files.exists(progress) ? Files.readAllBytes(progress) : new byte[0];
        return b.length < 16 ? -1 : java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).getLong(8);
    }

    // Diagnostics: the last HISTORY deliveries (data offset, incarnation key, seq).
    private static final int HISTORY = 1 << 21;
    private static final long[] histOff = new long[HISTORY];
    private static final long[] histKey = new long[HISTORY];
    private static final long[] histSeq = new long[HISTORY];
    private static long histN;

    private static void remember(long off, long key, long seq) {
        int i = (int) (histN++ & (HISTORY - 1));
        histOff[i] = off;
        histKey[i] = key;
        histSeq[i] = seq;
    }

    static void jvmRingSoak(long seconds, int producers) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "jringbuf-soak");
        Path ringPath = dir.resolve("ring");
        Map<Long, Incarnation> live = new HashMap<>();
        List<Incarnation> all = new ArrayList<>();
        Random random = new Random();
        long records = 0;
        long bytes = 0;
        long maxLatency = 0;
        int kills = 0;
        int[] epochs = new int[producers];
        try (JvmRing ring = JvmRing.create(ringPath, RingType.RINGBUF, 4 << 20)) {
            RingReader consumer = ring.reader();
            for (int id = 0; id < producers; id++) {
                Incarnation inc = start(ringPath, dir, id, 0);
                live.put(key(id, 0), inc);
                all.add(inc);
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long nextKill = System.nanoTime() + KILL_MIN + random.nextInt(KILL_SPREAD);
            long[] stats = new long[3]; // records, bytes, max latency
            while (System.nanoTime() < end) {
                consumer.poll((buf, off, len) -> {
                    int id = buf.get(ValueLayout.JAVA_INT, off);
                    int epoch = buf.get(ValueLayout.JAVA_INT, off + 4);
                    long seq = buf.get(ValueLayout.JAVA_LONG, off + 8);
                    long sent = buf.get(ValueLayout.JAVA_LONG, off + 16);
                    remember(off, key(id, epoch), seq);
                    Incarnation inc = live.get(key(id, epoch));
                    if (inc == null) {
                        violation("record from unknown incarnation " + id + "/" + epoch);
                        return true;
                    }
                    if (seq != inc.nextSeq) {
                        violation("incarnation " + id + "/" + epoch + ": seq " + seq + ", expected " + inc.nextSeq);
                    }
                    inc.nextSeq = seq + 1;
                    for (int i = 24; i < len; i++) {
                        if (buf.get(ValueLayout.JAVA_BYTE, off + i) != SoakProducer.pattern(id, epoch, seq, i)) {
                            violation("torn payload " + id + "/" + epoch + " seq " + seq + " byte " + i);
                            break;
                        }
                    }
                    stats[0]++;
                    stats[1] += len;
                    stats[2] = Math.max(stats[2], System.nanoTime() - sent);
                    return true;
                }, Duration.ofMillis(100));
                if (System.nanoTime() >= nextKill) {
                    int id = random.nextInt(producers);
                    Incarnation victim = live.get(key(id, epochs[id]));
                    victim.process.destroyForcibly();
                    if (!victim.process.waitFor(10, TimeUnit.SECONDS)) {
                        violation("producer " + id + " did not die");
                    }
                    victim.killed = true;
                    victim.progressAtKill = readProgress(victim.progress);
                    kills++;
                    epochs[id]++;
                    Incarnation next = start(ringPath, dir, id, epochs[id]);
                    live.put(key(id, epochs[id]), next);
                    all.add(next);
                    nextKill = System.nanoTime() + KILL_MIN + random.nextInt(KILL_SPREAD);
                }
            }
            for (Incarnation inc : live.values()) {
                if (!inc.killed) {
                    inc.process.destroyForcibly();
                    inc.process.waitFor(10, TimeUnit.SECONDS);
                    inc.killed = true;
                    inc.progressAtKill = readProgress(inc.progress);
                }
            }
            // Drain what is left: every committed record, abandoned BUSY records reclaimed.
            long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < quiet) {
                int n = consumer.poll((buf, off, len) -> {
                    Incarnation inc = live.get(key(buf.get(ValueLayout.JAVA_INT, off), buf.get(ValueLayout.JAVA_INT, off + 4)));
                    long seq = buf.get(ValueLayout.JAVA_LONG, off + 8);
                    if (inc != null) {
                        if (seq != inc.nextSeq) {
                            violation("final drain: seq " + seq + " expected " + inc.nextSeq);
                        }
                        inc.nextSeq = seq + 1;
                    }
                    stats[0]++;
                    stats[1] += len;
                    return true;
                }, Duration.ofMillis(200));
                if (n > 0) {
                    quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
            long lost = 0;
            for (Incarnation inc : all) {
                long last = inc.nextSeq - 1;
                if (last < inc.progressAtKill) {
                    lost += inc.progressAtKill - last;
                    violation("incarnation " + inc.id + "/" + inc.epoch + " lost committed records: last delivered "
                            + last + ", progress " + inc.progressAtKill + ", first record at data offset "
                            + readFirstOffset(inc.progress));
                    long first = readFirstOffset(inc.progress);
                    for (long h = Math.max(0, histN - HISTORY); h < histN; h++) {
                        int i = (int) (h & (HISTORY - 1));
                        if (histOff[i] == first) {
                            System.err.printf("   delivery #%d at offset %d: incarnation %d/%d seq %d%n", h, first,
                                    histKey[i] >>> 32, histKey[i] & 0xffffffffL, histSeq[i]);
                        }
                    }
                } else if (last > inc.progressAtKill + 1) {
                    violation("incarnation " + inc.id + "/" + inc.epoch + " delivered past its progress + 1: " + last
                            + " vs " + inc.progressAtKill);
                }
            }
            records = stats[0];
            bytes = stats[1];
            maxLatency = stats[2];
            System.out.printf("jvm-ring soak: %d s, %d producers, %,d records, %,d bytes, %d kills survived, "
                            + "%d committed records lost, %d recoveries, max commit-to-delivery %.1f ms, drops %d%n",
                    seconds, producers, records, bytes, kills, lost, ring.recoveries(), maxLatency / 1e6, ring.drops());
        } finally {
            for (Incarnation inc : all) {
                inc.process.destroyForcibly();
            }
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long key(int id, int epoch) {
        return ((long) id << 32) | epoch;
    }

    static void kernelSoak(long seconds) throws Exception {
        try (BpfMap ring = BpfMap.createRingbuf("soak", 1 << 20);
             BpfMap state = BpfMap.createArray("soak_st", 16, 1)) {
            // state[0] = next seq, state[1] = drops
            Asm a = new Asm("soak");
            a.storeImm(Asm.Size.W, R10, -4, 0).ldMap(R1, state).mov(R2, R10).add(R2, -4)
                    .call(Helper.MAP_LOOKUP_ELEM).jeq(R0, 0, "out").mov(R9, R0)
                    .ldMap(R1, ring).mov(R2, 16).mov(R3, 0).call(Helper.RINGBUF_RESERVE)
                    .jeq(R0, 0, "drop").mov(R6, R0)
                    .mov(R7, 1).atomicFetchAdd(Asm.Size.DW, R9, 0, R7)
                    .store(Asm.Size.DW, R6, 0, R7)
                    .call(Helper.KTIME_GET_NS).store(Asm.Size.DW, R6, 8, R0)
                    .mov(R1, R6).mov(R2, 0).call(Helper.RINGBUF_SUBMIT).ja("out")
                    .label("drop").mov(R1, 1).atomicAdd(Asm.Size.DW, R9, 8, R1)
                    .label("out").mov(R0, 0).exit();
            try (BpfProgram p = BpfProgram.load(ProgType.SOCKET_FILTER, "soak", a.build())) {
                AtomicBoolean stop = new AtomicBoolean();
                Thread producer = new Thread(() -> {
                    while (!stop.get()) {
                        p.testRun(64);
                    }
                });
                long[] next = {0};
                long[] delivered = {0};
                try (RingBuffer rb = RingBuffer.create(ring.fd(), (b, o, l) -> {
                    long seq = b.get(ValueLayout.JAVA_LONG, o);
                    if (seq != next[0]) {
                        violation("kernel soak: seq " + seq + " expected " + next[0]);
                    }
                    next[0] = seq + 1;
                    delivered[0]++;
                    return true;
                })) {
                    producer.start();
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                    long maxGap = 0;
                    long last = System.nanoTime();
                    while (System.nanoTime() < end) {
                        if (rb.poll(Duration.ofMillis(100)) > 0) {
                            long now = System.nanoTime();
                            maxGap = Math.max(maxGap, now - last);
                            last = now;
                        }
                    }
                    stop.set(true);
                    producer.join(10_000);
                    while (rb.consume() > 0) {
                        // drain the rest
                    }
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment key = arena.allocate(4);
                        MemorySegment value = arena.allocate(16);
                        state.lookup(key, value);
                        long produced = value.get(ValueLayout.JAVA_LONG, 0);
                        long drops = value.get(ValueLayout.JAVA_LONG, 8);
                        if (produced != delivered[0]) {
                            violation("kernel soak: committed " + produced + ", delivered " + delivered[0]);
                        }
                        System.out.printf("kernel soak: %d s, %,d records committed, %,d delivered, %,d drops "
                                + "(ring full, counted by the program), 0 lost = %b, max gap between deliveries %.1f ms%n",
                                seconds, produced, delivered[0], drops, produced == delivered[0], maxGap / 1e6);
                    }
                }
            }
        }
    }
}
