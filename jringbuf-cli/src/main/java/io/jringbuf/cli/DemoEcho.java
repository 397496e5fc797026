/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.JvmRing;
import io.jringbuf.RingReader;
import io.jringbuf.RingWriter;
import io.jringbuf.base.RecordHandler;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of the demo's fallback: echoes every record of the request ring to the reply
 * ring until a STOP record arrives or the parent process dies.
 */
final class DemoEcho {
    private static final Duration WAIT = Duration.ofSeconds(1);

    private DemoEcho() {
    }

    /**
     * @param args the request ring file, the reply ring file, the parent's pid
     */
    public static void main(String[] args) {
        ProcessHandle parent = ProcessHandle.of(Long.parseLong(args[2])).orElse(null);
        try (JvmRing request = JvmRing.open(Path.of(args[0]));
             JvmRing reply = JvmRing.open(Path.of(args[1]))) {
            RingReader in = request.reader();
            RingWriter out = reply.writer();
            MemorySegment replyBuffer = out.buffer();
            boolean[] stop = new boolean[1];
            RecordHandler echo = (buffer, offset, length) -> {
                if (length == JvmRoundTrip.RECORD && buffer.get(ValueLayout.JAVA_LONG, offset) == JvmRoundTrip.STOP) {
                    stop[0] = true;
                    return false;
                }
                long at = out.reserve(length, WAIT);
                if (at < 0) {
                    throw new IllegalStateException("reply ring full for " + WAIT);
                }
                MemorySegment.copy(buffer, offset, replyBuffer, at, length);
                out.submit(at, 0);
                return true;
            };
            long ready = out.reserve(JvmRoundTrip.RECORD, WAIT);
            replyBuffer.set(ValueLayout.JAVA_LONG, ready, JvmRoundTrip.READY);
            out.submit(ready, 0);
            while (!stop[0]) {
                if (in.poll(echo, WAIT) == 0 && (parent == null || !parent.isAlive())) {
                    return;
                }
            }
        }
    }
}
