/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The in-flight window against a plain model, over random operation sequences: sends (with
 * random record sizes), acknowledgements of random records in flight, and advances. The window
 * must pass exactly the longest acknowledged run from the oldest record, report the end position
 * of the last record passed, and refuse a send when full.
 */
class InFlightWindowModelTest {

    @Property(tries = 300)
    void matchesTheModel(@ForAll("capacities") int capacity, @ForAll @IntRange(min = 1, max = 2_000) int operations,
                         @ForAll long seed) {
        Random random = new Random(seed);
        InFlightWindow window = new InFlightWindow(capacity);
        // The model: the end positions of the records in flight, in order, and which are acknowledged.
        List<Long> ends = new ArrayList<>();
        TreeSet<Long> acknowledged = new TreeSet<>();
        long lowest = 0;
        long position = 0;
        for (int op = 0; op < operations; op++) {
            int kind = random.nextInt(3);
            if (kind == 0) {
                if (ends.size() == capacity) {
                    assertThrows(IllegalStateException.class, () -> window.add(1));
                    continue;
                }
                position += 8 * (1 + random.nextInt(64));
                long seq = window.add(position);
                assertEquals(lowest + ends.size(), seq, "sequence numbers follow send order");
                ends.add(position);
            } else if (kind == 1 && !ends.isEmpty()) {
                long seq = lowest + random.nextInt(ends.size());
                if (acknowledged.add(seq)) {
                    window.acknowledge(seq);
                }
            } else {
                long expectedEnd = -1;
                while (!ends.isEmpty() && acknowledged.remove(lowest)) {
                    expectedEnd = ends.remove(0);
                    lowest++;
                }
                assertEquals(expectedEnd, window.advance(), "end of the acknowledged run");
                assertEquals(lowest, window.lowest());
            }
            assertEquals(ends.size(), window.size());
            assertEquals(capacity - ends.size(), window.remaining());
        }
    }

    @Provide
    Arbitrary<Integer> capacities() {
        return Arbitraries.of(1, 2, 4, 8, 64);
    }
}
