/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library as a named module, used the way a modular application uses it: a small module that
 * {@code requires io.jringbuf} compiles against the exported packages and runs on the module path
 * (with {@code --enable-native-access=io.jringbuf}), and the same module cannot compile against an
 * internal package. The exports are proved, not assumed.
 */
class ModulePathTest {
    private static final String MODULE_INFO = "module example { requires io.jringbuf; }\n";
    private static final String MAIN = """
            package example;

            import io.jringbuf.JvmRing;
            import io.jringbuf.RingReader;
            import io.jringbuf.RingWriter;
            import io.jringbuf.base.RecordHandler;
            import io.jringbuf.base.RingType;
            import java.lang.foreign.ValueLayout;
            import java.time.Duration;

            public class Main {
                public static void main(String[] args) {
                    try (JvmRing ring = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
                        RingWriter writer = ring.writer();
                        long offset = writer.reserve(8);
                        writer.buffer().set(ValueLayout.JAVA_LONG, offset, 42L);
                        writer.submit(offset);
                        RingReader reader = ring.reader();
                        reader.poll((buffer, at, length) -> {
                            System.out.println(buffer.get(ValueLayout.JAVA_LONG, at));
                            return RecordHandler.CONTINUE;
                        }, Duration.ofSeconds(5));
                    }
                }
            }
            """;

    private static Path libraryModule() throws Exception {
        return Path.of(JvmRing.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static boolean compile(Path out, DiagnosticCollector<JavaFileObject> diagnostics, Path... sources)
            throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            // An empty class path: the default is this JVM's, whose test classes share package names
            // with the library and would answer for them from the unnamed module.
            List<String> options = List.of("--module-path", libraryModule().toString(), "--class-path",
                    out.toString(), "-d", out.toString());
            return javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjects(sources)).call();
        }
    }

    @Test
    void aModuleThatRequiresTheLibraryCompilesAndRunsOnTheModulePath(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/example"));
        Path moduleInfo = Files.writeString(dir.resolve("src/module-info.java"), MODULE_INFO);
        Path main = Files.writeString(src.resolve("Main.java"), MAIN);
        Path out = Files.createDirectories(dir.resolve("out"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        assertTrue(compile(out, diagnostics, moduleInfo, main), diagnostics.getDiagnostics().toString());

        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process run = new ProcessBuilder(java, "--enable-native-access=io.jringbuf",
                "--module-path", libraryModule() + File.pathSeparator + out, "-m", "example/example.Main")
                .redirectErrorStream(true).start();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the example ran");
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, run.exitValue(), output);
        assertEquals("42", output.strip(), "one record through the ring, and no native-access warning");
    }

    @Test
    void theInternalPackagesAreNotExported(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/example"));
        Path moduleInfo = Files.writeString(dir.resolve("src/module-info.java"), MODULE_INFO);
        Path internal = Files.writeString(src.resolve("Internal.java"), """
                package example;

                public class Internal {
                    Object role = io.jringbuf.internal.protocol.Consumer.class;
                }
                """);
        Path out = Files.createDirectories(dir.resolve("out"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        assertFalse(compile(out, diagnostics, moduleInfo, internal), "an internal package is out of reach");
        String messages = diagnostics.getDiagnostics().toString();
        assertTrue(messages.contains("io.jringbuf.internal.protocol") && messages.contains("does not export"),
                messages);
    }
}
