/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

/**
 * When a {@link RingReader} gives consumed space back to the producers, that is, when it stores
 * {@code consumer_pos}. Chosen once, when the reader is created.
 */
public enum CommitMode {
    /**
     * After every record, as libbpf's {@code ringbuf_process_ring} does: producers get the space
     * back at once.
     */
    PER_RECORD,
    /**
     * Once per pass over the records visible at one {@code producer_pos} load (and before every
     * return): fewer stores to the cache line producers read, for fast handlers. Producers get the
     * space back later, and records committed during a pass wake nobody (the reader is behind and
     * looks again before it returns). Not for a USER_RINGBUF reader, which follows the kernel's
     * drain (a store per sample).
     */
    BATCH,
    /**
     * Only when the reader is told to, by {@link RingReader#commit(long)}: records are read ahead
     * of {@code consumer_pos}, and stay in the ring until they are committed, also across a crash
     * of the reading process (cilium's {@code Commit}). For shippers that must not lose a record
     * they have not passed on. Producers see such a reader as behind while it has uncommitted
     * records, so they send it no wakeups: a waiting poll then looks again every millisecond. Not
     * for a USER_RINGBUF reader.
     */
    EXPLICIT
}
