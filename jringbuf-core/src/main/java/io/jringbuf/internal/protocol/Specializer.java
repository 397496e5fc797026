/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.format.RingView;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Defines the hot code as hidden classes from its templates ({@link ConsumerLoopTemplate},
 * {@link ProducerOpsTemplate}, {@link UserProducerOpsTemplate}): one shared class per template,
 * and classes of their own for busy consumers and producers, whose {@code static final} fields
 * hold their ring's segments. A hidden class is not strongly reachable from its loader: such a
 * class is unloaded with the consumer or producer that uses it.
 */
final class Specializer {
    /** The class file bytes of each template, read once. */
    private static final ClassValue<byte[]> TEMPLATE_BYTES = new ClassValue<>() {
        @Override
        protected byte[] computeValue(Class<?> template) {
            return read(template.getSimpleName() + ".class");
        }
    };
    /** Instances of the shared classes (racy on purpose: a second shared class would be harmless). */
    private static volatile Consumer.Loop sharedConsumerLoop;
    private static volatile Producer.Ops sharedProducerOps;
    private static volatile UserProducer.Ops sharedUserProducerOps;

    private static final MethodType CONSUMER_LOOP = MethodType.methodType(void.class,
            MemorySegment.class, MemorySegment.class, MemorySegment.class, long.class, boolean.class);
    private static final MethodType PRODUCER_OPS = MethodType.methodType(void.class,
            MemorySegment.class, MemorySegment.class, MemorySegment.class, MemorySegment.class, long.class);
    private static final MethodType USER_PRODUCER_OPS = MethodType.methodType(void.class,
            MemorySegment.class, MemorySegment.class, MemorySegment.class, long.class);

    private Specializer() {
    }

    /**
     * A consume loop for one ring.
     *
     * @param batchCommit store consumer_pos once per pass instead of once per record
     * @param specialized true: a class of its own, with the ring as constants; false: the shared class
     */
    static Consumer.Loop consumerLoop(RingView view, boolean batchCommit, boolean specialized) {
        Consumer.Loop prototype;
        if (specialized) {
            prototype = (Consumer.Loop) define(ConsumerLoopTemplate.class, new Object[] {true, view.consumerPage(),
                    view.producerPage(), view.data(), view.mask(), batchCommit}, CONSUMER_LOOP, null, null, null, 0L,
                    false);
        } else {
            prototype = sharedConsumerLoop;
            if (prototype == null) {
                prototype = (Consumer.Loop) define(ConsumerLoopTemplate.class,
                        new Object[] {false, null, null, null, 0L, false}, CONSUMER_LOOP, null, null, null, 0L, false);
                sharedConsumerLoop = prototype;
            }
        }
        return prototype.copyFor(view.consumerPage(), view.producerPage(), view.data(), view.mask(), !batchCommit);
    }

    /**
     * Reservation and commit code for one RINGBUF producer.
     *
     * @param specialized true: a class of its own, with the ring as constants; false: the shared class
     */
    static Producer.Ops producerOps(RingView view, RingControl control, boolean specialized) {
        MemorySegment lock = control.lockWord();
        Producer.Ops prototype;
        if (specialized) {
            prototype = (Producer.Ops) define(ProducerOpsTemplate.class, new Object[] {true, view.consumerPage(),
                    view.producerPage(), view.data(), lock, view.mask()}, PRODUCER_OPS, null, null, null, null, 0L);
        } else {
            prototype = sharedProducerOps;
            if (prototype == null) {
                prototype = (Producer.Ops) define(ProducerOpsTemplate.class,
                        new Object[] {false, null, null, null, null, 0L}, PRODUCER_OPS, null, null, null, null, 0L);
                sharedProducerOps = prototype;
            }
        }
        return prototype.copyFor(view.consumerPage(), view.producerPage(), view.data(), lock, view.mask());
    }

    /**
     * Reservation and commit code for one USER_RINGBUF producer.
     *
     * @param specialized true: a class of its own, with the ring as constants; false: the shared class
     */
    static UserProducer.Ops userProducerOps(RingView view, boolean specialized) {
        UserProducer.Ops prototype;
        if (specialized) {
            prototype = (UserProducer.Ops) define(UserProducerOpsTemplate.class, new Object[] {true,
                    view.consumerPage(), view.producerPage(), view.data(), view.mask()}, USER_PRODUCER_OPS, null, null,
                    null, 0L);
        } else {
            prototype = sharedUserProducerOps;
            if (prototype == null) {
                prototype = (UserProducer.Ops) define(UserProducerOpsTemplate.class,
                        new Object[] {false, null, null, null, 0L}, USER_PRODUCER_OPS, null, null, null, 0L);
                sharedUserProducerOps = prototype;
            }
        }
        return prototype.copyFor(view.consumerPage(), view.producerPage(), view.data(), view.mask());
    }

    /**
     * The class data of a template's hidden class: what {@code static final} fields read at class
     * initialisation.
     *
     * @param lookup the hidden class's own lookup
     * @throws IllegalStateException if the class is the template itself, loaded by name
     */
    static Object[] classData(MethodHandles.Lookup lookup) {
        try {
            Object[] data = MethodHandles.classData(lookup, "_", Object[].class);
            if (data == null) {
                throw new IllegalStateException(lookup.lookupClass().getSimpleName() + " is a template for hidden classes");
            }
            return data;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Defines a hidden class from a template's bytes with this class data and returns a
     * placeholder instance (made with {@code constructorArgs}) to copy from.
     */
    private static Object define(Class<?> template, Object[] classData, MethodType constructor,
                                 Object... constructorArgs) {
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(TEMPLATE_BYTES.get(template), classData, true);
            return hidden.findConstructor(hidden.lookupClass(), constructor).invokeWithArguments(constructorArgs);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define a class from " + template.getSimpleName(), e);
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
