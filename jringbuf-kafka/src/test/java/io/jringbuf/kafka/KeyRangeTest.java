/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --key-bytes OFF:LEN}: valid ranges round-trip, anything else is a clear IllegalArgumentException. */
class KeyRangeTest {

    @Test
    void parsesOffsetAndLength() {
        KeyRange range = KeyRange.parse("8:4");
        assertEquals(8, range.offset());
        assertEquals(4, range.length());
        assertEquals(12, range.end());
        assertEquals("8:4", range.toString());
    }

    @Test
    void rejectsWhatIsNotOffColonLen() {
        for (String bad : new String[] {"", ":", "8", "8:", ":4", "8:4:2", "-1:4", "8:0", "8:-4", "a:b", "8 :4",
                "2147483647:1", "99999999999:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyRange.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("key bytes"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> KeyRange.parse(null));
    }

    @Property
    void validRangesRoundTrip(@ForAll @IntRange(min = 0, max = 1 << 24) int offset,
                              @ForAll @IntRange(min = 1, max = 1 << 24) int length) {
        KeyRange range = KeyRange.parse(offset + ":" + length);
        assertEquals(new KeyRange(offset, length), range);
        assertEquals(range, KeyRange.parse(range.toString()));
    }

    @Property
    void anyTextParsesOrFailsWithIllegalArgument(@ForAll String text) {
        try {
            KeyRange range = KeyRange.parse(text);
            assertTrue(range.offset() >= 0 && range.length() >= 1, text);
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("key bytes"), expected.getMessage());
        }
    }
}
