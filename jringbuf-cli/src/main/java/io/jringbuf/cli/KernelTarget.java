/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.Ring;
import io.jringbuf.RingBuffer;
import io.jringbuf.base.RingType;
import io.jringbuf.UserRingBuffer;
import io.jringbuf.bpf.BpfMap;
import io.jringbuf.bpf.MapType;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.internal.protocol.UserProducer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * A kernel ring map, pinned or by id. A RINGBUF map is consumed with {@link RingBuffer} (BPF
 * programs produce into it); a USER_RINGBUF map is written with {@link UserRingBuffer} (BPF programs
 * drain it). The other directions belong to BPF and are refused with EINVAL.
 */
final class KernelTarget implements Target {
    private final BpfMap map;
    private final RingType type;
    private RingBuffer ringBuffer;
    private UserRingBuffer userRingBuffer;

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
    public RecordSource openSource() {
        if (type != RingType.RINGBUF) {
            throw new ErrnoException(Errno.EINVAL, "consume " + map + ": a USER_RINGBUF map is drained by BPF "
                    + "programs (bpf_user_ringbuf_drain), not from user space");
        }
        // The manager binds one handler; forward to the one each poll passes.
        RecordHandler[] current = new RecordHandler[1];
        ringBuffer = RingBuffer.create(map.fd(), (buffer, offset, length) -> current[0].onRecord(buffer, offset, length));
        Ring ring = ringBuffer.ring(0);
        return new RecordSource() {
            @Override
            public int poll(RecordHandler handler, long timeoutNanos) {
                current[0] = handler;
                return ringBuffer.poll(Duration.ofNanos(timeoutNanos));
            }

            @Override
            public void wakeUp() {
                ringBuffer.wakeUp();
            }

            @Override
            public long backlogBytes() {
                return ring.availableBytes();
            }
        };
    }

    @Override
    public RecordSink openSink() {
        if (type != RingType.USER_RINGBUF) {
            throw new ErrnoException(Errno.EINVAL, "write " + map + ": a RINGBUF map is written by BPF programs, "
                    + "not from user space");
        }
        userRingBuffer = UserRingBuffer.create(map.fd());
        MemorySegment buffer = userRingBuffer.buffer();
        return new RecordSink() {
            @Override
            public boolean write(byte[] payload, int length, Duration timeout) {
                long offset = userRingBuffer.reserveBlocking(length, timeout);
                if (offset < 0) {
                    return false;
                }
                MemorySegment.copy(payload, 0, buffer, ValueLayout.JAVA_BYTE, offset, length);
                userRingBuffer.submit(offset);
                return true;
            }

            @Override
            public long ringSize() {
                return userRingBuffer.size();
            }
        };
    }

    @Override
    public SequencedMap<String, Object> stat() {
        long cons;
        long prod;
        if (type == RingType.RINGBUF) {
            try (RingBuffer rb = RingBuffer.create(map.fd(), (b, o, l) -> true)) {
                Ring ring = rb.ring(0);
                cons = ring.consumerPosition();
                prod = ring.producerPosition();
            }
        } else {
            try (UserRingBuffer urb = UserRingBuffer.create(map.fd())) {
                UserProducer p = urb.producer();
                cons = p.consumerPosition();
                prod = p.producerPosition();
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
        if (ringBuffer != null) {
            ringBuffer.close();
        }
        if (userRingBuffer != null) {
            userRingBuffer.close();
        }
        map.close();
    }
}
