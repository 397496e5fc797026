/**
 * jringbuf: the Linux BPF ring buffer system (RINGBUF and USER_RINGBUF) in pure Java.
 *
 * <ul>
 *   <li>{@code io.jringbuf}: entry points — kernel rings ({@link io.jringbuf.RingBuffer},
 *       {@link io.jringbuf.UserRingBuffer}), JVM rings ({@link io.jringbuf.JvmRing},
 *       {@link io.jringbuf.JvmRingPoller}), errors ({@link io.jringbuf.ErrnoException}).</li>
 *   <li>{@code io.jringbuf.protocol}: the binary layout and the four protocol roles (consumer,
 *       producer, user producer, drainer), independent of where the memory comes from.</li>
 *   <li>{@code io.jringbuf.bpf}: the {@code bpf()} system call — maps, programs, links — with an
 *       instruction builder and a BTF builder for loading small programs without clang.</li>
 * </ul>
 */
module io.jringbuf {
    exports io.jringbuf;
    exports io.jringbuf.protocol;
    exports io.jringbuf.bpf;
}
