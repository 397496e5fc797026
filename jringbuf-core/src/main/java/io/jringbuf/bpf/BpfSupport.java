/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.ErrnoException;

/**
 * Whether this process may use {@code bpf()}: creating a map and loading a program (root or
 * CAP_BPF, and a kernel with BPF). Probed once, on first use.
 */
public final class BpfSupport {
    private BpfSupport() {
    }

    private static volatile String refusal;
    private static volatile boolean probed;

    /**
     * {@return null if maps can be created and programs loaded here; otherwise the kernel's refusal
     * in one line, for example {@code "EPERM (1): bpf(BPF_MAP_CREATE) ARRAY 'probe' ..."}}
     */
    public static String refusal() {
        if (!probed) {
            synchronized (BpfSupport.class) {
                if (!probed) {
                    refusal = probe();
                    probed = true;
                }
            }
        }
        return refusal;
    }

    /** {@return true if {@link #refusal()} is null} */
    public static boolean available() {
        return refusal() == null;
    }

    private static String probe() {
        try (BpfMap map = BpfMap.createArray("probe", 8, 1);
             BpfProgram program = BpfProgram.load(ProgType.SOCKET_FILTER, "probe",
                     new Asm().mov(Reg.R0, 0).exit().build())) {
            return null;
        } catch (ErrnoException e) {
            return e.getMessage().lines().findFirst().orElse(e.errnoName());
        } catch (RuntimeException | LinkageError e) {
            return e.toString();
        }
    }
}
