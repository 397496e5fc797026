/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

/**
 * A byte range of each record used as the Kafka record key ({@code --key-bytes OFF:LEN}): records
 * with equal key bytes go to the same partition, in ring order.
 *
 * @param offset the first key byte, from the start of the record's payload
 * @param length key bytes (at least 1)
 */
public record KeyRange(int offset, int length) {

    /**
     * Checks the range.
     *
     * @throws IllegalArgumentException for a negative offset or a length below 1
     */
    public KeyRange {
        if (offset < 0) {
            throw new IllegalArgumentException("key bytes: offset " + offset + " is negative");
        }
        if (length < 1) {
            throw new IllegalArgumentException("key bytes: length " + length + " must be at least 1");
        }
        if ((long) offset + length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("key bytes: " + offset + ":" + length + " ends past 2 GiB");
        }
    }

    /**
     * Parses {@code OFF:LEN}, both decimal.
     *
     * @param text for example {@code 0:8}
     * @return the range
     * @throws IllegalArgumentException naming the text if it is not {@code OFF:LEN} with
     *                                  {@code OFF >= 0} and {@code LEN >= 1}
     */
    public static KeyRange parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon < 0 || text.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException("key bytes '" + text + "': expected OFF:LEN, for example 0:8");
        }
        try {
            return new KeyRange(Integer.parseInt(text.substring(0, colon)), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key bytes '" + text + "': OFF and LEN must be decimal integers", e);
        }
    }

    /** {@return the end of the range: {@code offset + length}} */
    public int end() {
        return offset + length;
    }

    @Override
    public String toString() {
        return offset + ":" + length;
    }
}
