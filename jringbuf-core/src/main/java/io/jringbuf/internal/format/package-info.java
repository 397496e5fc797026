/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * Binary layouts, defined once, and nothing else: the BPF ring format
 * ({@link io.jringbuf.internal.format.RingLayout}: header bits, record sizes, positions, page
 * offsets), the JVM ring file's metadata page and control block
 * ({@link io.jringbuf.internal.format.RingFileDescriptor}), and the view of a ring's memory that
 * the roles work on ({@link io.jringbuf.internal.format.RingView}). Not exported.
 */
package io.jringbuf.internal.format;
