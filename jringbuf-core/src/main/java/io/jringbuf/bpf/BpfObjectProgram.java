/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.loader.BpfCalls;
import io.jringbuf.internal.loader.KconfigValues;
import io.jringbuf.internal.loader.ObjectSpec;
import io.jringbuf.internal.loader.Probes;
import io.jringbuf.internal.loader.SectionDefs;

import java.nio.file.Path;

/**
 * A program of a {@link BpfObject}: one function of a program section. Its type and how it
 * attaches come from the section name ({@code SEC("tracepoint/syscalls/sys_enter_openat")}), as
 * in libbpf; before load, whether it loads ({@link #setAutoload}) and where it attaches
 * ({@link #setAttachTarget}) can be changed. A section name starting with {@code ?} turns autoload
 * off.
 */
public final class BpfObjectProgram {
    private final BpfObject object;
    private final ObjectSpec.ProgramSpec spec;
    private BpfProgram program;

    BpfObjectProgram(BpfObject object, ObjectSpec.ProgramSpec spec) {
        this.object = object;
        this.spec = spec;
    }

    ObjectSpec.ProgramSpec spec() {
        return spec;
    }

    void loaded(BpfProgram program) {
        this.program = program;
    }

    /** {@return the function's name} */
    public String name() {
        return spec.name;
    }

    /** {@return the section name without a leading {@code ?}} */
    public String section() {
        return spec.section;
    }

    /** {@return the program type the section implies, or null for a section libbpf does not know} */
    public ProgType type() {
        return spec.def == null ? null : ProgType.of(spec.def.progType());
    }

    /** {@return {@code expected_attach_type} (the kernel's {@code enum bpf_attach_type})} */
    public int expectedAttachType() {
        return spec.def == null ? 0 : spec.def.attachType();
    }

    /** {@return whether {@link BpfObject#load()} loads this program} */
    public boolean autoload() {
        return spec.autoload;
    }

    /**
     * Turns loading on or off (libbpf's {@code bpf_program__set_autoload}).
     *
     * @param autoload whether to load it
     * @return this
     * @throws ErrnoException EINVAL after load
     */
    public BpfObjectProgram setAutoload(boolean autoload) {
        object.requireOpen("set autoload of program '" + spec.name + "'");
        spec.autoload = autoload;
        return this;
    }

    /**
     * {@return the attach target: the part of the section name after its kind ({@code
     * "syscalls/sys_enter_openat"}), or what {@link #setAttachTarget} set}
     */
    public String attachTarget() {
        return spec.attachTarget;
    }

    /**
     * Changes where the program attaches: a tracepoint {@code "category/event"}, a raw tracepoint
     * name, a kernel function (kprobe, fentry, fexit, tp_btf's tracepoint, lsm hook), a syscall
     * name (ksyscall), or {@code "/path/to/binary:function[+offset]"} (uprobe). For tp_btf,
     * fentry, fexit and lsm the target is looked up in the kernel's BTF at load, so it must be set
     * before load; the other kinds take it until {@link #attach()}.
     *
     * @param target the new target
     * @return this
     */
    public BpfObjectProgram setAttachTarget(String target) {
        if (spec.def != null && spec.def.attachBtf()) {
            object.requireOpen("set the attach target of program '" + spec.name + "' (resolved at load)");
        }
        spec.attachTarget = target == null ? "" : target;
        return this;
    }

    /**
     * {@return the loaded program}
     *
     * @throws ErrnoException EINVAL before load or if it was not loaded (autoload off)
     */
    public BpfProgram program() {
        object.requireLoaded("use program '" + spec.name + "'");
        if (program == null) {
            throw new ErrnoException(Errno.EINVAL, object.name() + ": program '" + spec.name + "' was not loaded "
                    + "(autoload is off)");
        }
        return program;
    }

    /** {@return whether {@link #attach()} knows where this program goes (its kind and target)} */
    public boolean attachable() {
        if (spec.def == null) {
            return false;
        }
        return switch (spec.def.attach()) {
            case NONE -> false;
            case TRACING -> true;
            default -> !spec.attachTarget.isEmpty();
        };
    }

