/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;

/** Negative controls for the process tests' checker: it catches the faults those tests claim to exclude. */
@Timeout(10)
class SequenceCheckerTest {
    private final MemorySegment buf = Arena.ofAuto().allocate(ProducerProcess.PAYLOAD, 8);

    private void feed(SequenceChecker c, int producer, long seq, long check) {
        buf.set(ValueLayout.JAVA_INT, 0, producer);
        buf.set(ValueLayout.JAVA_LONG, 8, seq);
        buf.set(ValueLayout.JAVA_LONG, 16, check);
        c.onRecord(buf, 0, ProducerProcess.PAYLOAD);
    }

    private void feed(SequenceChecker c, int producer, long seq) {
        feed(c, producer, seq, ProducerProcess.check(producer, seq));
    }

    @Test
    void acceptsInterleavedInOrderStreams() {
        SequenceChecker c = new SequenceChecker(2);
        feed(c, 0, 0);
        feed(c, 1, 0);
        feed(c, 0, 1);
        c.assertClean();
        assertEquals(3, c.received());
        assertEquals(3, c.switches());
    }

    @Test
    void catchesAGap() {
        SequenceChecker c = new SequenceChecker(1);
        feed(c, 0, 0);
        feed(c, 0, 2);
        assertTrue(assertThrows(AssertionFailedError.class, c::assertClean).getMessage().contains("gap"));
    }

    @Test
    void catchesADuplicate() {
        SequenceChecker c = new SequenceChecker(1);
        feed(c, 0, 0);
        feed(c, 0, 1);
        feed(c, 0, 1);
        assertTrue(assertThrows(AssertionFailedError.class, c::assertClean).getMessage().contains("duplicate"));
    }

    @Test
    void catchesATornPayloadAndAWrongLength() {
        SequenceChecker torn = new SequenceChecker(1);
        feed(torn, 0, 0, ProducerProcess.check(0, 1));
        assertTrue(assertThrows(AssertionFailedError.class, torn::assertClean).getMessage().contains("torn"));
        SequenceChecker shortRecord = new SequenceChecker(1);
        shortRecord.onRecord(buf, 0, 8);
        assertThrows(AssertionFailedError.class, shortRecord::assertClean);
    }
}
