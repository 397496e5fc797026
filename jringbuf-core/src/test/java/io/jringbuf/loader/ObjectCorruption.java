/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.loader;

import io.jringbuf.internal.elf.ElfFile;
import io.jringbuf.internal.elf.ElfSection;
import io.jringbuf.kernel.ClangFixtures;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Corruptions of compiled BPF objects for property tests: truncation, or a few bytes flipped in one
 * region (ELF header, section table, symbol table, relocations, .BTF, .BTF.ext, code, anywhere).
 */
final class ObjectCorruption {
    private ObjectCorruption() {
    }

    static final List<String> REGIONS = List.of("truncate", "elf header", "section table", "symtab", "relocations",
            ".BTF", ".BTF.ext", "code", "anywhere");

    /**
     * One corruption.
     *
     * @param fixture the object
     * @param region where
     * @param seed the positions and values
     */
    record Corruption(String fixture, String region, long seed) {
        byte[] apply() {
            byte[] original = ClangFixtures.bytes(fixture);
            byte[] b = original.clone();
            Random r = new Random(seed);
            if (region.equals("truncate")) {
                return java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            long[] range = range(original, region, r);
            int flips = 1 + r.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int at = (int) (range[0] + (long) (r.nextDouble() * range[1]));
                int value = r.nextInt(4) == 0 ? new int[] {0, 0xff, 0x7f, 0x80}[r.nextInt(4)] : (b[at] ^ (1 + r.nextInt(255)));
                b[at] = (byte) value;
            }
            return b;
        }
    }

    /** [start, length) of a region of the original object. */
    private static long[] range(byte[] original, String region, Random r) {
        ElfFile elf = ElfFile.parse(original, "fixture");
        long shoff = java.nio.ByteBuffer.wrap(original).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(40);
        List<ElfSection> matching = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            boolean match = switch (region) {
                case "symtab" -> s.type() == ElfSection.SHT_SYMTAB;
                case "relocations" -> s.type() == ElfSection.SHT_REL && !s.name().contains("debug");
                case ".BTF", ".BTF.ext" -> s.name().equals(region);
                case "code" -> s.executable() && s.size() > 0;
                default -> false;
            };
            if (match && s.size() > 0) {
                matching.add(s);
            }
        }
        return switch (region) {
            case "elf header" -> new long[] {0, 64};
            case "section table" -> new long[] {shoff, 64L * elf.sections().size()};
            case "anywhere" -> new long[] {0, original.length};
            default -> {
                if (matching.isEmpty()) {
                    yield new long[] {0, original.length};
                }
                ElfSection s = matching.get(r.nextInt(matching.size()));
                yield new long[] {s.offset(), s.size()};
            }
        };
    }

    static Arbitrary<Corruption> corruptions(String... fixtures) {
        return Combinators.combine(Arbitraries.of(fixtures), Arbitraries.of(REGIONS), Arbitraries.longs())
                .as(Corruption::new);
    }

    /** @return the lines of {@code /proc/self/maps} that map BPF maps */
    static List<String> bpfMappings() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("bpf-map")).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** @return the open file descriptors of this process that are BPF maps, programs, links, BTF or perf events */
    static List<String> bpfFds() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("anon_inode:bpf") || target.startsWith("anon_inode:btf") || target.contains("perf_event")) {
                        out.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // closed while listing (the listing's own fd): not ours to count
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
