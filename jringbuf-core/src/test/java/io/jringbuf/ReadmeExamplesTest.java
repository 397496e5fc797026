/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every {@code ```java} block of the README compiles against the library. Each block becomes the
 * body of a method (with the library's and the JDK's usual packages imported), so the README
 * never shows code that does not build. Blocks that say "(run by the tests)" are also run; those
 * that use {@code bpf()} need the kernel (see the kernel tests' gate). A block whose first line is
 * {@code // module: NAME} needs another module of the project and is compiled by that module's
 * tests instead.
 */
class ReadmeExamplesTest {
    private static final String IMPORTS = String.join("\n",
            "import io.jringbuf.*;",
            "import io.jringbuf.base.*;",
            "import io.jringbuf.bpf.*;",
            "import static io.jringbuf.bpf.Reg.*;",
            "import java.lang.foreign.*;",
            "import java.lang.invoke.*;",
            "import java.nio.file.*;",
            "import java.time.*;",
            "import java.util.*;");

    static List<String> javaBlocks(Path readme) throws IOException {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : Files.readAllLines(readme)) {
            if (current == null && line.trim().equals("```java")) {
                current = new StringBuilder();
            } else if (current != null && line.trim().equals("```")) {
                blocks.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }

    private static Path readme() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("README.md")) && Files.exists(p.resolve("jringbuf"))) {
                return p.resolve("README.md");
            }
        }
        throw new IllegalStateException("README.md not found above " + here);
    }

    /** The README's {@code ```c} blocks that start with {@code // NAME.bpf.c}, by NAME. */
    static java.util.Map<String, String> cBlocks(Path readme) throws IOException {
        java.util.Map<String, String> blocks = new java.util.LinkedHashMap<>();
        StringBuilder current = null;
        for (String line : Files.readAllLines(readme)) {
            if (current == null && line.trim().equals("```c")) {
                current = new StringBuilder();
            } else if (current != null && line.trim().equals("```")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^// (\\w+)\\.bpf\\.c").matcher(current);
                if (m.find()) {
                    blocks.put(m.group(1), current.toString());
                }
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }

    /**
     * A Java block that opens {@code Path.of("NAME.bpf.o")} gets the object clang built from the
     * README's {@code // NAME.bpf.c} block (compiled into target/bpf/readme) instead.
     */
    private static String withCompiledObjects(String block, java.util.Map<String, String> cSources) throws IOException {
        for (java.util.Map.Entry<String, String> c : cSources.entrySet()) {
            String literal = "Path.of(\"" + c.getKey() + ".bpf.o\")";
            if (block.contains(literal)) {
                Path dir = Files.createDirectories(Path.of(System.getProperty("basedir", ".")).resolve("target/bpf/readme"));
                Path source = dir.resolve(c.getKey() + ".bpf.c");
                Files.writeString(source, c.getValue());
                Path object = io.jringbuf.kernel.ClangFixtures.compileSource(source);
                block = block.replace(literal, "Path.of(\"" + object.toAbsolutePath() + "\")");
            }
        }
        return block;
    }

    @Test
    void theCExampleIsUsedByAJavaBlock() throws IOException {
        java.util.Map<String, String> c = cBlocks(readme());
        assertTrue(c.containsKey("hello"), "the README has the hello.bpf.c example");
        assertTrue(javaBlocks(readme()).stream().anyMatch(b -> b.contains("Path.of(\"hello.bpf.o\")")
                && b.contains("(run by the tests")), "a Java block loads and runs it");
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockCompiles() throws IOException {
        List<String> blocks = javaBlocks(readme());
        java.util.Map<String, String> cSources = cBlocks(readme());
        assertFalse(blocks.isEmpty(), "the README has Java examples");
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).strip().startsWith("// module: ")) {
                continue; // another module's example (see the class comment)
            }
            String name = "ReadmeExample" + i;
            String block = blocks.get(i);
            String firstLine = block.strip().lines().findFirst().orElse("");
            boolean run = block.contains("(run by the tests");
            tests.add(DynamicTest.dynamicTest("block " + i + ": " + firstLine, () -> {
                String body = run ? withCompiledObjects(block, cSources) : block;
                String source = IMPORTS + "\nclass " + name + " {\n  static void example() throws Exception {\n"
                        + body + "\n  }\n}\n";
                compile(name, source, run);
            }));
        }
        return tests.stream();
    }

    private static void compile(String className, String source, boolean run) throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "a JDK with javac runs the tests");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        Path out = Files.createTempDirectory("readme-example");
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, null, null)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
                    "-proc:none");
            boolean ok = compiler.getTask(null, fm, diagnostics, options, null, List.of(file)).call();
            assertTrue(ok, () -> "README example does not compile:\n" + diagnostics.getDiagnostics() + "\n" + source);
            if (run) {
                if (source.contains("Bpf")) {
                    io.jringbuf.kernel.KernelGate.requireBpf();
                }
                try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {out.toUri().toURL()},
                        ReadmeExamplesTest.class.getClassLoader())) {
                    java.lang.reflect.Method example = loader.loadClass(className).getDeclaredMethod("example");
                    example.setAccessible(true);
                    try {
                        example.invoke(null);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw new AssertionError("README example failed when run:\n" + source, e.getCause());
                    }
                }
            }
        } finally {
            try (Stream<Path> walk = Files.walk(out)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
