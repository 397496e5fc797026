/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import java.nio.file.Path;

/**
 * Opens kernel ring maps ({@code --pinned PATH}, {@code --map-id ID}). This build has no kernel
 * layer: {@link #UNAVAILABLE} refuses with a usage error. A build with one installs its factory
 * with {@link #install} before running {@link Main}.
 */
public interface KernelTargets {

    /**
     * @param path a BPF filesystem path of a pinned ring map
     * @return the target
     */
    Target openPinned(Path path);

    /**
     * @param mapId a kernel map id
     * @return the target
     */
    Target openMapId(int mapId);

    /** The message every kernel target gets in a build without the kernel layer. */
    String UNAVAILABLE_MESSAGE = "kernel targets: not available in this build";

    /** Refuses every kernel target with {@link CliException#USAGE}. */
    KernelTargets UNAVAILABLE = new KernelTargets() {
        @Override
        public Target openPinned(Path path) {
            throw new CliException(CliException.USAGE, UNAVAILABLE_MESSAGE);
        }

        @Override
        public Target openMapId(int mapId) {
            throw new CliException(CliException.USAGE, UNAVAILABLE_MESSAGE);
        }
    };

    /**
     * Installs the factory the commands use for kernel targets.
     *
     * @param factory the factory
     */
    static void install(KernelTargets factory) {
        TargetOptions.kernel = java.util.Objects.requireNonNull(factory, "factory");
    }
}
