/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import io.jringbuf.bpf.Btf;
import io.jringbuf.bpf.BtfLayout;
import io.jringbuf.bpf.BtfType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Reading a 64-byte record's fields through the {@link BtfLayout} built from BTF (VarHandles in
 * static final fields, as a handler keeps them) against hand-written offsets with the same value
 * layouts: the typed view must cost nothing (target: at least 0.95x, 0 B/op). Each invocation
 * reads the eight numeric fields of {@link #RECORDS} records laid out as in a ring (8-byte
 * aligned, 8-byte headers between them) and sums them.
 *
 * <pre>{@code
 * struct event {            // 64 bytes
 *     __u32 pid;  __u32 ppid;  __u64 ts;  __u64 cgroup;  __s32 ret;  __u32 flags;
 *     char comm[16];  __u64 bytes;  __u64 latency;
 * };
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = Shared.NATIVE_ACCESS)
public class BtfLayoutBench {
    static final int RECORDS = 256;
    static final int STRIDE = 64 + 8;

    static final BtfLayout EVENT = BtfLayout.of(eventBtf(), "event");
    static final VarHandle PID = EVENT.varHandle("pid");
    static final VarHandle PPID = EVENT.varHandle("ppid");
    static final VarHandle TS = EVENT.varHandle("ts");
    static final VarHandle CGROUP = EVENT.varHandle("cgroup");
    static final VarHandle RET = EVENT.varHandle("ret");
    static final VarHandle FLAGS = EVENT.varHandle("flags");
    static final VarHandle BYTES = EVENT.varHandle("bytes");
    static final VarHandle LATENCY = EVENT.varHandle("latency");

    /** The BTF clang would write for {@code struct event} (built here: no clang needed to run this). */
    static Btf eventBtf() {
        Btf.Builder b = new Btf.Builder();
        int u32 = b.addInt("unsigned int", 4, false);
        int s32 = b.addInt("int", 4, true);
        int u64 = b.addInt("unsigned long long", 8, false);
        int ch = b.add(new BtfType.Int("char", 1, true, true, false, 0, 8));
        int comm = b.add(new BtfType.Array(ch, s32, 16));
        b.add(new BtfType.Struct("event", 64, List.of(
                new BtfType.Member("pid", u32, 0, 0), new BtfType.Member("ppid", u32, 32, 0),
                new BtfType.Member("ts", u64, 64, 0), new BtfType.Member("cgroup", u64, 128, 0),
                new BtfType.Member("ret", s32, 192, 0), new BtfType.Member("flags", u32, 224, 0),
                new BtfType.Member("comm", comm, 256, 0), new BtfType.Member("bytes", u64, 384, 0),
                new BtfType.Member("latency", u64, 448, 0))));
        return b.toBtf();
    }

    Arena arena;
    MemorySegment ring;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        ring = arena.allocate((long) RECORDS * STRIDE, 4096);
        SplittableRandom r = new SplittableRandom(42);
        for (long i = 0; i < ring.byteSize(); i += 8) {
            ring.set(ValueLayout.JAVA_LONG, i, r.nextLong());
        }
        if (EVENT.offsetOf("latency") != 56 || EVENT.size() != 64) {
            throw new IllegalStateException("the BTF layout is not the hand-written one: " + EVENT);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long btfLayout() {
        MemorySegment s = ring;
        long sum = 0;
        for (long at = 8; at < (long) RECORDS * STRIDE; at += STRIDE) {
            sum += (int) PID.get(s, at) + (int) PPID.get(s, at) + (long) TS.get(s, at) + (long) CGROUP.get(s, at)
                    + (int) RET.get(s, at) + (int) FLAGS.get(s, at) + (long) BYTES.get(s, at) + (long) LATENCY.get(s, at);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long handWritten() {
        MemorySegment s = ring;
        long sum = 0;
        for (long at = 8; at < (long) RECORDS * STRIDE; at += STRIDE) {
            sum += s.get(ValueLayout.JAVA_INT, at) + s.get(ValueLayout.JAVA_INT, at + 4)
                    + s.get(ValueLayout.JAVA_LONG, at + 8) + s.get(ValueLayout.JAVA_LONG, at + 16)
                    + s.get(ValueLayout.JAVA_INT, at + 24) + s.get(ValueLayout.JAVA_INT, at + 28)
                    + s.get(ValueLayout.JAVA_LONG, at + 48) + s.get(ValueLayout.JAVA_LONG, at + 56);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int json(JsonState st) {
        MemorySegment s = ring;
        int chars = 0;
        for (long at = 8; at < (long) RECORDS * STRIDE; at += STRIDE) {
            st.sb.setLength(0);
            chars += EVENT.appendJson(s, at, 64, st.sb).length();
        }
        return chars;
    }

    /** The reused builder of the JSON benchmark. */
    @State(Scope.Thread)
    public static class JsonState {
        final StringBuilder sb = new StringBuilder(512);
    }
}
