/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes BTF: types as raw words (the layout {@link BtfData} reads), a deduplicated string
 * table, and a 24-byte header. Type ids start at 1 (0 is {@code void}).
 */
public final class BtfWriter {
    private final List<int[]> types = new ArrayList<>();
    private final Map<String, Integer> strings = new LinkedHashMap<>();
    private int stringBytes = 1; // offset 0 is the empty string

    /**
     * @param s a string (null or empty is offset 0)
     * @return its offset in the string table
     */
    public int str(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        Integer off = strings.get(s);
        if (off == null) {
            off = stringBytes;
            strings.put(s, off);
            stringBytes += s.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return off;
    }

    /**
     * @param words the type's words: name offset, info, size-or-type, then its kind's extra words
     * @return its type id
     */
    public int add(int... words) {
        types.add(words.clone());
        return types.size();
    }

    /** @return the number of types added */
    public int count() {
        return types.size();
    }

    /** @return header, types, strings */
    public byte[] build() {
        int typeLen = 0;
        for (int[] t : types) {
            typeLen += 4 * t.length;
        }
        ByteArrayOutputStream str = new ByteArrayOutputStream();
        str.write(0);
        for (String s : strings.keySet()) {
            str.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            str.write(0);
        }
        byte[] strBytes = str.toByteArray();
        ByteBuffer bb = ByteBuffer.allocate(24 + typeLen + strBytes.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24);
        bb.putInt(0).putInt(typeLen).putInt(typeLen).putInt(strBytes.length);
        for (int[] t : types) {
            for (int w : t) {
                bb.putInt(w);
            }
        }
        bb.put(strBytes);
        return bb.array();
    }
}
