/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Defines per-ring copies of the hot loops as hidden classes whose {@code static final} fields
 * hold the ring's segments (see {@link ConsumerLoopTemplate}). A hidden class is not strongly
 * reachable from its loader: it is unloaded with the consumer that uses it.
 */
final class Specializer {
    private static volatile byte[] consumerLoopBytes;

    private Specializer() {
    }

    /**
     * A consume loop bound to one ring.
     *
     * @param batchCommit store consumer_pos once per pass instead of once per record
     */
    static Consumer.Loop consumerLoop(RingView view, boolean batchCommit) {
        Object[] data = {view.consumerPage(), view.producerPage(), view.data(), view.mask(), batchCommit};
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(consumerLoopBytes(), data, true);
            return (Consumer.Loop) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the consume loop for this ring", e);
        }
    }

    private static byte[] consumerLoopBytes() {
        byte[] bytes = consumerLoopBytes;
        if (bytes == null) {
            // Racy on purpose: two threads may both read the same bytes.
            bytes = read(ConsumerLoopTemplate.class.getSimpleName() + ".class");
            consumerLoopBytes = bytes;
        }
        return bytes;
    }

    private static byte[] read(String resource) {
        try (InputStream in = Specializer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file " + resource + " not found next to " + Specializer.class);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read class file " + resource, e);
        }
    }
}
