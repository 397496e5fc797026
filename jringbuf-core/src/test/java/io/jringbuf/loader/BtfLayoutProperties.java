/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.loader;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.Btf;
import io.jringbuf.bpf.BtfLayout;
import io.jringbuf.bpf.BtfType;
import io.jringbuf.internal.elf.ElfFile;
import io.jringbuf.kernel.ClangFixtures;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link BtfLayout} against an independent model: random structs of integers, bools, chars and
 * char arrays laid out by C's rules are built with {@link Btf.Builder}; the layout's offsets, its
 * VarHandles and the JSON decoder must agree with the model for random contents. Corrupted
 * object BTF builds a layout or fails with an {@link ErrnoException}, nothing else.
 */
class BtfLayoutProperties {
    /** A member kind of the model: its size, its signedness, and whether it is a bool or a char array. */
    record Kind(String name, int size, boolean signed, boolean bool, int chars) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("unsigned char", 1, false, false, 0), new Kind("signed char", 1, true, false, 0),
            new Kind("unsigned short", 2, false, false, 0), new Kind("short", 2, true, false, 0),
            new Kind("unsigned int", 4, false, false, 0), new Kind("int", 4, true, false, 0),
            new Kind("unsigned long", 8, false, false, 0), new Kind("long", 8, true, false, 0),
            new Kind("_Bool", 1, false, true, 0), new Kind("char", 1, true, false, 7),
            new Kind("char", 1, true, false, 16));

    @Provide
    Arbitrary<List<Kind>> structs() {
        return Arbitraries.of(KINDS).list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 300)
    void layoutVarHandlesAndJsonAgreeWithCsRules(@ForAll("structs") List<Kind> members, @ForAll long seed) {
        Btf.Builder b = new Btf.Builder();
        int intIndex = b.addInt("int", 4, true);
        List<BtfType.Member> btfMembers = new ArrayList<>();
        long[] offsets = new long[members.size()];
        long at = 0;
        int align = 1;
        for (int i = 0; i < members.size(); i++) {
            Kind k = members.get(i);
            int type = b.add(new BtfType.Int(k.name(), k.size(), k.signed(), k.chars() > 0, k.bool(), 0, k.size() * 8));
            if (k.chars() > 0) {
                type = b.add(new BtfType.Array(type, intIndex, k.chars()));
            }
            at = (at + k.size() - 1) / k.size() * k.size(); // natural alignment
            offsets[i] = at;
            btfMembers.add(new BtfType.Member("m" + i, type, at * 8, 0));
            at += (long) k.size() * Math.max(1, k.chars());
            align = Math.max(align, k.size());
        }
        long size = (at + align - 1) / align * align;
        b.add(new BtfType.Struct("model", size, btfMembers));
        BtfLayout layout = BtfLayout.of(b.toBtf(), "model");
        assertEquals(size, layout.size());

        Random r = new Random(seed);
        byte[] bytes = new byte[(int) size];
        r.nextBytes(bytes);
        MemorySegment s = MemorySegment.ofArray(new long[(int) (size + 7) / 8]); // 8-aligned, as a ring record
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        StringBuilder expected = new StringBuilder("{");
        for (int i = 0; i < members.size(); i++) {
            Kind k = members.get(i);
            assertEquals(offsets[i], layout.offsetOf("m" + i), "m" + i);
            expected.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":");
            if (k.chars() > 0) {
                String text = randomText(r, k.chars());
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                MemorySegment.copy(new byte[k.chars()], 0, s, ValueLayout.JAVA_BYTE, offsets[i], k.chars());
                MemorySegment.copy(utf8, 0, s, ValueLayout.JAVA_BYTE, offsets[i], utf8.length);
                expected.append(jsonString(text));
                continue;
            }
            VarHandle h = layout.varHandle("m" + i);
            long raw = switch (k.size()) {
                case 1 -> k.bool() ? ((boolean) h.get(s, 0L) ? 1 : 0) : (byte) h.get(s, 0L);
                case 2 -> (short) h.get(s, 0L);
                case 4 -> (int) h.get(s, 0L);
                default -> (long) h.get(s, 0L);
            };
            long model = littleEndian(s, offsets[i], k.size(), k.signed());
            if (k.bool()) {
                expected.append(model != 0);
                assertEquals(model != 0 ? 1 : 0, raw);
            } else {
                expected.append(k.signed() || k.size() < 8 ? Long.toString(model) : Long.toUnsignedString(model));
                assertEquals(model, k.signed() ? raw : k.size() == 8 ? raw : raw & ((1L << (8 * k.size())) - 1));
            }
        }
        expected.append('}');
        assertEquals(expected.toString(), layout.appendJson(s, 0, size, new StringBuilder()).toString());
    }

    private static long littleEndian(MemorySegment s, long at, int size, boolean signed) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (s.get(ValueLayout.JAVA_BYTE, at + i) & 0xffL) << (8 * i);
        }
        return signed && size < 8 ? v << (64 - 8 * size) >> (64 - 8 * size) : v;
    }

    /** Text whose UTF-8 fits in {@code max} bytes, with quotes, backslashes, controls and non-ASCII. */
    private static String randomText(Random r, int max) {
        String[] pieces = {"a", "Z", "\"", "\\", "\n", "\t", "\u0001", "\u001f", "\u00e9", "\u20ac", "\ud83d\ude00", " ", "/"};
        StringBuilder sb = new StringBuilder();
        while (true) {
            String p = pieces[r.nextInt(pieces.length)];
            if ((sb + p).getBytes(StandardCharsets.UTF_8).length > max || r.nextInt(8) == 0) {
                return sb.toString();
            }
            sb.append(p);
        }
    }

    /** An independent JSON string encoder (RFC 8259: quote, backslash and controls escaped). */
    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    @Property(tries = 200)
    void anyBytesInACharArrayGiveAValidJsonString(@ForAll @Size(max = 24) byte[] bytes) {
        Btf.Builder b = new Btf.Builder();
        int ch = b.add(new BtfType.Int("char", 1, true, true, false, 0, 8));
        int idx = b.addInt("int", 4, true);
        int arr = b.add(new BtfType.Array(ch, idx, 24));
        b.add(new BtfType.Struct("s", 24, List.of(new BtfType.Member("text", arr, 0, 0))));
        byte[] padded = java.util.Arrays.copyOf(bytes, 24);
        String json = BtfLayout.of(b.toBtf(), "s").appendJson(MemorySegment.ofArray(padded), 0, 24, new StringBuilder())
                .toString();
        // Valid: starts and ends right, no raw control character, every quote inside escaped.
        assertEquals("{\"text\":\"", json.substring(0, 9));
        assertEquals("\"}", json.substring(json.length() - 2));
        String body = json.substring(9, json.length() - 2);
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c < 0x20 || Character.isSurrogate(c) && !validSurrogate(body, i)) {
                throw new AssertionError("raw " + (int) c + " in " + json);
            }
            if (c == '\\') {
                i++; // the escaped character
            } else if (c == '"') {
                throw new AssertionError("unescaped quote in " + json);
            }
        }
        // Valid UTF-8 without NUL comes out as Java decodes it.
        int nul = 0;
        while (nul < bytes.length && bytes[nul] != 0) {
            nul++;
        }
        String decoded = new String(bytes, 0, nul, StandardCharsets.UTF_8);
        if (!decoded.contains("\ufffd")) {
            assertEquals(decoded, unescape(body));
        }
    }

    /** An independent JSON string decoder (the escapes of RFC 8259). */
    private static String unescape(String body) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(body.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    @Example
    void sixtyFourBitUnsignedValuesAreNumbersWithoutSign() {
        Btf.Builder b = new Btf.Builder();
        int u64 = b.add(new BtfType.Int("unsigned long long", 8, false, false, false, 0, 64));
        b.add(new BtfType.Struct("s", 8, List.of(new BtfType.Member("v", u64, 0, 0))));
        BtfLayout l = BtfLayout.of(b.toBtf(), "s");
        for (long v : new long[] {-1L, Long.MIN_VALUE, -10L, 0, 9, Long.MAX_VALUE}) {
            MemorySegment s = MemorySegment.ofArray(new long[] {v});
            assertEquals("{\"v\":" + Long.toUnsignedString(v) + "}", l.appendJson(s, 0, 8, new StringBuilder()).toString());
        }
    }

    @Property(tries = 200)
    void corruptedObjectBtfBuildsALayoutOrFailsTyped(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int flips) {
        ClangFixtures.requireTools();
        ElfFile elf = ElfFile.parse(ClangFixtures.bytes("records"), "records");
        byte[] b = elf.contents(elf.section(".BTF"));
        Random r = new Random(seed);
        for (int i = 0; i < flips; i++) {
            int at = 24 + r.nextInt(b.length - 24);
            b[at] = (byte) (b[at] ^ (1 + r.nextInt(255)));
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try {
                Btf btf = Btf.parse(b);
                BtfLayout l = BtfLayout.of(btf, "every");
                l.appendJson(MemorySegment.ofArray(new long[(int) (l.size() + 7) / 8]), 0, l.size(), new StringBuilder());
                for (String m : List.of("u32", "in.b", "pair[1].a", "as_float")) {
                    try {
                        l.varHandle(m);
                    } catch (ErrnoException expected) {
                        // the member was renamed or retyped by the corruption
                    }
                }
            } catch (ErrnoException expected) {
                // a typed refusal
            }
        });
    }
}
