/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.base.Errno;
import io.jringbuf.base.ErrnoException;
import io.jringbuf.internal.btf.BtfData;
import io.jringbuf.internal.btf.BtfKind;
import io.jringbuf.internal.btf.BtfWriter;
import io.jringbuf.internal.btf.KernelBtf;

import java.util.List;
import java.util.Objects;

/**
 * A set of BPF Type Format types: parsed from a blob ({@link #parse}), the running kernel's
 * ({@link #vmlinux()}), a loaded object's ({@link BpfObject#btf()}), or built ({@link Builder}).
 * Read-only; {@link #type(int)} gives each type as a {@link BtfType} value, and the resolution
 * helpers ({@link #resolve}, {@link #sizeOf}) follow C's rules.
 *
 * <p>{@link #load()} hands the types to the kernel ({@code BPF_BTF_LOAD}); the verifier wants BTF
 * {@code func_info} for any program with subprograms, for example one passing a callback to
 * {@code bpf_user_ringbuf_drain}, and such a callback must be a <em>static</em> function.
 * {@link #forProgram(Program)} builds and loads the BTF for a {@link Program}: the main function
 * {@code int main(void *ctx)} with global linkage, every subprogram {@code int f(void *, …)} with
 * static linkage.
 */
public final class Btf {
    /** Function and variable linkage (the BTF numbering: 0, 1, 2). */
    public enum Linkage {
        /** {@code static}: required for callbacks. */
        STATIC,
        /** Global: functions are checked by the verifier against their BTF signature. */
        GLOBAL,
        /** {@code extern}: provided by the loader or the kernel. */
        EXTERN
    }

    private final BtfData data;

    private Btf(BtfData data) {
        this.data = data;
    }

    static Btf wrap(BtfData data) {
        return new Btf(data);
    }

    BtfData data() {
        return data;
    }

    /**
     * Parses a BTF blob.
     *
     * @param blob the bytes (copied)
     * @return the types
     * @throws ErrnoException ENOEXEC if the blob is malformed
     */
    public static Btf parse(byte[] blob) {
        return new Btf(BtfData.parse(blob.clone(), "BTF blob"));
    }

    /**
     * {@return the running kernel's types, read once from {@code /sys/kernel/btf/vmlinux}}
     *
     * @throws ErrnoException ENOENT if the kernel has no BTF
     */
    public static Btf vmlinux() {
        return new Btf(KernelBtf.vmlinux());
    }

    /** {@return the number of type ids, {@code void} (id 0) included} */
    public int count() {
        return data.count();
    }

    /**
     * A type by id.
     *
     * @param id a type id
     * @return the type
     * @throws ErrnoException ENOEXEC if there is no such id or the type is malformed
     */
    public BtfType type(int id) {
        return BtfCodec.decode(data, id);
    }

    /**
     * Finds the first type of a kind with a name.
     *
     * @param kind the kind, for example {@code BtfType.Struct.class} ({@code BtfType.Enum.class}
     *     finds 32-bit and 64-bit enums)
     * @param name the name
     * @return its id, or -1 if there is none
     */
    public int find(Class<? extends BtfType> kind, String name) {
        Objects.requireNonNull(name, "name");
        int id = data.find(kindNumber(kind), name);
        return id < 0 && kind == BtfType.Enum.class ? data.find(BtfKind.ENUM64, name) : id; // one record, two kinds
    }

    /**
     * Resolves a type through its qualifiers and typedefs.
     *
     * @param id a type id
     * @return the id after skipping typedefs, const, volatile, restrict and type tags
     */
    public int resolve(int id) {
        return data.resolve(id);
    }

    /**
     * The size of a type.
     *
     * @param id a type id
     * @return its size in bytes, as C's {@code sizeof}
     * @throws ErrnoException EINVAL for types without a size (void, functions, forward declarations)
     */
    public long sizeOf(int id) {
        return data.sizeOf(id);
    }

    /**
     * Describes a type in a few words, for messages.
     *
     * @param id a type id
     * @return a short description, for example {@code "STRUCT 'event'"}
     */
    public String describe(int id) {
        return data.describe(id);
    }

