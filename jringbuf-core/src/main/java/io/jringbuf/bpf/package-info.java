/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * The {@code bpf()} system call in Java: maps ({@link io.jringbuf.bpf.BpfMap}), programs
 * ({@link io.jringbuf.bpf.BpfProgram}), links ({@link io.jringbuf.bpf.BpfLink}), pins in a bpffs
 * ({@link io.jringbuf.bpf.BpfFs}), and builders for small programs without clang: an instruction
 * builder with labels ({@link io.jringbuf.bpf.Asm}) and a BTF builder for callbacks
 * ({@link io.jringbuf.bpf.Btf}).
 */
package io.jringbuf.bpf;
