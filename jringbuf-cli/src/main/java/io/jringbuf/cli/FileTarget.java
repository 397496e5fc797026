/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.base.RingType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.OptionalInt;
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

    /** {@return the ring (owned by this target)} */
    JvmRing ring() {
        return ring;
    }

    @Override
    public RingReader openReader() {
        return ring.reader();
    }

    /**
     * The record at the head, if it is still reserved: its writer ({@link JvmRing#headWriter()})
     * and that process's state from {@code /proc/PID/stat}.
     *
     * @return a clause for a message, or null if the head record is complete or the ring empty
     */
    @Override
    public String stuckAt() {
        OptionalInt writer = ring.headWriter();
        if (writer.isEmpty()) {
            return null;
        }
        int owner = writer.getAsInt();
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
        lines.put("lost", ring.drops()); // a JVM ring loses exactly the reservations it refuses
        lines.put("waiting_readers", ring.waitingReaders());
        lines.put("waiting_writers", ring.waitingWriters());
        lines.put("links", links());
        String busy = stuckAt();
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
