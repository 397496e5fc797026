/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The JSON decoder of {@link BtfLayout}: a tree of nodes built once per struct, each writing one
 * value of its type into a {@link StringBuilder}. Nothing is allocated while writing (keys and
 * enumerator names are strings made when the tree is built; numbers go through
 * {@code StringBuilder.append(long)}). Values are read unaligned and little-endian, as BPF on
 * x86-64 and arm64 writes them.
 */
final class BtfJson {
    private BtfJson() {
    }

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** One value of a type, written as JSON. */
    abstract static sealed class Node permits Int, Bool, Enum, FloatingPoint, Hex, Chars, Array, Object, Bits {
        /**
         * @param s the memory
         * @param at where the value starts
         * @param limit the end of the record (members past it are left out)
         * @param out where to write
         */
        abstract void write(MemorySegment s, long at, long limit, StringBuilder out);
    }

    static long readInt(MemorySegment s, long at, int size, boolean signed) {
        return switch (size) {
            case 1 -> signed ? s.get(ValueLayout.JAVA_BYTE, at) : s.get(ValueLayout.JAVA_BYTE, at) & 0xffL;
            case 2 -> signed ? s.get(U16, at) : s.get(U16, at) & 0xffffL;
            case 4 -> signed ? s.get(U32, at) : s.get(U32, at) & 0xffff_ffffL;
            default -> s.get(U64, at);
        };
    }

    /** Appends a 64-bit value read as unsigned, without making a string. */
    static void appendUnsigned(StringBuilder out, long v) {
        if (v >= 0) {
            out.append(v);
        } else {
            long quotient = (v >>> 1) / 5; // v / 10, unsigned
            out.append(quotient).append((char) ('0' + (v - quotient * 10)));
        }
    }

    /** Reads {@code bits} bits starting {@code bitOffset} bits after {@code at} (little-endian numbering). */
    static long readBits(MemorySegment s, long at, long bitOffset, int bits, boolean signed) {
        long first = at + bitOffset / 8;
        int shift = (int) (bitOffset % 8);
        int bytes = (shift + bits + 7) / 8;
        long v = 0;
        for (int i = 0; i < Math.min(bytes, 8); i++) {
            v |= (s.get(ValueLayout.JAVA_BYTE, first + i) & 0xffL) << (8 * i);
        }
        v >>>= shift;
        if (bytes == 9) {
            v |= (s.get(ValueLayout.JAVA_BYTE, first + 8) & 0xffL) << (64 - shift);
        }
        if (bits < 64) {
            v = signed ? v << (64 - bits) >> (64 - bits) : v & ((1L << bits) - 1);
        }
        return v;
    }

