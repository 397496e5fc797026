/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.internal.format.RingView;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Gives a busy role hot-path code of its own ring: a hidden class defined from the class file of
 * a template ({@link ConsumerLoopTemplate}, {@link ProducerOpsTemplate},
 * {@link UserProducerOpsTemplate}) with the ring's memory as its class data, which the template
 * reads into a {@code static final} record. Under its own name a template is the ordinary,
 * generic implementation (no class data: it reads instance fields). Why, and how to debug it:
 * the package documentation, "Specialised hot paths".
 *
 * <p>The system property {@code jringbuf.specialize} chooses: {@code auto} (the default: a role
 * switches after its {@code SPECIALIZE_AFTER} calls), {@code always} (at creation; a class that
 * cannot be defined is an error, so that tests of the specialised code cannot pass on the generic
 * code) or {@code never} (the generic code only).
 */
final class Specializer {
    /** When roles get code of their own. */
    enum Mode { AUTO, ALWAYS, NEVER }

    /** The {@code jringbuf.specialize} setting, read once. */
    static final Mode MODE = mode(System.getProperty("jringbuf.specialize", "auto"));

    /** The class file bytes of each template, read once. */
    private static final ClassValue<byte[]> TEMPLATE_BYTES = new ClassValue<>() {
        @Override
        protected byte[] computeValue(Class<?> template) {
            return read(template.getSimpleName() + ".class");
        }
    };

    private Specializer() {
    }

    static Mode mode(String value) {
        try {
            return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("jringbuf.specialize=" + value + ": expected auto, always or never", e);
        }
    }

    /**
     * The countdown a role starts with: calls (plus records, for the consumer) before it switches
     * to code of its own.
     *
     * @param auto the role's threshold in {@link Mode#AUTO}
     * @return 0 for {@link Mode#ALWAYS} (switch at once), {@link Long#MAX_VALUE} for
     *         {@link Mode#NEVER}
     */
    static long countdown(long auto) {
        return switch (MODE) {
            case AUTO -> auto;
            case ALWAYS -> 0;
            case NEVER -> Long.MAX_VALUE;
        };
    }

    /**
     * Makes a role's specialised code, or null if the class could not be defined: the generic code
     * goes on working (an optimisation must not break a ring). With {@code always} the failure is
     * thrown instead.
     */
    static <T> T trySpecialize(Supplier<T> make) {
        try {
            return make.get();
        } catch (RuntimeException | Error e) {
            if (MODE == Mode.ALWAYS) {
                throw new IllegalStateException("jringbuf.specialize=always: cannot define the specialised code", e);
            }
            return null;
        }
    }

    /**
     * The class data a template was defined with.
     *
     * @param lookup the template's own lookup
     * @return the constants of a specialised class, or null for the template under its own name
     */
    static <T> T constants(MethodHandles.Lookup lookup, Class<T> type) {
        try {
            return MethodHandles.classData(lookup, "_", type);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A consume loop for one ring: the generic class, or one of the ring's own. */
    static Consumer.Loop consumerLoop(RingView view, boolean batchCommit, boolean specialized) {
        var k = new ConsumerLoopTemplate.Constants(view.consumerPage(), view.producerPage(), view.data(), view.mask(),
                !batchCommit);
        return specialized ? (Consumer.Loop) define(ConsumerLoopTemplate.class, k) : new ConsumerLoopTemplate(k);
    }

    /** Reservation and commit code for one RINGBUF producer: the generic class, or one of its own. */
    static Producer.Ops producerOps(RingView view, RingControl control, boolean specialized) {
        var k = new ProducerOpsTemplate.Constants(view.consumerPage(), view.producerPage(), view.data(),
                control.lockWord(), view.mask());
        return specialized ? (Producer.Ops) define(ProducerOpsTemplate.class, k) : new ProducerOpsTemplate(k);
    }

    /** Reservation and commit code for one USER_RINGBUF producer: the generic class, or one of its own. */
    static UserProducer.Ops userProducerOps(RingView view, boolean specialized) {
        var k = new UserProducerOpsTemplate.Constants(view.consumerPage(), view.producerPage(), view.data(),
                view.mask());
        return specialized ? (UserProducer.Ops) define(UserProducerOpsTemplate.class, k)
                : new UserProducerOpsTemplate(k);
    }

    /**
     * Defines a hidden class from a template's bytes with {@code constants} as its class data, and
     * makes its one instance with the template's constructor, which takes the same record. A
     * hidden class is not strongly reachable from its loader: it is unloaded with its instance.
     */
    private static Object define(Class<?> template, Record constants) {
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(TEMPLATE_BYTES.get(template), constants, true);
            return hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class, constants.getClass()))
                    .invoke(constants);
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
