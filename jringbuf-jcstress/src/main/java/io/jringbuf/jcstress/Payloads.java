/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jcstress;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Self-describing payloads for the litmus tests: byte 0 is the writer's tag, every later byte
 * {@code i} is {@code tag * 31 + i}. A reader can tell whose record it has and whether any byte
 * of it is missing or belongs to another write (torn).
 */
final class Payloads {
    private Payloads() {
    }

    /** Writes a tagged payload of {@code length} bytes (at least 1) at {@code offset}. */
    static void fill(MemorySegment data, long offset, int length, int tag) {
        data.set(ValueLayout.JAVA_BYTE, offset, (byte) tag);
        for (int i = 1; i < length; i++) {
            data.set(ValueLayout.JAVA_BYTE, offset + i, (byte) (tag * 31 + i));
        }
    }

    /**
     * @return the tag of an intact payload whose length is the one its tag was written with
     *         ({@code expectedLength(tag)}), or -1 if it is torn or has the wrong length
     */
    static int check(MemorySegment data, long offset, int length, int[] lengthOfTag) {
        if (length < 1) {
            return -1;
        }
        int tag = data.get(ValueLayout.JAVA_BYTE, offset);
        if (tag < 0 || tag >= lengthOfTag.length || lengthOfTag[tag] != length) {
            return -1;
        }
        for (int i = 1; i < length; i++) {
            if (data.get(ValueLayout.JAVA_BYTE, offset + i) != (byte) (tag * 31 + i)) {
                return -1;
            }
        }
        return tag;
    }
}
