/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.KernelRingReader;
import io.jringbuf.RingPeeker;
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
    /** The ring's lost counter: given with --lost-map, or found by convention; owned. */
    private BpfMap lostCounter;
    private boolean lostCounterSearched;

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

    /** {@return the ring map (owned by this target)} */
    BpfMap map() {
        return map;
    }

    /**
     * Uses this map as the ring's lost counter (--lost-map) instead of looking for one.
     *
     * @param counter a per-CPU array of u64, owned by this target from now on
     * @throws io.jringbuf.base.ErrnoException EINVAL if it is not a per-CPU array of u64
     */
    void useLostCounter(BpfMap counter) {
        try {
            counter.sumPerCpuLong(0); // checks the type now, for a clear error
        } catch (RuntimeException e) {
            counter.close();
            throw e;
        }
        lostCounter = counter;
        lostCounterSearched = true;
    }

    /**
     * The ring's lost counter: the one given, else a map named {@code RING_lost} that a loaded
     * program uses with the ring ({@link BpfMap#findLostCounter()}), looked for once.
     *
     * @return the counter, or null if there is none
     */
    BpfMap lostCounter() {
        if (!lostCounterSearched) {
            lostCounterSearched = true;
            lostCounter = map.findLostCounter().orElse(null);
        }
        return lostCounter;
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
        // Read-only: stat takes no side and never writes the ring.
        try (RingPeeker peeker = RingPeeker.open(map)) {
            cons = peeker.consumerPosition();
            prod = peeker.producerPosition();
        }
        SequencedMap<String, Object> lines = new LinkedHashMap<>();
        lines.put("type", type == RingType.RINGBUF ? "ringbuf" : "user_ringbuf");
        lines.put("max_entries", map.info().maxEntries());
        lines.put("consumer_pos", cons);
        lines.put("producer_pos", prod);
        lines.put("available", prod - cons);
        lines.put("map_id", map.info().id());
        lines.put("name", map.info().name());
        if (type == RingType.RINGBUF) {
            BpfMap counter = lostCounter();
            lines.put("lost", counter != null ? counter.sumPerCpuLong(0)
                    : "unknown (no " + BpfMap.lostCounterName(map.info().name()) + " counter map found)");
        }
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
        if (lostCounter != null) {
            lostCounter.close();
        }
        map.close();
    }
}