    /**
     * Attaches the loaded program by its section's kind: tracepoint, raw_tp, tp_btf, fentry,
     * fexit, fmod_ret, lsm, kprobe, kretprobe, ksyscall, kretsyscall, uprobe, uretprobe.
     * The link is also closed with the object.
     *
     * @return the link; close it to detach
     * @throws ErrnoException EOPNOTSUPP for kinds that do not attach by name (socket filters, XDP,
     *     ...); EINVAL without a target; the kernel's errno when it refuses, for example ENOENT for
     *     kprobes on a kernel without the kprobe PMU, or EPERM/ENOTSUPP where BPF trampolines are
     *     not allowed
     */
    public BpfLink attach() {
        BpfProgram p = program();
        String what = "program '" + spec.name + "' (section '" + spec.section + "') of " + object.name();
        if (spec.def == null || spec.def.attach() == SectionDefs.Attach.NONE) {
            throw new ErrnoException(Errno.EOPNOTSUPP, what + " is of a kind that does not attach by name; attach "
                    + "it through its BpfProgram");
        }
        String target = spec.attachTarget;
        if (target.isEmpty() && spec.def.attach() != SectionDefs.Attach.TRACING) {
            throw new ErrnoException(Errno.EINVAL, what + " has no attach target; set one with setAttachTarget");
        }
        BpfLink link = switch (spec.def.attach()) {
            case TRACEPOINT -> {
                int slash = target.indexOf('/');
                if (slash <= 0) {
                    throw new ErrnoException(Errno.EINVAL, what + ": tracepoint target '" + target
                            + "' is not category/event");
                }
                yield p.attachTracepoint(target.substring(0, slash), target.substring(slash + 1));
            }
            case RAW_TRACEPOINT -> p.attachRawTracepoint(target);
            case TRACING -> new BpfLink(BpfCalls.rawTracepointOpen(null, p.fd(), "attach " + what), spec.section);
            case KPROBE, KRETPROBE -> probe("kprobe", target, spec.def.attach() == SectionDefs.Attach.KRETPROBE, p, what);
            case KSYSCALL, KRETSYSCALL -> {
                boolean wrapper = KconfigValues.hasSyscallWrapper();
                yield probe("kprobe", (wrapper ? "__x64_sys_" : "sys_") + target,
                        spec.def.attach() == SectionDefs.Attach.KRETSYSCALL, p, what);
            }
            case UPROBE, URETPROBE -> uprobe(target, spec.def.attach() == SectionDefs.Attach.URETPROBE, p, what);
            case NONE -> throw new IllegalStateException();
        };
        object.ownLink(link);
        return link;
    }

    private static BpfLink probe(String pmu, String target, boolean ret, BpfProgram p, String what) {
        String function = target;
        long offset = 0;
        int plus = target.indexOf('+');
        if (plus > 0) {
            function = target.substring(0, plus);
            offset = parseOffset(target.substring(plus + 1), what);
        }
        int fd = Probes.attach(pmu, function, offset, ret, p.fd(), what);
        return new BpfLink(fd, (ret ? "kretprobe/" : "kprobe/") + target);
    }

    private static BpfLink uprobe(String target, boolean ret, BpfProgram p, String what) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || !target.startsWith("/")) {
            throw new ErrnoException(Errno.EINVAL, what + ": uprobe target '" + target
                    + "' is not /absolute/path/to/binary:function[+offset]");
        }
        Path binary = Path.of(target.substring(0, colon));
        String function = target.substring(colon + 1);
        long extra = 0;
        int plus = function.indexOf('+');
        if (plus >= 0) {
            extra = parseOffset(function.substring(plus + 1), what);
            function = function.substring(0, plus);
        }
        long offset = function.isEmpty() ? extra : Probes.functionOffset(binary, function) + extra;
        int fd = Probes.attach("uprobe", binary.toString(), offset, ret, p.fd(), what);
        return new BpfLink(fd, (ret ? "uretprobe/" : "uprobe/") + target);
    }

    private static long parseOffset(String s, String what) {
        try {
            return s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ErrnoException(Errno.EINVAL, what + ": offset '" + s + "' is not a number", e);
        }
    }

    @Override
    public String toString() {
        return "BpfObjectProgram['" + spec.name + "' section '" + spec.section + "' type " + type()
                + (spec.autoload ? "" : " autoload off") + "]";
    }
}
