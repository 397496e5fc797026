/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import io.jringbuf.base.RecordHandler;

import java.lang.foreign.MemorySegment;

/**
 * A record handler for one actor: counts deliveries per payload tag, and torn payloads. One per
 * actor, so that no two threads write the same counters; the arbiter adds them up.
 */
final class DrainTally implements RecordHandler {
    private final int[] lengthOfTag;
    final int[] perTag;
    int torn;

    DrainTally(int[] lengthOfTag) {
        this.lengthOfTag = lengthOfTag;
        this.perTag = new int[lengthOfTag.length];
    }

    @Override
    public boolean onRecord(MemorySegment buffer, long offset, int length) {
        int tag = Payloads.check(buffer, offset, length, lengthOfTag);
        if (tag < 0) {
            torn++;
        } else {
            perTag[tag]++;
        }
        return true;
    }

    /**
     * @return defect bits over all tallies for tags {@code 1 .. expected.length - 1}: 1 a sample
     *         delivered more than once, 2 a committed sample (expected[tag]) never delivered or an
     *         unexpected one delivered, 4 a torn sample
     */
    static int defects(boolean[] expected, DrainTally... tallies) {
        int defects = 0;
        for (int tag = 1; tag < expected.length; tag++) {
            int total = 0;
            for (DrainTally t : tallies) {
                total += t.perTag[tag];
            }
            if (total > 1) {
                defects |= 1;
            } else if ((total == 1) != expected[tag]) {
                defects |= 2;
            }
        }
        for (DrainTally t : tallies) {
            if (t.torn != 0) {
                defects |= 4;
            }
        }
        return defects;
    }
}
