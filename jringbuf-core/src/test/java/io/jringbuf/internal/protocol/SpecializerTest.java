/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.protocol;

import io.jringbuf.JvmRing;
import io.jringbuf.JvmRingInternals;
import io.jringbuf.base.RingType;
import io.jringbuf.internal.format.RingView;
import io.jringbuf.internal.wait.Notifier;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The switch to specialised hot-path code follows {@code jringbuf.specialize}: this class runs in
 * both Surefire executions (auto, and always), so each checks its own setting.
 */
class SpecializerTest {

    @Test
    void newRolesRunTheCodeTheSettingAsksFor() {
        boolean always = Specializer.MODE == Specializer.Mode.ALWAYS;
        try (JvmRing rb = JvmRing.anonymous(RingType.RINGBUF, 4096);
             JvmRing urb = JvmRing.anonymous(RingType.USER_RINGBUF, 4096)) {
            RingView v = JvmRingInternals.view(rb);
            Consumer c = new Consumer(v, false, Notifier.NONE, JvmRingInternals.control(rb));
            Producer p = new Producer(v, JvmRingInternals.control(rb), Notifier.NONE, null);
            UserProducer u = UserProducer.forKernelRing(JvmRingInternals.view(urb), null);
            assertEquals(always, c.isSpecialized(), "consumer, " + Specializer.MODE);
            assertEquals(always, p.isSpecialized(), "producer, " + Specializer.MODE);
            assertEquals(always, u.isSpecialized(), "user producer, " + Specializer.MODE);
        }
    }

    @Test
    void theTemplatesUnderTheirOwnNamesAreTheGenericCode() {
        // No class data: the accessors read the instance fields.
        assertNull(Specializer.constants(MethodHandles.lookup(), Object.class));
        try (JvmRing rb = JvmRing.anonymous(RingType.RINGBUF, 4096)) {
            RingView v = JvmRingInternals.view(rb);
            Consumer.Loop generic = Specializer.consumerLoop(v, false, false);
            Consumer.Loop own = Specializer.consumerLoop(v, false, true);
            assertEquals(ConsumerLoopTemplate.class, generic.getClass());
            assertTrue(own.getClass().isHidden(), own.getClass().getName());
            assertTrue(own.getClass().getName().startsWith(ConsumerLoopTemplate.class.getName() + "/"));
        }
    }

    @Test
    void aBadSettingIsRefusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Specializer.mode("fast"));
        assertTrue(e.getMessage().contains("jringbuf.specialize=fast"), e.getMessage());
        assertEquals(Specializer.Mode.NEVER, Specializer.mode(" Never "));
    }
}
