/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.RingBuffer;
import io.jringbuf.UserRingBuffer;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.bpf.BpfObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rings of a loaded object work with the library's ring classes through {@code map.fd()}:
 * Java writes into the object's USER_RINGBUF, the program's drain callback answers into its
 * RINGBUF, Java consumes the answers.
 */
class BpfObjectRingsTest {
    @BeforeEach
    void gate() {
        KernelSupport.requireBpf();
        ClangFixtures.requireTools();
    }

    @Test
    void objectRingsWorkWithRingBufferAndUserRingBuffer() {
        List<Long> replies = new ArrayList<>();
        try (BpfObject obj = BpfObject.open(ClangFixtures.object("rings"))) {
            obj.load();
            try (UserRingBuffer requests = UserRingBuffer.create(obj.map("requests").fd());
                 RingBuffer answers = RingBuffer.create(obj.map("replies").fd(), RecordHandler.copying(
                         b -> replies.add(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong())))) {
                for (long v = 10; v < 20; v++) {
                    long at = requests.reserve(8);
                    assertTrue(at >= 0, "room in a fresh 4 KiB ring");
                    requests.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, at, v);
                    requests.submit(at);
                }
                obj.program("echo").program().testRun(1);
                assertEquals(10, answers.consume());
            }
        }
        assertEquals(List.of(1010L, 1011L, 1012L, 1013L, 1014L, 1015L, 1016L, 1017L, 1018L, 1019L), replies);
    }
}
