/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.sys.Sys;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loaded BPF Type Format data ({@code BPF_BTF_LOAD}), and a {@link Builder} for the small type
 * sets that hand-written programs need: the verifier wants BTF {@code func_info} for any program
 * with subprograms, for example one passing a callback to {@code bpf_user_ringbuf_drain}, and such
 * a callback must be a <em>static</em> function.
 *
 * <p>{@link #forProgram(Program)} builds the BTF for a {@link Program} automatically: the main
 * function {@code int main(void *ctx)} with global linkage, every subprogram
 * {@code int f(void *, …)} with static linkage.
 */
public final class Btf implements AutoCloseable {
    /** BTF kinds used by the builder. */
    static final int KIND_INT = 1;
    static final int KIND_PTR = 2;
    static final int KIND_FUNC = 12;
    static final int KIND_FUNC_PROTO = 13;

    /** Function linkage. */
    public enum Linkage {
        /** {@code static}: required for callbacks. */
        STATIC,
        /** Global: checked by the verifier against its BTF signature. */
        GLOBAL
    }

    private final int fd;
    private volatile boolean closed;

    private Btf(int fd) {
        this.fd = fd;
    }

    /** @return the BTF object's file descriptor */
    public int fd() {
        if (closed) {
            throw new ErrnoException(Errno.EBADF, "use of closed BTF object");
        }
        return fd;
    }

    /**
     * Loads raw BTF. On failure it reloads with a log and puts the log in the exception.
     *
     * @param blob a complete BTF blob (header, types, strings)
     * @return the loaded object
     * @throws BpfVerifierException if the kernel refuses it
     */
    public static Btf load(byte[] blob) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(blob.length, 8);
            MemorySegment.copy(blob, 0, data, ValueLayout.JAVA_BYTE, 0, blob.length);
            MemorySegment attr = BpfSys.attr(arena);
            attr.set(ValueLayout.JAVA_LONG, 0, data.address());
            attr.set(ValueLayout.JAVA_INT, 16, blob.length);
            long r = BpfSys.raw(BpfSys.BTF_LOAD, attr);
            if (r >= 0) {
                return new Btf((int) r);
            }
            int logSize = 1 << 20;
            MemorySegment log = arena.allocate(logSize);
            attr.set(ValueLayout.JAVA_LONG, 8, log.address());
            attr.set(ValueLayout.JAVA_INT, 20, logSize);
            attr.set(ValueLayout.JAVA_INT, 24, 1);
            long again = BpfSys.raw(BpfSys.BTF_LOAD, attr);
            if (again >= 0) {
                return new Btf((int) again); // succeeded with a log: keep it
            }
            throw new BpfVerifierException((int) -again, "bpf(BPF_BTF_LOAD) " + blob.length + " bytes of BTF",
                    log.getString(0));
        }
    }

    /**
     * Builds and loads the BTF for a program's functions.
     *
     * @param program the program
     * @return the loaded BTF and the {@code func_info} records that go with it
     */
    public static WithFuncInfo forProgram(Program program) {
        Builder b = new Builder();
        int intId = b.addInt("int", 4, true);
        int voidPtr = b.addPtr(0);
        int[] typeIds = new int[program.functions().size()];
        for (int i = 0; i < typeIds.length; i++) {
            Program.Function f = program.functions().get(i);
            String[] names = new String[f.arity()];
            int[] types = new int[f.arity()];
            for (int a = 0; a < f.arity(); a++) {
                names[a] = i == 0 && a == 0 ? "ctx" : "arg" + a;
                types[a] = voidPtr;
            }
            int proto = b.addFuncProto(intId, names, types);
            typeIds[i] = b.addFunc(f.name(), proto, i == 0 ? Linkage.GLOBAL : Linkage.STATIC);
        }
        Btf btf = load(b.build());
        int[] slots = new int[typeIds.length];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = program.functions().get(i).slot();
        }
        return new WithFuncInfo(btf, slots, typeIds);
    }

    /**
     * Loaded BTF with the {@code func_info} records of one program.
     *
     * @param btf the BTF object (close it after loading the program)
     * @param slots each function's first instruction
     * @param typeIds each function's BTF FUNC type id
     */
    public record WithFuncInfo(Btf btf, int[] slots, int[] typeIds) {
    }

    /** Closes the descriptor (a program loaded with it keeps its own reference). Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Sys.rawClose(fd);
        }
    }

    /**
     * Builds a raw BTF blob: INT, PTR, FUNC_PROTO and FUNC types, string table deduplicated.
     * Type ids start at 1 (0 is {@code void}).
     */
    public static final class Builder {
        private final List<int[]> types = new ArrayList<>();
        private final Map<String, Integer> strings = new LinkedHashMap<>();
        private int stringBytes = 1; // offset 0 is the empty string

        /** An empty builder. */
        public Builder() {
        }

        private int str(String s) {
            if (s == null || s.isEmpty()) {
                return 0;
            }
            Integer off = strings.get(s);
            if (off == null) {
                off = stringBytes;
                strings.put(s, off);
                stringBytes += s.getBytes(StandardCharsets.UTF_8).length + 1;
            }
            return off;
        }

        private int add(int... words) {
            types.add(words);
            return types.size();
        }

        /**
         * Adds an integer type.
         *
         * @param name its name, for example {@code "int"}
         * @param bytes its size in bytes
         * @param signed whether it is signed
         * @return its type id
         */
        public int addInt(String name, int bytes, boolean signed) {
            int encoding = signed ? 1 : 0;
            return add(str(name), KIND_INT << 24, bytes, (encoding << 24) | (bytes * 8));
        }

        /**
         * Adds a pointer type.
         *
         * @param target the pointee's type id (0 for {@code void})
         * @return its type id
         */
        public int addPtr(int target) {
            return add(0, KIND_PTR << 24, target);
        }

        /**
         * Adds a function prototype.
         *
         * @param returnType the return type id
         * @param paramNames parameter names
         * @param paramTypes parameter type ids
         * @return its type id
         */
        public int addFuncProto(int returnType, String[] paramNames, int[] paramTypes) {
            if (paramNames.length != paramTypes.length) {
                throw new IllegalArgumentException("parameter names and types differ in number");
            }
            int[] words = new int[3 + 2 * paramNames.length];
            words[0] = 0;
            words[1] = (KIND_FUNC_PROTO << 24) | paramNames.length;
            words[2] = returnType;
            for (int i = 0; i < paramNames.length; i++) {
                words[3 + 2 * i] = str(paramNames[i]);
                words[4 + 2 * i] = paramTypes[i];
            }
            return add(words);
        }

        /**
         * Adds a function.
         *
         * @param name its name
         * @param proto its prototype's type id
         * @param linkage static or global
         * @return its type id
         */
        public int addFunc(String name, int proto, Linkage linkage) {
            return add(str(name), (KIND_FUNC << 24) | (linkage == Linkage.GLOBAL ? 1 : 0), proto);
        }

        /** @return the blob: header (24 bytes), types, strings */
        public byte[] build() {
            int typeLen = 0;
            for (int[] t : types) {
                typeLen += 4 * t.length;
            }
            ByteArrayOutputStream str = new ByteArrayOutputStream();
            str.write(0);
            for (String s : strings.keySet()) {
                str.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                str.write(0);
            }
            byte[] strBytes = str.toByteArray();
            ByteBuffer bb = ByteBuffer.allocate(24 + typeLen + strBytes.length).order(ByteOrder.nativeOrder());
            bb.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24);
            bb.putInt(0).putInt(typeLen).putInt(typeLen).putInt(strBytes.length);
            for (int[] t : types) {
                for (int w : t) {
                    bb.putInt(w);
                }
            }
            bb.put(strBytes);
            return bb.array();
        }
    }
}
