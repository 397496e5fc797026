/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.format.RingLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

class RingLayoutTest {

    @ParameterizedTest(name = "payload {0} occupies {1}")
    @CsvSource({"0,8", "1,16", "7,16", "8,16", "9,24", "24,32", "32,40", "33,48", "4080,4088", "1073741823,1073741832"})
    void recordsAreHeaderPlusPayloadRoundedToEight(long payload, long occupied) {
        assertEquals(occupied, RingLayout.recordSize(payload));
    }

    @Test
    void headerFlagBitsAreIgnoredForTheSize() {
        assertEquals(40, RingLayout.recordSizeOfHeader(32 | RingLayout.BUSY_BIT));
        assertEquals(40, RingLayout.recordSizeOfHeader(32 | RingLayout.DISCARD_BIT | RingLayout.BUSY_BIT));
        assertEquals(32, RingLayout.payloadLength(32 | RingLayout.DISCARD_BIT));
        assertTrue(RingLayout.isBusy(RingLayout.BUSY_BIT));
        assertTrue(RingLayout.isDiscarded(RingLayout.DISCARD_BIT));
        assertFalse(RingLayout.isBusy(RingLayout.DISCARD_BIT | 5));
    }

    @ParameterizedTest(name = "size {0} valid: {1}")
    @CsvSource({"0,false", "1000,false", "4096,true", "8192,true", "12288,false", "2048,false",
            "2147483648,true", "4294967296,false", "-4096,false"})
    void ringSizesFollowTheKernelRules(long size, boolean valid) {
        assertEquals(valid, RingLayout.isValidRingSize(size, 4096));
    }

    /**
     * libbpf's adjustment: 0 stays, page x 2^k stays, otherwise the next larger page x 2^k; above
     * 2 GiB no such size fits a u32 {@code max_entries}, so the size is left as asked (and the
     * kernel refuses it).
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0,0", "1,4096", "4096,4096", "4097,8192", "8192,8192", "12288,16384",
            "2147483648,2147483648", "2147483649,2147483649", "3000000000,3000000000"})
    void roundUpFollowsLibbpf(long requested, long adjusted) {
        assertEquals(adjusted, RingLayout.roundUpRingSize(requested, 4096));
    }

    @Test
    void largestPayloads() {
        assertEquals(4080, RingLayout.maxRingbufPayload(4096));
        assertEquals(4088, RingLayout.maxUserRingbufPayload(4096));
        assertTrue(RingLayout.fitsHeader(RingLayout.MAX_RECORD_SIZE));
        assertFalse(RingLayout.fitsHeader(1L << 30));
        assertFalse(RingLayout.fitsHeader(-1));
    }

    @Test
    void pageLayoutMatchesTheKernelMmapOffsets() {
        assertEquals(0, RingLayout.consumerPageOffset());
        assertEquals(4096, RingLayout.producerPageOffset(4096));
        assertEquals(8192, RingLayout.dataOffset(4096));
    }
}
