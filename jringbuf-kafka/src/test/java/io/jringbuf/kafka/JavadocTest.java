/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The module's public API has complete Javadoc: it builds with doclint on and without a single
 * warning, as the core's does.
 */
class JavadocTest {
    @Test
    void thePublicApiHasCompleteJavadoc(@TempDir Path out) throws Exception {
        Path sources = Path.of("src/main/java/io/jringbuf/kafka").toAbsolutePath();
        assertTrue(Files.isRegularFile(sources.resolve("KafkaShipper.java")), "run from jringbuf-kafka: " + sources);
        List<Path> files;
        try (Stream<Path> list = Files.list(sources)) {
            files = list.filter(p -> p.toString().endsWith(".java")).toList();
        }
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager fileManager = javadoc.getStandardFileManager(diagnostics, null,
                StandardCharsets.UTF_8)) {
            // Only what the sources refer to (the core and kafka-clients): the whole test class
            // path (the Kafka server) makes javadoc several times slower.
            String classPath = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                    .filter(e -> e.contains("kafka-clients") || e.contains("jringbuf-core") || e.contains("/io/jringbuf/"))
                    .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
            List<String> options = new ArrayList<>(List.of("-Xdoclint:all", "-Xmaxwarns", "10000", "-quiet",
                    "-d", out.toString(), "-classpath", classPath));
            boolean ok = javadoc.getTask(log, fileManager, diagnostics, null, options,
                    fileManager.getJavaFileObjectsFromPaths(files)).call();
            List<String> problems = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() != Diagnostic.Kind.NOTE)
                    .map(d -> d.getSource() == null ? d.getMessage(null)
                            : d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null))
                    .toList();
            assertTrue(ok, "javadoc failed: " + problems + "\n" + log);
            assertEquals(List.of(), problems, "doclint warnings");
        }
    }
}
