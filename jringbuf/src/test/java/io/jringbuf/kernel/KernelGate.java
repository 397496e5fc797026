/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

/** Public door to {@link KernelSupport} for tests in other packages. */
public final class KernelGate {
    private KernelGate() {
    }

    /** See {@link KernelSupport#requireBpf()}. */
    public static void requireBpf() {
        KernelSupport.requireBpf();
    }
}
