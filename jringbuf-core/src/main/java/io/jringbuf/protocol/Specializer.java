/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Defines the hot loops as hidden classes from their templates (see {@link ConsumerLoopTemplate}):
 * one shared class per loop, and per-ring classes whose {@code static final} fields hold the
 * ring's segments. A hidden class is not strongly reachable from its loader: a per-ring class is
 * unloaded with the consumer that uses it.
 */
final class Specializer {
    private static volatile byte[] consumerLoopBytes;
    /** An instance of the consume loop class shared by consumers that are not specialised (yet). */
    private static volatile Consumer.Loop sharedConsumerLoop;

    private Specializer() {
    }

    /**
     * A consume loop for one ring.
     *
     * @param batchCommit store consumer_pos once per pass instead of once per record
     * @param specialized true: a class of its own, with the ring as constants; false: the shared class
     */
    static Consumer.Loop consumerLoop(RingView view, boolean batchCommit, boolean specialized) {
        Consumer.Loop prototype = specialized
                ? defineConsumerLoop(new Object[] {true, view.consumerPage(), view.producerPage(), view.data(),
                        view.mask(), batchCommit})
                : sharedConsumerLoop();
        return prototype.copyFor(view.consumerPage(), view.producerPage(), view.data(), view.mask(), !batchCommit);
    }

    private static Consumer.Loop sharedConsumerLoop() {
        Consumer.Loop shared = sharedConsumerLoop;
        if (shared == null) {
            // Racy on purpose: a second shared class would be harmless.
            shared = defineConsumerLoop(new Object[] {false, null, null, null, 0L, false});
            sharedConsumerLoop = shared;
        }
        return shared;
    }

    /** Defines a loop class with this class data; returns a (placeholder) instance to copy from. */
    private static Consumer.Loop defineConsumerLoop(Object[] classData) {
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(consumerLoopBytes(), classData, true);
            return (Consumer.Loop) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class,
                    MemorySegment.class, MemorySegment.class, MemorySegment.class, long.class, boolean.class))
                    .invoke(null, null, null, 0L, false);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the consume loop class", e);
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

    private static volatile byte[] producerOpsBytes;
    /** An instance of the producer code class shared by producers that are not specialised (yet). */
    private static volatile Producer.Ops sharedProducerOps;

    /**
     * Reservation and commit code for one ring.
     *
     * @param specialized true: a class of its own, with the ring as constants; false: the shared class
     */
    static Producer.Ops producerOps(RingView view, RingControl control, boolean specialized) {
        MemorySegment lock = control.lockWord();
        Producer.Ops prototype = specialized
                ? defineProducerOps(new Object[] {true, view.consumerPage(), view.producerPage(), view.data(), lock,
                        view.mask()})
                : sharedProducerOps();
        return prototype.copyFor(view.consumerPage(), view.producerPage(), view.data(), lock, view.mask());
    }

    private static Producer.Ops sharedProducerOps() {
        Producer.Ops shared = sharedProducerOps;
        if (shared == null) {
            // Racy on purpose: a second shared class would be harmless.
            shared = defineProducerOps(new Object[] {false, null, null, null, null, 0L});
            sharedProducerOps = shared;
        }
        return shared;
    }

    private static Producer.Ops defineProducerOps(Object[] classData) {
        byte[] bytes = producerOpsBytes;
        if (bytes == null) {
            bytes = read(ProducerOpsTemplate.class.getSimpleName() + ".class");
            producerOpsBytes = bytes;
        }
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, classData, true);
            return (Producer.Ops) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class,
                    MemorySegment.class, MemorySegment.class, MemorySegment.class, MemorySegment.class, long.class))
                    .invoke(null, null, null, null, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the producer code class", e);
        }
    }

    private static volatile byte[] userProducerOpsBytes;
    /** An instance of the user producer code class shared by producers that are not specialised (yet). */
    private static volatile UserProducer.Ops sharedUserProducerOps;

    /**
     * Reservation and commit code for one USER_RINGBUF producer.
     *
     * @param specialized true: a class of its own, with the ring as constants; false: the shared class
     */
    static UserProducer.Ops userProducerOps(RingView view, boolean specialized) {
        UserProducer.Ops prototype = specialized
                ? defineUserProducerOps(new Object[] {true, view.consumerPage(), view.producerPage(), view.data(),
                        view.mask()})
                : sharedUserProducerOps();
        return prototype.copyFor(view.consumerPage(), view.producerPage(), view.data(), view.mask());
    }

    private static UserProducer.Ops sharedUserProducerOps() {
        UserProducer.Ops shared = sharedUserProducerOps;
        if (shared == null) {
            // Racy on purpose: a second shared class would be harmless.
            shared = defineUserProducerOps(new Object[] {false, null, null, null, 0L});
            sharedUserProducerOps = shared;
        }
        return shared;
    }

    private static UserProducer.Ops defineUserProducerOps(Object[] classData) {
        byte[] bytes = userProducerOpsBytes;
        if (bytes == null) {
            bytes = read(UserProducerOpsTemplate.class.getSimpleName() + ".class");
            userProducerOpsBytes = bytes;
        }
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, classData, true);
            return (UserProducer.Ops) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class,
                    MemorySegment.class, MemorySegment.class, MemorySegment.class, long.class))
                    .invoke(null, null, null, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the user producer code class", e);
        }
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
