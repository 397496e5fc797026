/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * The four roles of the BPF ring buffer protocol, as plain algorithms over a
 * {@link io.jringbuf.internal.format.RingView}, whatever backs the memory: the RINGBUF
 * {@link io.jringbuf.internal.protocol.Consumer} (libbpf's {@code ringbuf_process_ring} with the
 * missed-wakeup fence) and {@link io.jringbuf.internal.protocol.Producer} (the kernel's
 * reserve/commit, for JVM rings), the USER_RINGBUF
 * {@link io.jringbuf.internal.protocol.UserProducer} (libbpf's {@code user_ring_buffer}) and
 * {@link io.jringbuf.internal.protocol.Drainer} (the kernel's {@code bpf_user_ringbuf_drain}, for
 * JVM rings), and what the kernel keeps privately for JVM rings
 * ({@link io.jringbuf.internal.protocol.RingControl}). Not exported: the public faces are
 * {@code io.jringbuf.RingReader} and {@code io.jringbuf.RingWriter}.
 *
 * <h2>The consume rules, and their copies</h2>
 * The rules are stated once, in {@link io.jringbuf.internal.protocol.Consumer}'s class
 * documentation ("Semantics"). Four loops apply them, each written for its own reason, and each
 * links to that section: the consume loop ({@code ConsumerLoopTemplate}, specialised, the one
 * that must be fast), the holding loop (busy polling: stores one record back, kept out of the
 * template because it slowed it), the read-ahead loop (explicit commit: no stores at all), and the
 * drainer's (the kernel's drain differs on purpose: discards count toward its limit, a BUSY sample
 * ends it, errors are E2BIG/EINVAL as in the kernel). An overwrite ring's reader
 * ({@code OverwriteLoop}) is a fifth, not specialised: it must copy each record out and re-check
 * {@code overwrite_pos} before delivering, whatever the JIT folds. The tests run the loops through the same
 * cases ({@code ConsumerTest.OddRun}: an odd record at each place of a run).
 *
 * <h2>Specialised hot paths</h2>
 * <b>Why.</b> A role reads its ring through {@link java.lang.foreign.MemorySegment}s. Each access
 * checks bounds, alignment, read-only and the segment's session. When the segments are instance
 * fields, the JIT must reload them and their fields after every acquire load or fence (a barrier
 * forbids keeping them in registers), so the checks are redone at full cost inside the loop. When
 * the segments are {@code static final} constants, the JIT folds the segments' own final fields
 * and most checks become compares against constants. The gain is measured in
 * {@code bench/KERNEL-NOTES.md} (about a fifth of the consume and produce rates) and the code keeps
 * it.
 *
 * <p><b>How.</b> The hot code lives in three templates: {@code ConsumerLoopTemplate},
 * {@code ProducerOpsTemplate}, {@code UserProducerOpsTemplate}. Each reads a record of its ring's
 * memory ({@code Constants}) from its class data into a {@code static final} field {@code K}, and
 * has accessors that return {@code K}'s value when there is one and the instance field otherwise.
 * Under its own name a template has no class data ({@code K} is null): it is the ordinary,
 * generic implementation that every role starts with. {@link io.jringbuf.internal.protocol.Specializer}
 * defines a hidden class from the template's class file with the ring's {@code Constants} as class
 * data: the same bytecode, with the ring as constants.
 *
 * <p><b>Lifecycle.</b> A role runs the generic code first; after {@code SPECIALIZE_AFTER} uses
 * (consumer: 65,536 calls plus records; producers: 64 reservations, early enough that the JIT's
 * profile of a caller's loop never counts the generic path, which would otherwise be compiled
 * into the caller beside the specialised one and make it too big to inline) it defines its own
 * class once and switches to it. Short-lived roles (tests, tools) never pay for a class. A hidden class
 * is not strongly reachable from its loader: it is unloaded with the role that uses it. The
 * system property {@code jringbuf.specialize} overrides the threshold: {@code always} switches at
 * creation, {@code never} keeps the generic code.
 *
 * <p><b>Invariants.</b> Both kinds run the same bytecode; a class's constants are its one ring's
 * memory, equal to the fields of its instance; a role never hands its specialised code to another
 * ring.
 *
 * <p><b>Failure.</b> A class that cannot be defined leaves the role on the generic code, which is
 * always correct ({@code always} makes it an error instead, for tests).
 *
 * <p><b>Debugging.</b> Rule it out with {@code -Djringbuf.specialize=never}; run the tests on the
 * specialised code with {@code -Djringbuf.specialize=always} (the build does: a second Surefire
 * execution of the protocol tests); see the classes with {@code -Xlog:class+load} (hidden classes
 * are named like {@code ConsumerLoopTemplate/0x...}); and the JIT's view with
 * {@code -XX:+PrintCompilation} and {@code -XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining}.
 */
package io.jringbuf.internal.protocol;
