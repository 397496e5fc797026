/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.kafka.broker;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One broker for every test class of the run that asks for it ({@code @BeforeAll static void
 * start(KafkaBroker broker)} in a class extended with this): a start costs seconds of CPU, and
 * the tests use topics of their own. Started on first use, killed and its directory deleted when
 * the run ends (JUnit closes the root store); a class that killed it gets it running again.
 * Classes that use it must not run in parallel (they do not: the build runs classes one after
 * another).
 */
public final class SharedKafkaBroker implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedKafkaBroker.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Holder holder = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Holder.class, k -> new Holder(), Holder.class);
        if (!holder.broker.isRunning()) {
            holder.broker.restart();
        }
        return holder.broker;
    }

    /** The broker and its directory, closed by JUnit at the end of the run. */
    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        private final Path directory;
        private final KafkaBroker broker;

        Holder() {
            try {
                directory = Files.createTempDirectory("jringbuf-kafka-broker");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            broker = KafkaBroker.start(directory);
        }

        @Override
        public void close() throws IOException {
            broker.close();
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
