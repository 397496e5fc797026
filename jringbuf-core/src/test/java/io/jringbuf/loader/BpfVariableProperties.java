/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.loader;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.bpf.BpfVariable;
import io.jringbuf.kernel.ClangFixtures;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The variables API checks values against the BTF type before load: an integer set succeeds
 * exactly when it fits the variable's width and signedness (ERANGE otherwise, the old value kept),
 * and reads back unchanged; integer arrays likewise per element. Needs no root.
 */
class BpfVariableProperties {
    /** name → {bits, signed (1) or not (0)} of the globals fixture's integer knobs. */
    private static final Map<String, int[]> KNOBS = Map.of(
            "knob_u8", new int[] {8, 0}, "knob_s16", new int[] {16, 1}, "knob_u32", new int[] {32, 0},
            "knob_s64", new int[] {64, 1}, "bss_name_len", new int[] {32, 0}, "data_value", new int[] {64, 0});

    @BeforeProperty
    void tools() {
        ClangFixtures.requireTools();
    }

    @Provide
    Arbitrary<Long> values() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-70_000, 70_000),
                Arbitraries.of(0L, -1L, 255L, 256L, -128L, -129L, 32767L, 32768L, -32768L, -32769L, 4294967295L,
                        4294967296L, Long.MAX_VALUE, Long.MIN_VALUE));
    }

    private static boolean fits(long v, int bits, boolean signed) {
        if (bits == 64) {
            return true;
        }
        return signed ? v >= -(1L << (bits - 1)) && v < (1L << (bits - 1)) : v >= 0 && v < (1L << bits);
    }

    @Property(tries = 300)
    void integersFitOrAreRefusedWithErange(@ForAll("values") long value, @ForAll("knobs") String knob) {
        int[] shape = KNOBS.get(knob);
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("globals"))) {
            BpfVariable v = obj.variable(knob);
            long before = v.getLong();
            if (fits(value, shape[0], shape[1] == 1)) {
                v.set(value);
                assertEquals(value, v.getLong());
            } else {
                ErrnoException e = assertThrows(ErrnoException.class, () -> v.set(value));
                assertEquals(Errno.ERANGE, e.errno());
                assertEquals(before, v.getLong(), "a refused value changes nothing");
            }
        }
    }

    @Provide
    Arbitrary<String> knobs() {
        return Arbitraries.of(KNOBS.keySet());
    }

    @Property(tries = 100)
    void integerArraysRoundTrip(@ForAll("values") long a, @ForAll("values") long b, @ForAll("values") long c,
                                @ForAll("values") long d) {
        long[] values = {a, b, c, d};
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("globals"))) {
            BpfVariable v = obj.variable("knob_array"); // const volatile __u32[4]
            boolean allFit = true;
            for (long x : values) {
                allFit &= fits(x, 32, false);
            }
            if (allFit) {
                v.set(values);
                assertArrayEquals(values, v.getLongs());
            } else {
                assertThrows(ErrnoException.class, () -> v.set(values));
                assertArrayEquals(new long[] {1, 2, 3, 4}, v.getLongs(), "nothing written");
            }
        }
    }
}
