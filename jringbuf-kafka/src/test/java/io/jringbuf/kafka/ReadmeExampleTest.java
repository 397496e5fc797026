/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository README's Kafka example compiles against this module: its {@code java} blocks
 * marked {@code // module: jringbuf-kafka} (the core's README test leaves them to this one).
 */
class ReadmeExampleTest {
    private static final String MARKER = "// module: jringbuf-kafka";
    private static final String IMPORTS = String.join("\n",
            "import io.jringbuf.*;",
            "import io.jringbuf.base.*;",
            "import io.jringbuf.bpf.*;",
            "import io.jringbuf.kafka.*;",
            "import java.nio.file.*;",
            "import java.time.*;",
            "import java.util.*;");

    private static List<String> markedBlocks() throws IOException {
        Path readme = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && readme == null; p = p.getParent()) {
            if (Files.exists(p.resolve("README.md")) && Files.exists(p.resolve("jringbuf"))) {
                readme = p.resolve("README.md");
            }
        }
        assertTrue(readme != null, "the repository README above " + Path.of("").toAbsolutePath());
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : Files.readAllLines(readme)) {
            if (current == null && line.trim().equals("```java")) {
                current = new StringBuilder();
            } else if (current != null && line.trim().equals("```")) {
                if (current.toString().strip().startsWith(MARKER)) {
                    blocks.add(current.toString());
                }
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }

    @Test
    void theReadmesKafkaExampleCompiles(@TempDir Path out) throws IOException {
        List<String> blocks = markedBlocks();
        assertFalse(blocks.isEmpty(), "the README has a Kafka example");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> sources = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String name = "KafkaReadmeExample" + i;
            String source = IMPORTS + "\nclass " + name + " {\n  static void example() throws Exception {\n"
                    + blocks.get(i) + "\n  }\n}\n";
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            });
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d",
                    out.toString(), "-proc:none");
            assertTrue(compiler.getTask(null, files, diagnostics, options, null, sources).call(),
                    () -> "README example does not compile: " + diagnostics.getDiagnostics());
        }
    }
}
