/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * BPF ring buffers from Java: readers and writers of kernel rings and of rings between JVMs.
 *
 * <p>Every ring has the same two faces whatever backs it: a {@link io.jringbuf.RingReader}
 * (consume, poll, commit, positions) and a {@link io.jringbuf.RingWriter} (reserve, submit,
 * discard, output, positions, drops). Where they come from:
 * <ul>
 *   <li>kernel {@code BPF_MAP_TYPE_RINGBUF} maps: {@link io.jringbuf.RingBuffer} (libbpf's
 *       {@code ring_buffer}, several rings behind one wait) and {@link io.jringbuf.KernelRingReader}
 *       (one ring on its own);</li>
 *   <li>kernel {@code BPF_MAP_TYPE_USER_RINGBUF} maps: {@link io.jringbuf.UserRingBuffer}
 *       (libbpf's {@code user_ring_buffer});</li>
 *   <li>rings between JVM threads and processes, in a file or anonymous memory:
 *       {@link io.jringbuf.JvmRing}, whose reader and writer play the kernel's parts too.</li>
 * </ul>
 * Errors are {@link io.jringbuf.base.ErrnoException}s naming the errno and what was attempted.
 */
package io.jringbuf;
