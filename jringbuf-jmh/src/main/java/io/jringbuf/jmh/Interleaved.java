/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.annotations.Mode;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The two-thread comparisons run as interleaved pairs: jringbuf and Agrona for one configuration
 * back to back (alternating which goes first), every configuration once per round, several
 * rounds; the figure quoted is the median over the rounds of each round's ratio, with its range.
 * {@code bench/jmh.sh quick} runs every jringbuf configuration and then every Agrona one, minutes
 * apart, and the two-vCPU VM of BENCHMARKS.md changes state (a cache line's round trip between
 * its cores about 85-140 or about 500 ns) on that time scale: its ratios can compare two machine states rather
 * than two rings. Here the two sides of a ratio run seconds apart, and each round records the
 * round trip before and after it.
 *
 * <pre>
 *   java -cp jringbuf-jmh/target/benchmarks.jar io.jringbuf.jmh.Interleaved [rounds] [csv]
 * </pre>
 * Each run: one fork, 2 x 1 s warm-up, 3 x 1 s measurement, throughput of the produce methods
 * (records/us through the ring). {@code bench/jmh.sh ab} calls this.
 */
public final class Interleaved {
    /** One comparison: jringbuf's benchmark group against the reference's, with the score's name. */
    record Pair(String label, String ours, String theirs, String score) {
    }

    static final List<Pair> PAIRS = List.of(
            new Pair("RINGBUF/ManyToOne p1", "JvmRingbufBench.p1", "AgronaManyToOneBench.p1", "produce1"),
            new Pair("RINGBUF/ManyToOne p2", "JvmRingbufBench.p2", "AgronaManyToOneBench.p2", "produce2"),
            new Pair("USER_RINGBUF/OneToOne p1", "JvmUserRingbufBench.p1", "AgronaOneToOneBench.p1", "produce1"));

    static final int[] PAYLOADS = {8, 64, 256};

    private Interleaved() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1: " + rounds);
        }
        Path csv = Path.of(args.length > 1 ? args[1] : "jmh-ab.csv");
        int configs = PAIRS.size() * PAYLOADS.length;
        double[][][] scores = new double[configs][rounds][2];
        double[][] roundTrip = new double[rounds][2]; // before and after each round
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
            out.println("round,pair,payload,side,value,unit");
            for (int round = 0; round < rounds; round++) {
                roundTrip[round][0] = roundTripNanos();
                System.out.printf(Locale.ROOT, "round %d/%d: cache-line round trip %.0f ns%n",
                        round + 1, rounds, roundTrip[round][0]);
                out.printf(Locale.ROOT, "%d,round-trip-before,0,-,%.1f,ns%n", round + 1, roundTrip[round][0]);
                int c = 0;
                for (Pair pair : PAIRS) {
                    for (int payload : PAYLOADS) {
                        // Alternate which side goes first, so that a drift in the machine's state
                        // within a pair favours neither.
                        boolean oursFirst = ((round + c) & 1) == 0;
                        for (int k = 0; k < 2; k++) {
                            boolean ours = (k == 0) == oursFirst;
                            double s = run(ours ? pair.ours() : pair.theirs(), pair.score(), payload);
                            scores[c][round][ours ? 0 : 1] = s;
                            out.printf(Locale.ROOT, "%d,%s,%d,%s,%.3f,records/us%n", round + 1, pair.label(), payload,
                                    ours ? "jringbuf" : "agrona", s);
                        }
                        out.flush();
                        System.out.printf(Locale.ROOT, "  %-26s %3d B: jringbuf %6.2f  Agrona %6.2f  ratio %.2f%n",
                                pair.label(), payload, scores[c][round][0], scores[c][round][1],
                                scores[c][round][0] / scores[c][round][1]);
                        c++;
                    }
                }
                roundTrip[round][1] = roundTripNanos();
                System.out.printf(Locale.ROOT, "  round trip after the round: %.0f ns%n", roundTrip[round][1]);
                out.printf(Locale.ROOT, "%d,round-trip-after,0,-,%.1f,ns%n", round + 1, roundTrip[round][1]);
                out.flush();
            }
        }
        System.out.printf(Locale.ROOT, "%n== interleaved pairs, %d rounds: records/us (median, min-max); ratio = jringbuf / Agrona"
                + " within each round, median (min-max) ==%n", rounds);
        StringBuilder trips = new StringBuilder();
        for (double[] t : roundTrip) {
            trips.append(String.format(Locale.ROOT, " %.0f/%.0f", t[0], t[1]));
        }
        System.out.println("cache-line round trip before/after each round (ns):" + trips);
        System.out.printf(Locale.ROOT, "%-26s %7s %22s %22s %20s %6s%n",
                "pair", "payload", "jringbuf", "Agrona", "ratio", "ahead");
        int c = 0;
        for (Pair pair : PAIRS) {
            for (int payload : PAYLOADS) {
                double[] ours = new double[rounds];
                double[] theirs = new double[rounds];
                double[] ratio = new double[rounds];
                int ahead = 0;
                for (int r = 0; r < rounds; r++) {
                    ours[r] = scores[c][r][0];
                    theirs[r] = scores[c][r][1];
                    ratio[r] = ours[r] / theirs[r];
                    ahead += ratio[r] > 1 ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "%-26s %7d %22s %22s %20s %3d/%d%n", pair.label(), payload,
                        summary(ours, "%.1f"), summary(theirs, "%.1f"), summary(ratio, "%.2f"), ahead, rounds);
                c++;
            }
        }
        System.out.println("raw: " + csv);
    }

    /** "median (min-max)". */
    static String summary(double[] values, String format) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double median = (n & 1) == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median, v[0], v[n - 1]);
    }

    /** One JMH run of one benchmark group at one payload; returns the named secondary score. */
    static double run(String group, String score, int payload) throws RunnerException {
        Options options = base()
                .include("^" + Pattern.quote("io.jringbuf.jmh." + group) + "$")
                .param("payload", Integer.toString(payload))
                .param("batchCommit", "false")
                .build();
        Result<?> result = only(new Runner(options).run()).getSecondaryResults().get(score);
        if (result == null) {
            throw new IllegalStateException(group + ": no " + score + " score");
        }
        return result.getScore();
    }

    /** The machine's state: a cache line's round trip between the two threads (CoreToCoreBench). */
    static double roundTripNanos() throws RunnerException {
        Options options = base().include("^" + Pattern.quote("io.jringbuf.jmh.CoreToCoreBench.pingpong") + "$").build();
        Result<?> ping = only(new Runner(options).run()).getSecondaryResults().get("ping");
        return 1000.0 / ping.getScore();
    }

    private static OptionsBuilder base() {
        OptionsBuilder b = new OptionsBuilder();
        b.forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .mode(Mode.Throughput).timeUnit(TimeUnit.MICROSECONDS)
                .verbosity(VerboseMode.SILENT);
        return b;
    }

    private static RunResult only(Collection<RunResult> results) {
        List<RunResult> list = new ArrayList<>(results);
        if (list.size() != 1) {
            throw new IllegalStateException("expected one benchmark run, got " + list.size());
        }
        return list.get(0);
    }
}
