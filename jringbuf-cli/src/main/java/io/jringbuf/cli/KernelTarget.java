/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.KernelRingReader;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.UserRingBuffer;
import io.jringbuf.base.RingType;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.MapType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * A kernel ring map, pinned or by id. A RINGBUF map is read with {@link KernelRingReader} (BPF
 * programs produce into it); a USER_RINGBUF map is written with {@link UserRingBuffer} (BPF programs
 * drain it). The other directions belong to BPF and are refused with EINVAL.
 */
final class KernelTarget implements Target {
    private final BpfMap map;
    private final RingType type;
    private KernelRingReader reader;
    private UserRingBuffer writer;

    private KernelTarget(BpfMap map) {
        this.map = map;
        if (map.info().type() == MapType.RINGBUF.number()) {
            type = RingType.RINGBUF;
        } else if (map.info().type() == MapType.USER_RINGBUF.number()) {
            type = RingType.USER_RINGBUF;
        } else {
            String what = map.toString();
            map.close();
            throw new ErrnoException(Errno.EINVAL, what + " is a " + MapType.nameOf(map.info().type())
                    + " map, not a RINGBUF or USER_RINGBUF map");
        }
    }

    static KernelTarget openPinned(Path path) {
        return new KernelTarget(BpfMap.openPinned(path));
    }

    static KernelTarget openMapId(int id) {
        return new KernelTarget(BpfMap.openById(id));
    }

    @Override
    public RingType type() {
        return type;
    }

    @Override
    public RingReader openReader() {
        if (type != RingType.RINGBUF) {
            throw new ErrnoException(Errno.EINVAL, "consume " + map + ": a USER_RINGBUF map is drained by BPF "
                    + "programs (bpf_user_ringbuf_drain), not from user space");
        }
        reader = KernelRingReader.open(map);
        return reader;
    }

    @Override
    public RingWriter openWriter() {
        if (type != RingType.USER_RINGBUF) {
            throw new ErrnoException(Errno.EINVAL, "write " + map + ": a RINGBUF map is written by BPF programs, "
                    + "not from user space");
        }
        writer = UserRingBuffer.create(map);
        return writer;
    }

    @Override
    public SequencedMap<String, Object> stat() {
        long cons;
        long prod;
        if (type == RingType.RINGBUF) {
            try (KernelRingReader r = KernelRingReader.open(map)) {
                cons = r.consumerPosition();
                prod = r.producerPosition();
            }
        } else {
            try (UserRingBuffer w = UserRingBuffer.create(map)) {
                cons = w.consumerPosition();
                prod = w.producerPosition();
            }
        }
        SequencedMap<String, Object> lines = new LinkedHashMap<>();
        lines.put("type", type == RingType.RINGBUF ? "ringbuf" : "user_ringbuf");
        lines.put("max_entries", map.info().maxEntries());
        lines.put("consumer_pos", cons);
        lines.put("producer_pos", prod);
        lines.put("available", prod - cons);
        lines.put("map_id", map.info().id());
        lines.put("name", map.info().name());
        return lines;
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.close();
        }
        if (writer != null) {
            writer.close();
        }
        map.close();
    }
}
