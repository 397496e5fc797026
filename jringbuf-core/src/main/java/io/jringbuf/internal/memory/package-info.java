/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * Where a ring's bytes live: a kernel map mapped exactly as the kernel allows
 * ({@link io.jringbuf.internal.memory.KernelRingMemory}), and JVM ring files and anonymous rings
 * with the data mapped twice back to back ({@link io.jringbuf.internal.memory.SharedRingMemory}).
 * Not exported.
 */
package io.jringbuf.internal.memory;
