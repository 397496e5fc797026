/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

/**
 * The eleven BPF registers. R0 holds return values, R1–R5 carry call arguments (and are clobbered
 * by calls), R6–R9 survive calls, R10 is the read-only frame pointer (the stack grows down from it,
 * 512 bytes).
 */
public enum Reg {
    /** Return value of calls and of the program. */
    R0,
    /** First argument; the context pointer on entry. */
    R1,
    /** Second argument. */
    R2,
    /** Third argument. */
    R3,
    /** Fourth argument. */
    R4,
    /** Fifth argument. */
    R5,
    /** Callee-saved. */
    R6,
    /** Callee-saved. */
    R7,
    /** Callee-saved. */
    R8,
    /** Callee-saved. */
    R9,
    /** Frame pointer (read-only). */
    R10;

    int n() {
        return ordinal();
    }
}
