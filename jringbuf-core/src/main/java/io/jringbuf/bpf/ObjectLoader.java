/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.btf.BtfKind;
import io.jringbuf.internal.btf.KernelBtf;
import io.jringbuf.internal.loader.BpfCalls;
import io.jringbuf.internal.loader.KconfigValues;
import io.jringbuf.internal.loader.Linker;
import io.jringbuf.internal.loader.ObjectSpec;
import io.jringbuf.internal.loader.VerifierLog;
import io.jringbuf.internal.sys.Sys;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;

/**
 * The steps of {@link BpfObject#load()}: maps (created or found pinned; global data filled,
 * {@code .rodata} and {@code .kconfig} frozen, data sections mapped) and programs (linked, their
 * BTF ids looked up, loaded; a rejection read back into a {@link BpfVerifierException}). Everything
 * made goes into the object's {@link ObjectResources}.
 */
final class ObjectLoader {
    private final ObjectSpec spec;
    private final ObjectResources resources;
    private final Path pinRoot;

    ObjectLoader(ObjectSpec spec, ObjectResources resources, Path pinRoot) {
        this.spec = spec;
        this.resources = resources;
        this.pinRoot = pinRoot;
    }

    /** {@return the object's BTF fd, or -1 if it has no BTF} */
    int loadBtf() {
        if (spec.btf() == null) {
            return -1;
        }
        return resources.own(BtfHandle.load(spec.btf().bytes(), spec.name())).fd();
    }

    static int kernelVersionOrZero() {
        try {
            return KconfigValues.kernelVersion();
        } catch (ErrnoException e) {
            return 0; // kern_version is ignored by kernels of this decade
        }
    }

    private String kernelMapName(ObjectSpec.MapDef m) {
        return m.kind == ObjectSpec.MapKind.BTF ? m.name : internalMapName(spec.name(), m.name);
    }

    /**
     * libbpf's kernel name for a global-data map ({@code internal_map_name}): the object's file name
     * up to its first dot, cut so that the section name (at least 7 characters' room) fits in 15;
     * no prefix for section names with a second dot ({@code .data.custom}, {@code .rodata.str1.1}).
     */
    static String internalMapName(String object, String section) {
        String obj = object.substring(object.lastIndexOf('/') + 1);
        int dot = obj.indexOf('.');
        obj = dot >= 0 ? obj.substring(0, dot) : obj;
        int sfx = Math.min(Math.max(7, section.length()), 15);
        int pfx = section.indexOf('.', 1) >= 0 ? 0 : Math.min(16 - sfx - 1, obj.length());
        return obj.substring(0, pfx) + section.substring(0, Math.min(sfx, section.length()));
    }

    BpfMap createMap(ObjectSpec.MapDef def, int btfFd) {
        BpfMap map = def.pinning == 1 ? pinnedMap(def, btfFd)
                : resources.own(BpfMap.adopt(BpfCalls.mapCreate(def, kernelMapName(def), btfFd, spec.name())));
        String what = spec.name() + ": map '" + def.name + "'";
        byte[] image = null;
        boolean readOnly = false;
        if (def.kind == ObjectSpec.MapKind.DATA) {
            ObjectSpec.DataSection d = spec.data().get(def.name);
            image = d.image();
            readOnly = d.readOnly();
        } else if (def.kind == ObjectSpec.MapKind.KCONFIG) {
            image = new byte[def.valueSize];
            KconfigValues.fill(image, spec.kconfig());
            readOnly = true;
        }
        if (image != null) {
            BpfCalls.updateFirst(map.fd(), image, what);
            if (readOnly) {
                BpfCalls.freeze(map.fd(), what); // before any program loads: the verifier folds the values
            }
            if (def.kind == ObjectSpec.MapKind.DATA) {
                long len = (image.length + Sys.pageSize() - 1L) / Sys.pageSize() * Sys.pageSize();
                MemorySegment seg = Sys.mmap(MemorySegment.NULL, len,
                        readOnly ? Sys.PROT_READ : Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, map.fd(), 0,
                        "mmap " + what);
                resources.mapped(def.name, seg.reinterpret(image.length, resources.mappings(), s -> Sys.rawMunmap(s, len)));
            }
        }
        return map;
    }

