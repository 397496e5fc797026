/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.loader;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.Btf;
import io.jringbuf.internal.elf.ElfFile;
import io.jringbuf.kernel.ClangFixtures;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Corrupted BTF blobs (clang's .BTF with flipped bytes, or truncated): {@link Btf#parse} and then
 * every type through the public model ({@link Btf#type}, {@link Btf#resolve}, {@link Btf#sizeOf})
 * give values or {@link ErrnoException}s, never another exception, never a hang (cycles included).
 */
class BtfCorruptionProperties {
    @BeforeProperty
    void tools() {
        ClangFixtures.requireTools();
    }

    record Blob(String fixture, boolean truncate, long seed) {
        byte[] apply() {
            ElfFile elf = ElfFile.parse(ClangFixtures.bytes(fixture), fixture);
            byte[] b = elf.contents(elf.section(".BTF"));
            Random r = new Random(seed);
            if (truncate) {
                return java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            int flips = 1 + r.nextInt(6);
            for (int i = 0; i < flips; i++) {
                // Mostly in the header and type section, where the structure is.
                int at = r.nextInt(3) == 0 ? r.nextInt(Math.min(24, b.length)) : r.nextInt(b.length);
                b[at] = (byte) (r.nextInt(3) == 0 ? r.nextInt(8) : b[at] ^ (1 + r.nextInt(255)));
            }
            return b;
        }
    }

    @Provide
    Arbitrary<Blob> blobs() {
        return Combinators.combine(Arbitraries.of("globals", "maps", "rings", "attach"),
                Arbitraries.of(false, false, false, true), Arbitraries.longs()).as(Blob::new);
    }

    @Property(tries = 300)
    void everyTypeDecodesOrFailsTyped(@ForAll("blobs") Blob blob) {
        byte[] bytes = blob.apply();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Btf btf;
            try {
                btf = Btf.parse(bytes);
            } catch (ErrnoException expected) {
                return;
            }
            for (int id = 0; id < btf.count(); id++) {
                try {
                    btf.type(id);
                    btf.describe(id);
                    btf.sizeOf(btf.resolve(id));
                } catch (ErrnoException expected) {
                    // a typed refusal for this type; the others still decode
                } catch (RuntimeException | Error other) {
                    throw new AssertionError(blob + " type " + id + " threw " + other, other);
                }
            }
        });
    }
}
