/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The library is a named module that needs only the JDK and exports only its API packages. */
class ModuleDescriptorTest {

    /** Reads the descriptor compiled beside the library's classes (not another jar's). */
    private static ModuleDescriptor descriptor() throws IOException {
        try {
            Path classes = Path.of(JvmRing.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
                return ModuleDescriptor.read(in);
            }
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    @Test
    void isNamedIoJringbuf() throws IOException {
        assertEquals("io.jringbuf", descriptor().name());
    }

    @Test
    void requiresNothingButTheJdk() throws IOException {
        Set<String> requires = descriptor().requires().stream().map(ModuleDescriptor.Requires::name)
                .collect(Collectors.toSet());
        // java.base, and jdk.jfr for the Flight Recorder events: both are the JDK's own.
        assertEquals(Set.of("java.base", "jdk.jfr"), requires);
    }

    @Test
    void exportsOnlyApiPackages() throws IOException {
        ModuleDescriptor d = descriptor();
        Set<String> exported = d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertTrue(exported.stream().noneMatch(p -> p.contains(".internal")), exported.toString());
        assertEquals(Set.of("io.jringbuf", "io.jringbuf.base", "io.jringbuf.bpf"), exported);
    }
}
