/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * A producer thread's count of attempts that found the ring full, reported by JMH next to the
 * produce rate ({@code fullRetries}): many retries per record mean the consumer is the
 * bottleneck, few mean the producers are.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FullRing {
    /** Failed attempts (ring full) in this iteration. */
    public long fullRetries;
}
