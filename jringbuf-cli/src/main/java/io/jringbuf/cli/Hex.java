/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

/** Lowercase hex encoding into caller-owned arrays (no allocation per record). */
final class Hex {
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Hex() {
    }

    /** Writes {@code 2 * length} hex digits of {@code src[0..length)} to {@code dst[0..)}. */
    static void encode(byte[] src, int length, byte[] dst) {
        for (int i = 0, j = 0; i < length; i++, j += 2) {
            int b = src[i];
            dst[j] = DIGITS[(b >>> 4) & 0xF];
            dst[j + 1] = DIGITS[b & 0xF];
        }
    }

    /** @return the value of a hex digit (either case), or -1 */
    static int digit(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
