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
import io.jringbuf.internal.format.RingLayout;
import io.jringbuf.internal.format.RingView;
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
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

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

                @Override
                public String stuckAt() {
                    return busyHead();
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

            @Override
            public String stuckAt() {
                return busyHead();
            }
        };
    }

    /**
     * The record at the head, if it is BUSY: its writer (the pid in the header's second word) and
     * that process's state from {@code /proc/PID/stat}.
     *
     * @return a clause for a message, or null if the head is not a BUSY record
     */
    String busyHead() {
        RingView view = ring.view();
        // Acquire loads, consumer first (as in stat); the header's acquire pairs with its commit.
        long cons = (long) LONG.getAcquire(view.consumerPage(), 0L);
        long prod = (long) LONG.getAcquire(view.producerPage(), 0L);
        if (prod - cons <= 0) {
            return null;
        }
        long at = cons & view.mask();
        int header = (int) INT.getAcquire(view.data(), at);
        if ((header & RingLayout.BUSY_BIT) == 0) {
            return null;
        }
        int owner = view.data().get(ValueLayout.JAVA_INT, at + RingLayout.HEADER_OWNER_OFFSET);
        return "the record at the head is still being written by process " + owner + " (" + processState(owner)
                + ")";
    }

    private static String processState(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return switch (stat.charAt(stat.lastIndexOf(')') + 2)) { // the name may hold ')'
                case 'T' -> "alive, stopped by a signal: SIGCONT resumes it";
                case 't' -> "alive, stopped by a debugger";
                case 'Z' -> "exited, not yet reaped by its parent";
                default -> "alive";
            };
        } catch (IOException | RuntimeException e) {
            return "gone";
        }
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
        String busy = busyHead();
        if (busy != null) {
            lines.put("head", busy);
        }
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
