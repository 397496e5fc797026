/**
 * jringbuf: the Linux BPF ring buffer system (RINGBUF and USER_RINGBUF) in pure Java.
 */
module io.jringbuf {
    exports io.jringbuf;
}
