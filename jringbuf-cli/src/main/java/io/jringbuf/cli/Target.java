/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.base.RingType;

import java.util.SequencedMap;

/**
 * A ring the commands work on: a JVM ring file ({@link FileTarget}) or a kernel map (pinned path
 * or map id, {@link KernelTarget}). A target is opened by one command and closed when
 * it ends.
 */
public interface Target extends AutoCloseable {

    /** @return the ring's format */
    RingType type();

    /**
     * Takes the reading side: the consumer of a RINGBUF, the drainer of a USER_RINGBUF.
     *
     * @return the reader, closed with this target
     * @throws io.jringbuf.base.ErrnoException EBUSY if another process holds that side, EINVAL if
     *                                         this target cannot be read from user space
     */
    RingReader openReader();

    /**
     * Takes the writing side: the multi-producer of a RINGBUF file, the user producer of a
     * USER_RINGBUF.
     *
     * @return the writer, closed with this target
     * @throws io.jringbuf.base.ErrnoException EBUSY if another process holds that side, EINVAL if
     *                                         this target cannot be written from user space
     */
    RingWriter openWriter();

    /**
     * The {@code stat} lines, in order: {@code type}, {@code max_entries}, {@code consumer_pos},
     * {@code producer_pos}, {@code available}, then target-specific keys ({@code drops}, {@code waiting_readers}, {@code waiting_writers} and {@code links} for files).
     *
     * @return key to value
     */
    SequencedMap<String, Object> stat();

    /**
     * Why records may be stuck, for a timeout message: who is still writing the record at the
     * head (a reserved record of a JVM ring file: the process, and whether it is alive or stopped).
     *
     * @return a clause such as {@code "the record at the head is still being written by process
     *         42 (alive, stopped by a signal: SIGCONT resumes it)"}, or null
     */
    default String stuckAt() {
        return null;
    }

    /** Releases the sides this target took and unmaps the ring. */
    @Override
    void close();
}
