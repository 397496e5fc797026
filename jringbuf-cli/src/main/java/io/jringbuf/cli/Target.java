/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.RingType;

import java.util.SequencedMap;

/**
 * A ring the commands work on: a JVM ring file ({@link FileTarget}) or a kernel map (pinned path
 * or map id, through {@link KernelTargets}). A target is opened by one command and closed when
 * it ends.
 */
public interface Target extends AutoCloseable {

    /** @return the ring's format */
    RingType type();

    /**
     * Takes the consuming side: the consumer of a RINGBUF, the drainer of a USER_RINGBUF.
     *
     * @return the source
     * @throws io.jringbuf.base.ErrnoException EBUSY if another process holds that side, EINVAL if
     *                                    this target cannot be consumed from user space
     */
    RecordSource openSource();

    /**
     * Takes the producing side: the multi-producer of a RINGBUF file, the user producer of a
     * USER_RINGBUF.
     *
     * @return the sink
     * @throws io.jringbuf.base.ErrnoException EBUSY if another process holds that side, EINVAL if
     *                                    this target cannot be written from user space
     */
    RecordSink openSink();

    /**
     * The {@code stat} lines, in order: {@code type}, {@code max_entries}, {@code consumer_pos},
     * {@code producer_pos}, {@code available}, then target-specific keys ({@code drops} and {@code links} for files).
     *
     * @return key to value
     */
    SequencedMap<String, Object> stat();

    /** Releases the sides this target took and unmaps the ring. */
    @Override
    void close();
}