    private BpfMap pinnedMap(ObjectSpec.MapDef def, int btfFd) {
        Path path = pinRoot.resolve(def.name);
        int fd = BpfCalls.rawObjGet(path.toString());
        if (fd >= 0) {
            BpfMap map = resources.own(BpfMap.adopt(fd));
            MapInfo info = map.info();
            if (info.type() != def.type || info.keySize() != def.keySize || info.valueSize() != def.valueSize
                    || info.maxEntries() != def.maxEntries || info.flags() != def.flags) {
                throw new ErrnoException(Errno.EINVAL, spec.name() + ": map '" + def.name + "' pinned at " + path
                        + " is " + info.typeName() + " key=" + info.keySize() + " value=" + info.valueSize()
                        + " max_entries=" + info.maxEntries() + " flags=0x" + Integer.toHexString(info.flags())
                        + ", but the object defines " + MapType.nameOf(def.type) + " key=" + def.keySize + " value="
                        + def.valueSize + " max_entries=" + def.maxEntries + " flags=0x" + Integer.toHexString(def.flags));
            }
            return map;
        }
        if (fd != -Errno.ENOENT) {
            Sys.check(fd, "bpf(BPF_OBJ_GET) " + spec.name() + ": look for pinned map '" + def.name + "' at " + path);
        }
        BpfMap map = resources.own(BpfMap.adopt(BpfCalls.mapCreate(def, kernelMapName(def), btfFd, spec.name())));
        BpfCalls.pin(map.fd(), path.toString(), spec.name() + ": map '" + def.name + "'");
        return map;
    }

    BpfProgram loadProgram(ObjectSpec.ProgramSpec p, int btfFd, Map<String, Integer> fds, int kernVersion) {
        String what = spec.name() + ": program '" + p.name + "' (section '" + p.section + "')";
        if (p.def == null) {
            throw new ErrnoException(Errno.EOPNOTSUPP, what + ": section name is not one libbpf knows, so the program "
                    + "type is unknown; rename the section or turn autoload off");
        }
        int attachBtfId = p.def.attachBtf() ? attachBtfId(p, what) : 0;
        Linker.Linked linked = Linker.link(spec, p, fds);
        BpfCalls.Loaded r = BpfCalls.progLoad(new BpfCalls.ProgLoad(p.def.progType(), p.def.attachType(),
                p.def.progFlags(), p.name, spec.license(), kernVersion, btfFd, attachBtfId,
                linked));
        if (r.fd() < 0) {
            String source = VerifierLog.sourceLine(r.log(), linked, spec.btf());
            String core = VerifierLog.coreFailure(r.log());
            throw new BpfVerifierException(r.errno(), "bpf(BPF_PROG_LOAD) " + what + " rejected"
                    + (core.isEmpty() ? "" : " (" + core + ")")
                    + (r.errno() == Errno.EPERM && p.def.attachBtf() ? " (EPERM for a program that needs a BPF "
                    + "trampoline: this kernel refuses BPF trampolines, or the process lacks CAP_BPF and CAP_PERFMON)"
                    : ""), r.log(), p.name, source);
        }
        return resources.own(BpfProgram.adopt(r.fd(), BpfCalls.kernelName(p.name), ProgType.of(p.def.progType())));
    }

    private int attachBtfId(ObjectSpec.ProgramSpec p, String what) {
        if (p.attachTarget.isEmpty()) {
            throw new ErrnoException(Errno.EINVAL, what + " needs an attach target (a kernel function or "
                    + "tracepoint) to find its BTF id at load");
        }
        String prefix = p.def.btfPrefix();
        int kind = prefix.equals("btf_trace_") ? BtfKind.TYPEDEF : BtfKind.FUNC;
        String name = prefix + p.attachTarget;
        int id = KernelBtf.vmlinux().find(kind, name);
        if (id < 0) {
            throw new ErrnoException(Errno.ENOENT, what + ": the kernel's BTF has no " + BtfKind.name(kind) + " '"
                    + name + "' to attach to");
        }
        return id;
    }
}
