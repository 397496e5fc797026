/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.protocol.RingControl;

import java.lang.foreign.MemorySegment;

/**
 * Tests' access to a {@link JvmRing}'s internals, which the public API does not export: the
 * control block (to wait until a thread is registered as a waiter, or to plant a dead owner) and
 * the memory view.
 */
public final class JvmRingInternals {
    private JvmRingInternals() {
    }

    /** @return the ring's control block */
    public static RingControl control(JvmRing ring) {
        return ring.control();
    }

    /** @return the ring's memory view */
    public static RingView view(JvmRing ring) {
        return ring.view();
    }

    /** @return the consumer role under a RINGBUF reader (a {@link RingBuffer}'s ring or a JVM ring's) */
    public static io.jringbuf.internal.protocol.Consumer consumer(RingReader reader) {
        return ((ConsumerReader) reader).consumer();
    }

    /** @return the producer role of a RINGBUF JVM ring (its writer's) */
    public static io.jringbuf.internal.protocol.Producer producer(JvmRing ring) {
        return ((ProducerWriter) ring.writer()).producer();
    }

    /** @return the consumer role of a RINGBUF JVM ring (its reader's; claims the reading side) */
    public static io.jringbuf.internal.protocol.Consumer consumer(JvmRing ring) {
        return consumer(ring.reader());
    }

    /** @return the user producer role of a USER_RINGBUF JVM ring (its writer's) */
    public static io.jringbuf.internal.protocol.UserProducer userProducer(JvmRing ring) {
        return ((UserProducerWriter) ring.writer()).producer();
    }

    /** @return the drainer role of a USER_RINGBUF JVM ring (its reader's) */
    public static io.jringbuf.internal.protocol.Drainer drainer(JvmRing ring) {
        return ((DrainerReader) ring.reader()).drainer();
    }

    /** @return the 8-byte data wakeup word pair: a test waits on its waiter count */
    public static MemorySegment dataWakeupWord(JvmRing ring) {
        return ring.control().dataWakeupWord();
    }

    /** @return the 8-byte space wakeup word pair */
    public static MemorySegment spaceWakeupWord(JvmRing ring) {
        return ring.control().spaceWakeupWord();
    }
}