    /** {@return a copy of the encoded blob} */
    public byte[] toBytes() {
        return data.bytes().clone();
    }

    /**
     * Loads these types into the kernel.
     *
     * @return the loaded BTF; close it when the programs and maps that use it are loaded
     * @throws BpfVerifierException if the kernel refuses them (with the kernel's log)
     */
    public BtfHandle load() {
        return BtfHandle.load(data.bytes(), data.owner());
    }

    /**
     * Loads raw BTF into the kernel.
     *
     * @param blob a complete BTF blob (header, types, strings)
     * @return the loaded BTF
     * @throws BpfVerifierException if the kernel refuses it
     */
    public static BtfHandle load(byte[] blob) {
        return BtfHandle.load(blob, "BTF blob");
    }

    static int kindNumber(Class<? extends BtfType> kind) {
        if (kind == BtfType.Int.class) {
            return BtfKind.INT;
        } else if (kind == BtfType.Ptr.class) {
            return BtfKind.PTR;
        } else if (kind == BtfType.Array.class) {
            return BtfKind.ARRAY;
        } else if (kind == BtfType.Struct.class) {
            return BtfKind.STRUCT;
        } else if (kind == BtfType.Union.class) {
            return BtfKind.UNION;
        } else if (kind == BtfType.Enum.class) {
            return BtfKind.ENUM;
        } else if (kind == BtfType.Fwd.class) {
            return BtfKind.FWD;
        } else if (kind == BtfType.Typedef.class) {
            return BtfKind.TYPEDEF;
        } else if (kind == BtfType.Func.class) {
            return BtfKind.FUNC;
        } else if (kind == BtfType.Var.class) {
            return BtfKind.VAR;
        } else if (kind == BtfType.DataSec.class) {
            return BtfKind.DATASEC;
        } else if (kind == BtfType.Float.class) {
            return BtfKind.FLOAT;
        } else if (kind == BtfType.TypeTag.class) {
            return BtfKind.TYPE_TAG;
        } else if (kind == BtfType.DeclTag.class) {
            return BtfKind.DECL_TAG;
        }
        throw new ErrnoException(Errno.EINVAL, "finding BTF types of kind " + kind.getSimpleName()
                + " by name is not supported (they have no names)");
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
        BtfHandle btf = load(b.build());
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
    public record WithFuncInfo(BtfHandle btf, int[] slots, int[] typeIds) {
    }

    /**
     * Builds a BTF blob from {@link BtfType} values, with a deduplicated string table. Type ids
     * start at 1 (0 is {@code void}); {@link #add} returns each new id.
     */
    public static final class Builder {
        private final BtfWriter writer = new BtfWriter();

        /** An empty builder. */
        public Builder() {
        }

        /**
         * Adds any type.
         *
         * @param type the type; its references must be ids already added (or added later)
         * @return its type id
         */
        public int add(BtfType type) {
            return BtfCodec.encode(writer, Objects.requireNonNull(type, "type"));
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
            return add(new BtfType.Int(name, bytes, signed, false, false, 0, bytes * 8));
        }

        /**
         * Adds a pointer type.
         *
         * @param target the pointee's type id (0 for {@code void})
         * @return its type id
         */
        public int addPtr(int target) {
            return add(new BtfType.Ptr(target));
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
            BtfType.Param[] params = new BtfType.Param[paramNames.length];
            for (int i = 0; i < params.length; i++) {
                params[i] = new BtfType.Param(paramNames[i], paramTypes[i]);
            }
            return add(new BtfType.FuncProto(returnType, List.of(params)));
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
            return add(new BtfType.Func(name, proto, linkage));
        }

        /** {@return the blob: header (24 bytes), types, strings} */
        public byte[] build() {
            return writer.build();
        }

        /** {@return the types added so far, as a {@link Btf}} */
        public Btf toBtf() {
            return new Btf(BtfData.parse(writer.build(), "built BTF"));
        }
    }
}
