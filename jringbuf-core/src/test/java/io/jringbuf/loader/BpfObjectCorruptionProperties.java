/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.loader;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.BpfObject;
import io.jringbuf.kernel.ClangFixtures;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Corrupted objects (truncated; bytes flipped in the ELF header, the section table, the symbol
 * table, relocations, .BTF, .BTF.ext, code): {@link BpfObject#open} either parses or throws an
 * {@link ErrnoException}, never anything else, and never hangs. Needs no root.
 */
class BpfObjectCorruptionProperties {
    @BeforeProperty
    void tools() {
        ClangFixtures.requireTools();
    }

    @Provide
    Arbitrary<ObjectCorruption.Corruption> corruptions() {
        return ObjectCorruption.corruptions("globals", "rings", "maps", "core", "attach");
    }

    @Property(tries = 500)
    void openGivesAnObjectOrAnErrnoException(@ForAll("corruptions") ObjectCorruption.Corruption c) {
        byte[] bytes = c.apply();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try {
                BpfObject.open(bytes, c.fixture()).close();
            } catch (ErrnoException expected) {
                // a typed refusal naming the culprit
                if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                    fail("empty message for " + c);
                }
            } catch (RuntimeException | Error other) {
                throw new AssertionError(c + " threw " + other, other);
            }
        });
    }
}
