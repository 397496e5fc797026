/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Control;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A control for the two-thread benchmarks, not a ring: how long one cache line takes to go from
 * one thread's core to the other's and back. Two threads pass a counter through two words on
 * separate cache lines; the {@code ping} score is round trips per time (JMH's own per-call work
 * included). On a VM this moves with where the host places the two vCPUs: on the 2-vCPU machine
 * of BENCHMARKS.md about 140 ns in one minute and 500 ns in another (a bare spinning loop: 50 and
 * 400 ns), and every two-thread ring benchmark moves with it, so a run that reports it says which
 * state its ratios come from.
 */
@State(Scope.Group)
@Fork(jvmArgsAppend = {Shared.NATIVE_ACCESS, Shared.ADD_EXPORTS, Shared.AGRONA_UNSAFE})
public class CoreToCoreBench {
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    /** The ping word at 8 and the pong word at 24: two cache lines apart, off the array header. */
    private static final int PING = 8;
    private static final int PONG = 24;

    private final long[] words = new long[32];

    /** The ping thread's counter, in its own object (a field here would share a line with {@code words}). */
    @State(Scope.Thread)
    public static class Sent {
        long value;
    }

    /** The last value the pong thread saw, in its own object. */
    @State(Scope.Thread)
    public static class Seen {
        long value;
    }

    /** Sends the next value and waits for it to come back (release store, acquire loads). */
    @Benchmark
    @Group("pingpong")
    @GroupThreads(1)
    public void ping(Control control, Sent sent) {
        long v = ++sent.value;
        WORDS.setRelease(words, PING, v);
        while ((long) WORDS.getAcquire(words, PONG) != v) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** Waits for a new value and sends it back. */
    @Benchmark
    @Group("pingpong")
    @GroupThreads(1)
    public void pong(Control control, Seen seen) {
        long v;
        while ((v = (long) WORDS.getAcquire(words, PING)) == seen.value) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
        seen.value = v;
        WORDS.setRelease(words, PONG, v);
    }
}
