/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bench;

import io.jringbuf.bpf.BpfObject;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * jringbuf's side of the load-time benchmark (bench/loader.sh): open + load + attach of one
 * object with {@link BpfObject}, WARMUP untimed rounds (the JVM warms up) then ITERATIONS timed
 * ones, each closed before the next, printed as libbpf's side prints them:
 * {@code jringbuf OBJECT n=N median_us=M p10_us=A p90_us=B min_us=C programs=P}.
 */
public final class LoadBench {
    private LoadBench() {
    }

    /**
     * @param args OBJECT ITERATIONS WARMUP
     */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: LoadBench OBJECT ITERATIONS WARMUP");
            System.exit(2);
        }
        Path path = Path.of(args[0]);
        int iterations = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        long[] times = new long[iterations];
        int programs = 0;
        for (int i = 0; i < warmup + iterations; i++) {
            long start = System.nanoTime();
            long end;
            try (BpfObject obj = BpfObject.open(path)) {
                obj.load();
                programs = obj.attachAll().size();
                end = System.nanoTime();
            }
            if (i >= warmup) {
                times[i - warmup] = end - start;
            }
        }
        Arrays.sort(times);
        System.out.printf("jringbuf %s n=%d median_us=%.0f p10_us=%.0f p90_us=%.0f min_us=%.0f programs=%d%n", path,
                iterations, times[iterations / 2] / 1e3, times[iterations / 10] / 1e3, times[iterations * 9 / 10] / 1e3,
                times[0] / 1e3, programs);
    }
}