    /** @return {@code s} as a JSON string literal (quotes included) */
    static String quoted(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            escape(b, s.charAt(i));
        }
        return b.append('"').toString();
    }

    private static void escape(StringBuilder out, char c) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            default -> {
                if (c < 0x20) {
                    out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                } else {
                    out.append(c);
                }
            }
        }
    }

    static final class Int extends Node {
        private final int size;
        private final boolean signed;

        Int(int size, boolean signed) {
            this.size = size;
            this.signed = signed;
        }

        @Override
        void write(MemorySegment s, long at, long limit, StringBuilder out) {
            long v = readInt(s, at, size, signed);
            if (signed || size < 8) {
                out.append(v);
            } else {
                appendUnsigned(out, v);
            }
        }
    }

    static final class Bool extends Node {
        private final int size;

        Bool(int size) {
            this.size = size;
        }

        @Override
        void write(MemorySegment s, long at, long limit, StringBuilder out) {
            out.append(readInt(s, at, size, false) != 0);
        }
    }

    static final class Enum extends Node {
        private final int size;
        private final boolean signed;
        private final long[] values;
        private final String[] names;

        Enum(int size, boolean signed, long[] values, String[] names) {
            this.size = size;
            this.signed = signed;
            this.values = values;
            this.names = names;
        }

        @Override
        void write(MemorySegment s, long at, long limit, StringBuilder out) {
            writeValue(readInt(s, at, size, signed), out);
        }

        void writeValue(long v, StringBuilder out) {
            long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
            for (int i = 0; i < values.length; i++) {
                if ((values[i] & mask) == (v & mask)) {
                    out.append(names[i]);
                    return;
                }
            }
            if (signed || size < 8) {
                out.append(v);
            } else {
                appendUnsigned(out, v);
            }
        }
    }

    static final class FloatingPoint extends Node {
        private final int size;

        FloatingPoint(int size) {
            this.size = size;
        }

        @Override
        void write(MemorySegment s, long at, long limit, StringBuilder out) {
            double v = size == 4 ? s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at) : s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, at);
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                out.append("null"); // JSON has no NaN or infinity
            } else if (size == 4) {
                out.append((float) v);
            } else {
                out.append(v);
            }
        }
    }

    /** Sizes Java has no number for (__int128, long double): a hex string of the bytes, most significant first. */
    static final class Hex extends Node {
        private final int size;

        Hex(int size) {
            this.size = size;
        }

        @Override
        void write(MemorySegment s, long at, long limit, StringBuilder out) {
            out.append("\"0x");
            for (int i = size - 1; i >= 0; i--) {
                int b = s.get(ValueLayout.JAVA_BYTE, at + i) & 0xff;
                out.append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
            out.append('"');
        }
    }

    /** A {@code char} array: a string up to the first NUL, decoded as UTF-8 (invalid bytes as U+FFFD). */
    static final class Chars extends Node {
        private final long length;

        Chars(long length) {
            this.length = length;
        }

        @Override
        void write(MemorySegment s, long at, long limit, StringBuilder out) {
            out.append('"');
            long end = at + length;
            long i = at;
            while (i < end) {
                int b = s.get(ValueLayout.JAVA_BYTE, i) & 0xff;
                if (b == 0) {
                    break;
                }
                if (b < 0x80) {
                    escape(out, (char) b);
                    i++;
                    continue;
                }
                int n = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
                int cp = n == 4 ? b & 0x07 : n == 3 ? b & 0x0f : b & 0x1f;
                boolean ok = n != 0 && i + n <= end;
                for (int k = 1; ok && k < n; k++) {
                    int c = s.get(ValueLayout.JAVA_BYTE, i + k) & 0xff;
                    ok = (c & 0xc0) == 0x80;
                    cp = cp << 6 | (c & 0x3f);
                }
                ok = ok && (n != 3 || (cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff)))
                        && (n != 4 || (cp >= 0x10000 && cp <= 0x10ffff));
                if (ok) {
                    out.appendCodePoint(cp);
                    i += n;
                } else {
                    out.append('\uFFFD');
                    i++;
                }
            }
            out.append('"');
        }
    }

    static final class Array extends Node {
        private final Node element;
        private final long count;
        private final long stride;

        Array(Node element, long count, long stride) {
            this.element = element;
            this.count = count;
            this.stride = stride;
        }

        @Override
        void write(MemorySegment s, long at, long limit, StringBuilder out) {
            out.append('[');
            for (long i = 0; i < count; i++) {
                if (i > 0) {
                    out.append(',');
                }
                element.write(s, at + i * stride, limit, out);
            }
            out.append(']');
        }
    }

    /** A struct or union: members by name, each at its byte offset; members past the limit left out. */
    static final class Object extends Node {
        private final String[] keys;
        private final Node[] values;
        private final long[] offsets;
        private final long[] ends;

        Object(String[] keys, Node[] values, long[] offsets, long[] ends) {
            this.keys = keys;
            this.values = values;
            this.offsets = offsets;
            this.ends = ends;
        }

        @Override
        void write(MemorySegment s, long at, long limit, StringBuilder out) {
            out.append('{');
            boolean first = true;
            for (int i = 0; i < keys.length; i++) {
                if (at + ends[i] > limit) {
                    continue;
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(keys[i]);
                values[i].write(s, at + offsets[i], limit, out);
            }
            out.append('}');
        }
    }

    /** A bitfield: its bits from the byte it starts in; enums and bools shown as such. */
    static final class Bits extends Node {
        private final long shift;
        private final int bits;
        private final boolean signed;
        private final Node shown;

        Bits(long shift, int bits, boolean signed, Node shown) {
            this.shift = shift;
            this.bits = bits;
            this.signed = signed;
            this.shown = shown;
        }

        @Override
        void write(MemorySegment s, long at, long limit, StringBuilder out) {
            long v = readBits(s, at, shift, bits, signed);
            if (shown instanceof Enum e) {
                e.writeValue(v, out);
            } else if (shown instanceof Bool) {
                out.append(v != 0);
            } else if (signed || bits < 64) {
                out.append(v);
            } else {
                appendUnsigned(out, v);
            }
        }
    }
}
