/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.protocol.Consumer;
import io.jringbuf.internal.protocol.Drainer;
import io.jringbuf.internal.protocol.Producer;
import io.jringbuf.base.RecordHandler;
import io.jringbuf.internal.protocol.UserProducer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/** A JVM ring file ({@link JvmRing#open(Path)}), of either format. */
final class FileTarget implements Target {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

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
    public RecordSource openSource() {
        if (ring.type() == RingType.RINGBUF) {
            Consumer consumer = ring.consumer();
            return new RecordSource() {
                @Override
                public int poll(RecordHandler handler, long timeoutNanos) {
                    return consumer.poll(handler, Duration.ofNanos(timeoutNanos));
                }

                @Override
                public void wakeUp() {
                    consumer.wakeUp();
                }

                @Override
                public long backlogBytes() {
                    return consumer.availableBytes();
                }
            };
        }
        Drainer drainer = ring.drainer();
        return new RecordSource() {
            @Override
            public int poll(RecordHandler handler, long timeoutNanos) {
                return drainer.drain(handler, 0, Duration.ofNanos(timeoutNanos));
            }

            @Override
            public void wakeUp() {
                drainer.wakeUp();
            }

            @Override
            public long backlogBytes() {
                return drainer.availableBytes();
            }
        };
    }

    @Override
    public RecordSink openSink() {
        if (ring.type() == RingType.RINGBUF) {
            Producer producer = ring.producer();
            MemorySegment buffer = producer.buffer();
            return new RecordSink() {
                @Override
                public boolean write(byte[] payload, int length, Duration timeout) {
                    long offset = producer.reserve(length, timeout);
                    if (offset < 0) {
                        return false;
                    }
                    try {
                        MemorySegment.copy(payload, 0, buffer, ValueLayout.JAVA_BYTE, offset, length);
                    } catch (InternalError fault) {
                        producer.discard(offset, 0); // faults too, and reports it as an ErrnoException
                        throw fault;
                    }
                    producer.submit(offset, 0);
                    return true;
                }

                @Override
                public long ringSize() {
                    return producer.size();
                }
            };
        }
        UserProducer producer = ring.userProducer();
        MemorySegment buffer = producer.buffer();
        return new RecordSink() {
            @Override
            public boolean write(byte[] payload, int length, Duration timeout) {
                long offset = producer.reserveBlocking(length, timeout);
                if (offset < 0) {
                    return false;
                }
                try {
                    MemorySegment.copy(payload, 0, buffer, ValueLayout.JAVA_BYTE, offset, length);
                } catch (InternalError fault) {
                    producer.discard(offset); // faults too, and reports it as an ErrnoException
                    throw fault;
                }
                producer.submit(offset);
                return true;
            }

            @Override
            public long ringSize() {
                return producer.size();
            }
        };
    }

    @Override
    public SequencedMap<String, Object> stat() {
        // Acquire loads, consumer first: the producer position read after it is never older, so
        // 'available' is never negative. A snapshot: both sides may move right after.
        long cons = (long) LONG.getAcquire(ring.view().consumerPage(), 0L);
        long prod = (long) LONG.getAcquire(ring.view().producerPage(), 0L);
        SequencedMap<String, Object> lines = new LinkedHashMap<>();
        lines.put("type", ring.type() == RingType.RINGBUF ? "ringbuf" : "user_ringbuf");
        lines.put("max_entries", ring.size());
        lines.put("consumer_pos", cons);
        lines.put("producer_pos", prod);
        lines.put("available", prod - cons);
        lines.put("drops", ring.drops());
        lines.put("links", links());
        return lines;
    }

    /** @return the ring file's names (st_nlink): 0 once it was removed while in use */
    private long links() {
        try {
            return ((Number) Files.getAttribute(ring.path(), "unix:nlink")).longValue();
        } catch (NoSuchFileException e) {
            return 0; // opened through /proc/PID/fd/N of a process that still has it
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        ring.close();
    }
}
