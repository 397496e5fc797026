/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM through {@link Signals#shutdownHook()} in a child JVM ({@link SignalsProbe}): the JVM
 * ends with the status the command ended with, after its last line, also when it fails while it
 * stops (a hook that halted with status 0 as soon as the command let go lost both).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignalsTest {

    private static Process probe(String mode) throws IOException {
        List<String> command = new ArrayList<>();
        if (Cli.ENV_RESETS_SIGNALS) {
            command.addAll(List.of("/usr/bin/env", "--default-signal=INT,QUIT"));
        }
        command.addAll(List.of(Cli.java(), "-cp", System.getProperty("java.class.path"),
                SignalsProbe.class.getName(), mode));
        Process p = new ProcessBuilder(command).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine(), "the probe registered");
        return p;
    }

    private static String stderr(Process p) throws IOException {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aCommandThatFailsWhileItStopsEndsWithItsStatusAndItsLine() throws Exception {
        Process p = probe("fail");
        assertTrue(p.toHandle().destroy(), "SIGTERM sent");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the probe ended");
        String err = stderr(p);
        assertEquals(3, p.exitValue(), err);
        assertEquals("probe: failed while stopping (stop requested: true)\n", err);
    }

    @Test
    void aCommandThatReleasesTheStopItselfEndsWithStatusZero() throws Exception {
        Process p = probe("finished");
        assertTrue(p.toHandle().destroy(), "SIGTERM sent");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the probe ended");
        assertEquals(0, p.exitValue(), "released by finished(), not by the later ended(6): " + stderr(p));
    }

    @Test
    void withoutASignalTheHookIsRemovedAndTheStatusIsTheCommands() throws Exception {
        Process p = probe("nosignal");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the probe ended");
        assertEquals(5, p.exitValue(), stderr(p));
    }
}
