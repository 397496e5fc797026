/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads records from lines of hex (either case; spaces and tabs around the digits and a trailing
 * CR are ignored; blank lines are skipped), decoding straight into one reused array.
 */
final class HexLineReader {
    /** A line that is not a record. */
    static final class BadLine extends Exception {
        private static final long serialVersionUID = 1L;
        final long line;
        final boolean tooBig;

        BadLine(long line, String reason, boolean tooBig) {
            super(reason, null, false, false);
            this.line = line;
            this.tooBig = tooBig;
        }
    }

    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private final long maxLength;
    private int pos;
    private int limit;
    private boolean eof;
    private byte[] payload = new byte[256];
    private int length;
    private long line;

    /**
     * @param in the input
     * @param maxLength a record longer than this is refused as soon as it is seen
     */
    HexLineReader(InputStream in, long maxLength) {
        this.in = in;
        this.maxLength = maxLength;
    }

    /** @return the last record's bytes, valid until the next {@link #next} */
    byte[] payload() {
        return payload;
    }

    /** @return the last record's length */
    int length() {
        return length;
    }

    /** @return the last line read, 1-based */
    long lineNumber() {
        return line;
    }

    /**
     * Reads up to the next non-blank line and decodes it.
     *
     * @return true if a record was read, false at end of input
     * @throws BadLine if the line is not an even number of hex digits, or too long
     */
    boolean next() throws BadLine {
        for (;;) {
            if (!fill()) {
                return false;
            }
            line++;
            length = 0;
            int digits = 0;
            int high = 0;
            boolean trailing = false;
            for (;;) {
                if (pos == limit && !fill()) {
                    break;
                }
                int c = chunk[pos++];
                if (c == '\n') {
                    break;
                }
                int d = Hex.digit(c);
                if (d >= 0 && !trailing) {
                    if ((digits & 1) == 0) {
                        high = d;
                    } else {
                        if (length == payload.length) {
                            if (length >= maxLength) {
                                skipLine();
                                throw new BadLine(line, "record of more than " + maxLength
                                        + " bytes can never fit in this ring (E2BIG)", true);
                            }
                            payload = java.util.Arrays.copyOf(payload, (int) Math.min(maxLength, 2L * length));
                        }
                        payload[length++] = (byte) (high << 4 | d);
                    }
                    digits++;
                } else if (c == ' ' || c == '\t' || c == '\r') {
                    trailing = digits > 0;
                } else {
                    throw new BadLine(line, d >= 0 ? "hex digits separated by blanks"
                            : "invalid hex character " + describe(c), false);
                }
            }
            if ((digits & 1) != 0) {
                throw new BadLine(line, "odd number of hex digits (" + digits + ")", false);
            }
            if (digits > 0) {
                return true;
            }
        }
    }

    private void skipLine() {
        while (pos < limit || fill()) {
            if (chunk[pos++] == '\n') {
                return;
            }
        }
    }

    /** @return whether a byte is available at {@code pos} */
    private boolean fill() {
        if (pos < limit) {
            return true;
        }
        if (eof) {
            return false;
        }
        try {
            int n = in.read(chunk);
            if (n <= 0) {
                eof = true;
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("read stdin", e);
        }
    }

    private static String describe(int c) {
        int b = c & 0xFF;
        return b >= 0x21 && b < 0x7F ? "'" + (char) b + "'" : String.format("0x%02x", b);
    }
}
