/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kernel;

import io.jringbuf.bpf.BpfSupport;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need {@code bpf()}: they skip with the kernel's reason where it is refused,
 * except under {@code JRINGBUF_REQUIRE_BPF=1} (CI), where a refusal fails the test.
 */
final class KernelSupport {
    private KernelSupport() {
    }

    private static final String REFUSAL = BpfSupport.refusal();

    /** Skips (or fails under JRINGBUF_REQUIRE_BPF=1) when {@code bpf()} is refused here. */
    static void requireBpf() {
        if (REFUSAL == null) {
            return;
        }
        if ("1".equals(System.getenv("JRINGBUF_REQUIRE_BPF"))) {
            Assertions.fail("JRINGBUF_REQUIRE_BPF=1 but the kernel refused bpf(): " + REFUSAL);
        }
        Assumptions.abort("the kernel refused bpf() (" + REFUSAL + "); set JRINGBUF_REQUIRE_BPF=1 to fail instead");
    }
}
