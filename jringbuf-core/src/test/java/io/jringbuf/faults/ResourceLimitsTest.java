/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.faults;

import io.jringbuf.JvmRing;
import io.jringbuf.base.RingType;
import io.jringbuf.kernel.KernelGate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Limits reached at the moment a ring, a poller's epoll set or its eventfd is opened, or a ring is
 * mapped: the error names the errno and what was being opened, and nothing half-made is left (the
 * child JVM counts its descriptors and mappings before and after). The limits are lowered with
 * {@code setrlimit} (through FFM) in a child JVM, so this JVM is never short of anything.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ResourceLimitsTest {
    @TempDir
    Path dir;

    @Test
    void outOfDescriptorsOpeningARingIsEmfileNamingWhatWasOpenedAndLeavesNothing() throws Exception {
        Path file = dir.resolve("ring");
        JvmRing.create(file, RingType.RINGBUF, 4096).close();
        try (ChildJvm child = ChildJvm.start("nofile", file.toString())) {
            child.expectLine("error: ENOENT (2): open ring file /nonexistent/ring", 30_000); // warm-up
            child.expectLine("error: EMFILE (24): open ring file " + file, 30_000);
            child.expectLine("error: EMFILE (24): memfd_create for an anonymous ring", 30_000);
            String create = child.nextLine(30_000);
            assertTrue(create.startsWith("error: EMFILE (24): create ring file " + dir.resolve("new") + " (as .new.tmp-"),
                    create);
            assertTrue(create.endsWith(" until it is complete)"), create);
            String[] fds = child.nextLine(30_000).split(" ");
            assertEquals("fds:", fds[0]);
            assertEquals(fds[1], fds[2], "descriptors before and after");
            String[] maps = child.nextLine(30_000).split(" ");
            assertEquals("maps:", maps[0]);
            assertEquals(maps[1], maps[2], "mappings of the ring file before and after");
            child.expectLine("reopened", 30_000);
            child.awaitSuccess(30_000);
        }
        try (var left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "no new ring file, no hidden temporary");
        }
    }

    @Test
    void outOfDescriptorsForAKernelRingIsEmfileForTheEpollSetItsEventfdOrTheMap() throws Exception {
        KernelGate.requireBpf();
        try (ChildJvm child = ChildJvm.start("nofile-kernel")) {
            child.expectLine("error: ENOENT (2): open ring file /nonexistent/ring", 30_000); // warm-up
            child.expectLine("error: EMFILE (24): epoll_create1 for a ring poller's epoll set", 30_000);
            child.expectLine("error: EMFILE (24): eventfd for waking an epoll wait", 30_000);
            String map = child.nextLine(30_000);
            assertTrue(map.startsWith("error: EMFILE (24): bpf(BPF_MAP_GET_FD_BY_ID) open map id "), map);
            String[] fds = child.nextLine(30_000).split(" ");
            assertEquals("fds:", fds[0]);
            assertEquals(fds[1], fds[2], "descriptors before and after: the epoll set was closed again");
            child.awaitSuccess(30_000);
        }
    }

    @Test
    void noAddressSpaceToMapARingIsEnomemAndLeavesNoFile() throws Exception {
        Path file = dir.resolve("big");
        long size = 64L << 20;
        try (ChildJvm child = ChildJvm.start("address-space", file.toString(), Long.toString(size))) {
            child.expectLine("error: ENOENT (2): open ring file /nonexistent/ring", 30_000); // warm-up
            String error = child.nextLine(30_000);
            long total = 3L * 4096 + 2 * size;
            assertEquals("error: ENOMEM (12): reserve " + total + " bytes for ring file " + file, error);
            String[] fds = child.nextLine(30_000).split(" ");
            assertEquals(fds[1], fds[2], "descriptors before and after");
            child.expectLine("exists: false", 30_000);
            child.expectLine("files: 0", 30_000); // nor its hidden temporary
            child.awaitSuccess(30_000);
        }
        assertFalse(Files.exists(file));
    }
}
