/**
 * jringbuf: the Linux BPF ring buffer system (RINGBUF and USER_RINGBUF) in pure Java.
 *
 * <ul>
 *   <li>{@code io.jringbuf}: entry points — kernel rings ({@link io.jringbuf.RingBuffer},
 *       {@link io.jringbuf.UserRingBuffer}) and JVM rings ({@link io.jringbuf.JvmRing}).</li>
 *   <li>{@code io.jringbuf.base}: the types every part shares — the record handler, the ring
 *       types and the errno error.</li>
 *   <li>{@code io.jringbuf.bpf}: the {@code bpf()} system call — maps, programs, links — with an
 *       instruction builder and a BTF builder for loading small programs without clang.</li>
 * </ul>
 */
module io.jringbuf {
    // Flight Recorder events (part of the JDK, not a dependency to download).
    requires jdk.jfr;

    exports io.jringbuf;
    exports io.jringbuf.base;
    exports io.jringbuf.bpf;
}
