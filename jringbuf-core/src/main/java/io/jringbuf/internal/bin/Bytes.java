/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.bin;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;

import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little-endian reads from a byte array, for parsers of untrusted files: every
 * read past the end is an {@link ErrnoException} with {@link Errno#ENOEXEC} naming the file and
 * what was being read, never an {@code IndexOutOfBoundsException}.
 */
public final class Bytes {
    private final byte[] data;
    private final String file;

    /**
     * @param data the file's bytes (not copied)
     * @param file the file's name, for messages
     */
    public Bytes(byte[] data, String file) {
        this.data = data;
        this.file = file;
    }

    /** @return the underlying array (not a copy) */
    public byte[] array() {
        return data;
    }

    /** @return the length in bytes */
    public int length() {
        return data.length;
    }

    /** @return the file name given at construction */
    public String file() {
        return file;
    }

    /**
     * Checks that {@code [offset, offset + length)} lies inside the data.
     *
     * @param what what the range holds, for the message
     * @throws ErrnoException ENOEXEC if it does not
     */
    public void check(long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset + length > data.length || offset + length < 0) {
            throw malformed(what + " at offset " + offset + " (" + length + " bytes) lies outside the "
                    + data.length + " bytes of the file");
        }
    }

    /** @return an ENOEXEC exception naming the file */
    public ErrnoException malformed(String why) {
        return new ErrnoException(Errno.ENOEXEC, file + ": " + why);
    }

    public int u8(long off, String what) {
        check(off, 1, what);
        return data[(int) off] & 0xff;
    }

    public int u16(long off, String what) {
        check(off, 2, what);
        int i = (int) off;
        return (data[i] & 0xff) | (data[i + 1] & 0xff) << 8;
    }

    /** @return the 32-bit word (as a Java int: callers widen with {@link Integer#toUnsignedLong}) */
    public int s32(long off, String what) {
        check(off, 4, what);
        return le32(data, (int) off);
    }

    /** @return the unsigned 32-bit word */
    public long u32(long off, String what) {
        return Integer.toUnsignedLong(s32(off, what));
    }

    public long u64(long off, String what) {
        check(off, 8, what);
        int i = (int) off;
        return (le32(data, i) & 0xFFFF_FFFFL) | ((long) le32(data, i + 4) << 32);
    }

    /**
     * Reads a NUL-terminated string that must end before {@code limit}.
     *
     * @param off where it starts
     * @param limit the end of the table it lives in (exclusive)
     * @param what what it names, for the message
     */
    public String cstring(long off, long limit, String what) {
        check(off, 0, what);
        long end = Math.min(limit, data.length);
        for (long i = off; i < end; i++) {
            if (data[(int) i] == 0) {
                return new String(data, (int) off, (int) (i - off), StandardCharsets.UTF_8);
            }
        }
        throw malformed(what + " at offset " + off + " is not NUL-terminated before offset " + end);
    }

    /** @return a copy of {@code [off, off + len)} */
    public byte[] slice(long off, long len, String what) {
        check(off, len, what);
        byte[] out = new byte[(int) len];
        System.arraycopy(data, (int) off, out, 0, (int) len);
        return out;
    }

    /** Reads a little-endian 32-bit word from any array. */
    public static int le32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    /** Writes a little-endian 32-bit word into any array. */
    public static void putLe32(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) (v >>> 16);
        b[i + 3] = (byte) (v >>> 24);
    }

    /** Reads a little-endian 16-bit word (signed) from any array. */
    public static short le16(byte[] b, int i) {
        return (short) ((b[i] & 0xff) | (b[i + 1] & 0xff) << 8);
    }

    /** Reads a little-endian 64-bit word from any array. */
    public static long le64(byte[] b, int i) {
        return (le32(b, i) & 0xFFFF_FFFFL) | ((long) le32(b, i + 4) << 32);
    }

    /** Writes a little-endian 64-bit word into any array. */
    public static void putLe64(byte[] b, int i, long v) {
        putLe32(b, i, (int) v);
        putLe32(b, i + 4, (int) (v >>> 32));
    }
}
