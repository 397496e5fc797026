/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public API's Javadoc builds with doclint on and without a single warning: every exported
 * type, method and parameter is documented. (The build's javadoc jar is made the same way.)
 */
class JavadocTest {
    @Test
    void theExportedPackagesHaveCompleteJavadoc(@TempDir Path out) throws Exception {
        Path sources = Path.of("src/main/java").toAbsolutePath();
        assertTrue(sources.resolve("module-info.java").toFile().isFile(), "run from jringbuf-core: " + sources);
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager files = javadoc.getStandardFileManager(diagnostics, null,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("-Xdoclint:all", "-Xmaxwarns", "10000", "-quiet", "-d", out.toString(),
                    "--module-source-path", "io.jringbuf=" + sources, "--module", "io.jringbuf");
            boolean ok = javadoc.getTask(log, files, diagnostics, null, options, null).call();
            List<String> problems = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() != javax.tools.Diagnostic.Kind.NOTE)
                    .map(d -> d.getSource() == null ? d.getMessage(null)
                            : d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null))
                    .toList();
            assertTrue(ok, "javadoc failed: " + problems + "\n" + log);
            assertEquals(List.of(), problems, "doclint warnings");
        }
    }
}
