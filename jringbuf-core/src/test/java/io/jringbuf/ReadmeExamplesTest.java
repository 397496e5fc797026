/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import org.junit.jupiter.api.DynamicTest;
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

    @TestFactory
    Stream<DynamicTest> everyJavaBlockCompiles() throws IOException {
        List<String> blocks = javaBlocks(readme());
        assertFalse(blocks.isEmpty(), "the README has Java examples");
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).strip().startsWith("// module: ")) {
                continue; // another module's example (see the class comment)
            }
            String name = "ReadmeExample" + i;
            String source = IMPORTS + "\nclass " + name + " {\n  static void example() throws Exception {\n"
                    + blocks.get(i) + "\n  }\n}\n";
            String firstLine = blocks.get(i).strip().lines().findFirst().orElse("");
            boolean run = blocks.get(i).contains("(run by the tests)");
            tests.add(DynamicTest.dynamicTest("block " + i + ": " + firstLine, () -> compile(name, source, run)));
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
