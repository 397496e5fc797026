/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM through {@link Signals#shutdownHook()} in a child JVM ({@link SignalsProbe}): the JVM
 * ends with the status the command ended with, after its last line, also when it fails while it
 * stops (a hook that halted with status 0 as soon as the command let go lost both); a command
 * that does not end within the hook's bound ends with a line and status 1, not as a success.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignalsTest {

    private static Process probe(String mode) throws IOException {
        Process p = Cli.startMain(SignalsProbe.class, mode);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine(), "the probe registered");
        return p;
    }

    /** Sends SIGTERM, waits (bounded) for the end and returns stderr. */
    private static String terminate(Process p) throws Exception {
        assertTrue(p.toHandle().destroy(), "SIGTERM sent");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the probe ended");
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** {@code wakeup-throws}: also when the wake-up throws (a command whose ring is closed already). */
    @ParameterizedTest
    @ValueSource(strings = {"fail", "wakeup-throws"})
    void aCommandThatFailsWhileItStopsEndsWithItsStatusAndItsLine(String mode) throws Exception {
        Process p = probe(mode);
        String err = terminate(p);
        assertEquals(3, p.exitValue(), err);
        assertEquals("woken\nprobe: failed while stopping (stop requested: true)\n", err);
    }

    @Test
    void aCommandThatReleasesTheStopItselfEndsWithStatusZero() throws Exception {
        Process p = probe("finished");
        String err = terminate(p);
        assertEquals(0, p.exitValue(), "released by finished(), not by the later ended(6): " + err);
        assertEquals("woken\n", err);
    }

    @Test
    void aWakeUpThatReleasesTheStopEndsWithStatusZero() throws Exception {
        Process p = probe("finished-in-hook");
        String err = terminate(p);
        assertEquals(0, p.exitValue(), err);
        assertEquals("woken\n", err, "released, not ended by the hook's bound");
    }

    @Test
    void aCommandThatDoesNotEndWithinTheBoundEndsWithALineAndStatusOne() throws Exception {
        Process p = probe("never-released");
        String err = terminate(p);
        assertEquals(1, p.exitValue(), err);
        assertEquals("woken\njringbuf: the command did not stop within 10 s of the signal; ended without its summary\n",
                err);
    }

    @Test
    void withoutASignalTheHookIsRemovedAndTheStatusIsTheCommands() throws Exception {
        Process p = probe("no-signal");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the probe ended");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(5, p.exitValue(), err);
        assertEquals("", err, "the hook did not run at exit");
    }
}
