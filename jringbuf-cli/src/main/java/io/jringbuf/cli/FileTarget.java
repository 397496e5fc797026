/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.base.RingType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/** A JVM ring file ({@link JvmRing#open(Path)}), of either format. */
final class FileTarget implements Target {
    private final JvmRing ring;

    private FileTarget(JvmRing ring) {
        this.ring = ring;
    }

    static FileTarget open(Path path) {
        return new FileTarget(JvmRing.open(path));
    }

    @Override
    public RingType type() {
        return ring.type();
    }

    @Override
    public RingReader openReader() {
        return ring.reader();
    }

    @Override
    public RingWriter openWriter() {
        return ring.writer();
    }

    @Override
    public SequencedMap<String, Object> stat() {
        // Consumer first: the producer position read after it is never older, so 'available' is
        // never negative. A snapshot: both sides may move right after.
        long cons = ring.consumerPosition();
        long prod = ring.producerPosition();
        SequencedMap<String, Object> lines = new LinkedHashMap<>();
        lines.put("type", ring.type() == RingType.RINGBUF ? "ringbuf" : "user_ringbuf");
        lines.put("max_entries", ring.size());
        lines.put("consumer_pos", cons);
        lines.put("producer_pos", prod);
        lines.put("available", prod - cons);
        lines.put("drops", ring.drops());
        return lines;
    }

    @Override
    public void close() {
        ring.close();
    }
}
