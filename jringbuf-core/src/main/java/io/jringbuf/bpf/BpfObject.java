/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.loader.ObjectParser;
import io.jringbuf.internal.loader.ObjectSpec;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A BPF object file as clang writes it ({@code clang -O2 -g -target bpf -c tool.bpf.c}), loaded
 * in pure Java the way libbpf loads it: BTF-defined maps, global data ({@code .rodata} knobs,
 * {@code .data}, {@code .bss}), programs by {@code SEC()} name, {@code .text} subprograms and
 * callbacks, CO-RE (done by the kernel from the object's relocation records), and attachment by
 * section name.
 *
 * <pre>{@code
 * try (BpfObject obj = BpfObject.open(Path.of("tool.bpf.o"))) {
 *     obj.variable("target_pid").set(pid);      // a const volatile knob, before load
 *     obj.load();                                 // maps, .rodata frozen, programs verified
 *     obj.attachAll();                            // by section name
 *     BpfMap events = obj.map("events");          // hand events.fd() to a ring consumer
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link #open} parses the file (nothing reaches the kernel); maps, programs and
 * variables may then be edited; {@link #load()} uploads the object's BTF once, creates the maps,
 * fills and freezes {@code .rodata}, and loads every autoloaded program; {@link #close()} closes
 * links, programs, maps and BTF in reverse order. A failed load closes everything it made; the
 * object then only closes. Every failure is an {@link ErrnoException} naming the object and the
 * culprit (a {@link BpfVerifierException} when the verifier refuses a program).
 *
 * <p>Threads: edit and load from one thread; {@link #load()} and {@link #close()} are
 * synchronized. After load, maps, programs and variables may be used from any thread; an access
 * racing {@link #close()} fails with EBADF.
 */
public final class BpfObject implements AutoCloseable {
    private enum State { OPEN, LOADED, FAILED, CLOSED }

    private final ObjectSpec spec;
    private final Map<String, BpfObjectMap> maps = new LinkedHashMap<>();
    private final Map<String, BpfObjectProgram> programs = new LinkedHashMap<>();
    private final Map<String, BpfVariable> variables = new LinkedHashMap<>();
    private ObjectResources resources;
    private Path pinRoot = BpfFs.BPFFS;
    private volatile State state = State.OPEN;

    private BpfObject(ObjectSpec spec) {
        this.spec = spec;
        for (ObjectSpec.MapDef m : spec.maps()) {
            maps.put(m.name, new BpfObjectMap(this, m));
        }
        for (ObjectSpec.ProgramSpec p : spec.programs()) {
            if (programs.putIfAbsent(p.name, new BpfObjectProgram(this, p)) != null) {
                throw new ErrnoException(Errno.ENOEXEC, spec.name() + ": two programs are named '" + p.name + "'");
            }
        }
        for (ObjectSpec.DataSection d : spec.data().values()) {
            for (ObjectSpec.Variable v : d.variables().values()) {
                variables.putIfAbsent(v.name(), new BpfVariable(this, v, d));
            }
        }
    }

    /**
     * Reads and parses an object file.
     *
     * @param path the {@code .o} file
     * @return the object, not yet loaded
     * @throws ErrnoException ENOENT if the file is missing, ENOEXEC if it is not a well-formed
     *     little-endian BPF object, EOPNOTSUPP for features this loader lacks (legacy {@code maps}
     *     sections, kfuncs, {@code __ksym}), each naming the file and the culprit
     */
    public static BpfObject open(Path path) {
        Objects.requireNonNull(path, "path");
        byte[] data;
        try {
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ErrnoException(Errno.ENOENT, "open BPF object " + path + ": no such file", e);
        } catch (IOException e) {
            throw new ErrnoException(Errno.EIO, "read BPF object " + path + ": " + e.getMessage(), e);
        }
        return new BpfObject(ObjectParser.parse(data, path.toString()));
    }

    /**
     * Parses an object from memory.
     *
     * @param data the object's bytes (copied)
     * @param name its name, for messages (and, without directories and a trailing {@code .bpf.o}
     *     or {@code .o}, the prefix of its global-data maps' kernel names)
     * @return the object, not yet loaded
     * @throws ErrnoException as {@link #open(Path)}
     */
    public static BpfObject open(byte[] data, String name) {
        Objects.requireNonNull(name, "name");
        return new BpfObject(ObjectParser.parse(data.clone(), name));
    }

    ObjectSpec spec() {
        return spec;
    }

    /**
     * {@return the object's name: the path it was opened from, or the name given to {@link
     * #open(byte[], String)}}
     */
    public String name() {
        return spec.name();
    }

    /** {@return the {@code license} section's text, empty if there is none} */
    public String license() {
        return spec.license();
    }

    /**
     * {@return the object's BTF, with DATASEC sizes and variable offsets filled in}
     *
     * @throws ErrnoException ENOENT if the object has no {@code .BTF} section (compiled without -g)
     */
    public Btf btf() {
        if (spec.btf() == null) {
            throw new ErrnoException(Errno.ENOENT, spec.name() + " has no .BTF section (compile with -g)");
        }
        return Btf.wrap(spec.btf());
    }

    /** {@return the maps in creation order: {@code .maps}, then global data, then {@code .kconfig}} */
    public List<BpfObjectMap> maps() {
        return List.copyOf(maps.values());
    }

    /** {@return the programs in section order} */
    public List<BpfObjectProgram> programs() {
        return List.copyOf(programs.values());
    }

    /** {@return the global variables of every data section} */
    public List<BpfVariable> variables() {
        return List.copyOf(variables.values());
    }

    /**
     * The definition of a map of the object, by name.
     *
     * @param name a map's name
     * @return its definition (editable before load)
     * @throws ErrnoException ENOENT naming the maps there are
     */
    public BpfObjectMap objectMap(String name) {
        BpfObjectMap m = maps.get(name);
        if (m == null) {
            throw new ErrnoException(Errno.ENOENT, spec.name() + " has no map '" + name + "' (it has " + maps.keySet() + ")");
        }
        return m;
    }

    /**
     * The kernel map of a loaded object, for example a RINGBUF to consume with {@code map.fd()}.
     *
     * @param name the map's name
     * @return the map (owned by this object: closed with it)
     * @throws ErrnoException ENOENT for an unknown map, EINVAL before {@link #load()}
     */
    public BpfMap map(String name) {
        return objectMap(name).map();
    }

    /**
     * The lost-record counter of a ring of a loaded object, if the object declares one: the map
     * named {@link BpfMap#lostCounterName(String) RING_lost} (a per-CPU array of u64, as
     * {@code jringbuf_lost.h} declares it).
     *
     * @param ringName the ring map's name
     * @return the counter map, or empty if the object has none for this ring
     * @throws ErrnoException EINVAL before {@link #load()}
     */
    public java.util.Optional<BpfMap> lostCounter(String ringName) {
        BpfObjectMap m = maps.get(BpfMap.lostCounterName(ringName));
        return m == null ? java.util.Optional.empty() : java.util.Optional.of(m.map());
    }

    /**
     * A program of the object, by its function's name.
     *
     * @param name a program's (function's) name
     * @return the program
     * @throws ErrnoException ENOENT naming the programs there are
     */
    public BpfObjectProgram program(String name) {
        BpfObjectProgram p = programs.get(name);
        if (p == null) {
            throw new ErrnoException(Errno.ENOENT, spec.name() + " has no program '" + name + "' (it has "
                    + programs.keySet() + ")");
        }
        return p;
    }

    /**
     * A global variable of the object, by name.
     *
     * @param name a global variable's name
     * @return the variable
     * @throws ErrnoException ENOENT naming the variables there are
     */
    public BpfVariable variable(String name) {
        BpfVariable v = variables.get(name);
        if (v == null) {
            throw new ErrnoException(Errno.ENOENT, spec.name() + " has no global variable '" + name + "' (it has "
                    + variables.keySet() + ")");
        }
        return v;
    }

    /**
     * Sets the directory where maps with {@code __uint(pinning, LIBBPF_PIN_BY_NAME)} are pinned
     * (or found, if already pinned there). Default {@code /sys/fs/bpf}.
     *
     * @param dir a directory on a bpf file system
     * @return this
     */
    public BpfObject pinRoot(Path dir) {
        requireOpen("set the pin root");
        this.pinRoot = Objects.requireNonNull(dir, "dir");
        return this;
    }

    void requireOpen(String what) {
        if (state != State.OPEN) {
            throw new ErrnoException(state == State.CLOSED ? Errno.EBADF : Errno.EINVAL, spec.name() + ": cannot "
                    + what + ": the object is " + state.name().toLowerCase() + " (only before load)");
        }
    }

    void requireLoaded(String what) {
        if (state != State.LOADED) {
            throw new ErrnoException(state == State.CLOSED ? Errno.EBADF : Errno.EINVAL, spec.name() + ": cannot "
                    + what + ": the object is " + (state == State.OPEN ? "not loaded yet" : state.name().toLowerCase()));
        }
    }

    /** Where a variable's bytes are: the section image before load, the map's mapping after. */
    MemorySegment variableStorage(ObjectSpec.DataSection section, boolean write, BpfVariable v) {
        State s = state;
        if (s == State.OPEN) {
            return MemorySegment.ofArray(section.image());
        }
        if (s != State.LOADED) {
            throw new ErrnoException(s == State.CLOSED ? Errno.EBADF : Errno.EINVAL, spec.name() + ": variable '"
                    + v.name() + "' is unavailable: the object is " + s.name().toLowerCase());
        }
        if (write && section.readOnly()) {
            throw new ErrnoException(Errno.EPERM, spec.name() + ": variable '" + v.name() + "' is in " + v.section()
                    + ", frozen at load; set it before load()");
        }
        return resources.mapping(section.map().name);
    }

    // ---------------------------------------------------------------- load

    /**
     * Uploads the BTF, creates the maps (reusing pinned ones), fills the global data sections and
     * freezes {@code .rodata} and {@code .kconfig}, then loads every autoloaded program.
     *
     * @throws BpfVerifierException when the kernel refuses the BTF or a program (with the log and,
     *     for a program, the source line the log points at)
     * @throws ErrnoException for any other refusal, naming the map or program
     */
    public synchronized void load() {
        requireOpen("load");
        resources = new ObjectResources();
        try {
            ObjectLoader loader = new ObjectLoader(spec, resources, pinRoot);
            int btfFd = loader.loadBtf();
            Map<String, Integer> fds = new HashMap<>();
            for (BpfObjectMap m : maps.values()) {
                BpfMap map = loader.createMap(m.def(), btfFd);
                m.created(map);
                fds.put(m.name(), map.fd());
            }
            int kernVersion = ObjectLoader.kernelVersionOrZero();
            for (BpfObjectProgram p : programs.values()) {
                if (p.autoload()) {
                    p.loaded(loader.loadProgram(p.spec(), btfFd, fds, kernVersion));
                }
            }
            state = State.LOADED;
        } catch (RuntimeException | Error e) {
            state = State.FAILED;
            resources.release(e);
            throw e;
        }
    }

    // ---------------------------------------------------------------- attach and close

    void ownLink(BpfLink link) {
        resources.ownLink(link);
    }

    /**
     * Attaches every loaded program whose section says where ({@link BpfObjectProgram#attachable()}),
     * as libbpf's skeleton {@code attach} does. On a failure the links made by this call are closed.
     *
     * @return the new links (also closed with the object)
     * @throws ErrnoException the first refusal, naming the program
     */
    public List<BpfLink> attachAll() {
        requireLoaded("attach");
        List<BpfLink> made = new ArrayList<>();
        try {
            for (BpfObjectProgram p : programs.values()) {
                if (p.autoload() && p.attachable()) {
                    made.add(p.attach());
                }
            }
        } catch (RuntimeException e) {
            for (int i = made.size() - 1; i >= 0; i--) {
                made.get(i).close();
            }
            throw e;
        }
        return Collections.unmodifiableList(made);
    }

    /** Closes links, programs, maps and BTF, in reverse order of creation. Idempotent. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        State was = state;
        state = State.CLOSED;
        if (was == State.LOADED) {
            resources.release(null);
        }
    }

    @Override
    public String toString() {
        return "BpfObject['" + spec.name() + "' " + state.name().toLowerCase() + ", " + maps.size() + " maps, "
                + programs.size() + " programs]";
    }
}
