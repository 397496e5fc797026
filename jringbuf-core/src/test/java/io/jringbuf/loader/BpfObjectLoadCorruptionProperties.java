/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.loader;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.kernel.ClangFixtures;
import io.jringbuf.kernel.KernelGate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Corrupted objects loaded into the real kernel: a successful load or an {@link ErrnoException}
 * (the verifier's or the loader's), never another exception, a crash or a hang; and no BPF file
 * descriptor is left open and no map stays mapped afterwards ({@code /proc/self/fd}, {@code /proc/self/maps}).
 */
class BpfObjectLoadCorruptionProperties {
    @BeforeProperty
    void gate() {
        KernelGate.requireBpf();
        ClangFixtures.requireTools();
    }

    @Provide
    Arbitrary<ObjectCorruption.Corruption> corruptions() {
        return ObjectCorruption.corruptions("globals", "rings", "core", "attach", "kconfig");
    }

    @Property(tries = 80)
    void loadSucceedsOrFailsTypedWithoutLeakingFds(@ForAll("corruptions") ObjectCorruption.Corruption c) {
        byte[] bytes = c.apply();
        List<String> before = ObjectCorruption.bpfFds();
        List<String> mappingsBefore = ObjectCorruption.bpfMappings();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (BpfObject obj = BpfObject.open(bytes, c.fixture())) {
                obj.load();
            } catch (ErrnoException expected) {
                // typed: the object, the section/program/map and the cause are in the message
            } catch (RuntimeException | Error other) {
                throw new AssertionError(c + " threw " + other, other);
            }
        });
        assertEquals(before, ObjectCorruption.bpfFds(), "BPF fds after " + c);
        assertEquals(mappingsBefore, ObjectCorruption.bpfMappings(), "BPF map mappings after " + c);
    }
}
