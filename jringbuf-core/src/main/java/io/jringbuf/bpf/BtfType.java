/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import java.util.List;

/**
 * One BPF Type Format type, as read from a {@link Btf} ({@link Btf#type(int)}) or added to a
 * {@link Btf.Builder}. Types refer to each other by type id within their {@link Btf}; id 0 is
 * {@link Void}. The records are immutable values; their kinds follow {@code include/uapi/linux/btf.h}.
 */
public sealed interface BtfType {
    /** {@return the type's name, empty for anonymous types} */
    String name();

    /** {@code void}: type id 0. */
    record Void() implements BtfType {
        @Override
        public String name() {
            return "";
        }
    }

    /**
     * {@code BTF_KIND_INT}.
     *
     * @param name for example {@code "unsigned int"}
     * @param size bytes
     * @param signed whether it is signed
     * @param isChar the char encoding bit
     * @param isBool the bool encoding bit
     * @param bitOffset the encoding's bit offset (0 in practice)
     * @param bits the number of bits
     */
    record Int(String name, int size, boolean signed, boolean isChar, boolean isBool, int bitOffset, int bits)
            implements BtfType {
    }

    /**
     * {@code BTF_KIND_PTR}.
     *
     * @param target the pointee
     */
    record Ptr(int target) implements BtfType {
        @Override
        public String name() {
            return "";
        }
    }

    /**
     * {@code BTF_KIND_ARRAY}.
     *
     * @param elementType the element type
     * @param indexType the index type
     * @param length the number of elements
     */
    record Array(int elementType, int indexType, long length) implements BtfType {
        @Override
        public String name() {
            return "";
        }
    }

    /**
     * A member of a struct or union.
     *
     * @param name its name, empty for anonymous members
     * @param type its type
     * @param bitOffset its offset from the start of the struct, in bits
     * @param bitfieldSize its width for a bitfield, 0 otherwise
     */
    record Member(String name, int type, long bitOffset, int bitfieldSize) {
    }

    /**
     * {@code BTF_KIND_STRUCT}.
     *
     * @param name the tag, empty if anonymous
     * @param size bytes
     * @param members in declaration order
     */
    record Struct(String name, long size, List<Member> members) implements BtfType {
        /** Copies the list. */
        public Struct {
            members = List.copyOf(members);
        }
    }

    /**
     * {@code BTF_KIND_UNION}.
     *
     * @param name the tag, empty if anonymous
     * @param size bytes
     * @param members in declaration order
     */
    record Union(String name, long size, List<Member> members) implements BtfType {
        /** Copies the list. */
        public Union {
            members = List.copyOf(members);
        }
    }

    /**
     * An enumerator.
     *
     * @param name its name
     * @param value its value (sign-extended for signed enums)
     */
    record Enumerator(String name, long value) {
    }

    /**
     * {@code BTF_KIND_ENUM} (32-bit values) and {@code BTF_KIND_ENUM64}.
     *
     * @param name the tag, empty if anonymous
     * @param size bytes
     * @param signed whether the values are signed
     * @param values the enumerators
     * @param wide true for {@code BTF_KIND_ENUM64}
     */
    record Enum(String name, int size, boolean signed, List<Enumerator> values, boolean wide) implements BtfType {
        /** Copies the list. */
        public Enum {
            values = List.copyOf(values);
        }
    }

    /**
     * {@code BTF_KIND_FWD}: a declared, undefined struct or union.
     *
     * @param name the tag
     * @param union true for a union
     */
    record Fwd(String name, boolean union) implements BtfType {
    }

    /**
     * {@code BTF_KIND_TYPEDEF}.
     *
     * @param name the alias
     * @param type the aliased type
     */
    record Typedef(String name, int type) implements BtfType {
    }

    /**
     * {@code BTF_KIND_VOLATILE}.
     *
     * @param type the qualified type
     */
    record Volatile(int type) implements BtfType {
        @Override
        public String name() {
            return "";
        }
    }

    /**
     * {@code BTF_KIND_CONST}.
     *
     * @param type the qualified type
     */
    record Const(int type) implements BtfType {
        @Override
        public String name() {
            return "";
        }
    }

    /**
     * {@code BTF_KIND_RESTRICT}.
     *
     * @param type the qualified type
     */
    record Restrict(int type) implements BtfType {
        @Override
        public String name() {
            return "";
        }
    }

    /**
     * {@code BTF_KIND_FUNC}.
     *
     * @param name the function's name
     * @param proto its {@link FuncProto}
     * @param linkage static, global or extern
     */
    record Func(String name, int proto, Btf.Linkage linkage) implements BtfType {
    }

    /**
     * A parameter.
     *
     * @param name its name, may be empty
     * @param type its type (0 with an empty name marks varargs)
     */
    record Param(String name, int type) {
    }

    /**
     * {@code BTF_KIND_FUNC_PROTO}.
     *
     * @param returnType the return type (0 for void)
     * @param params the parameters
     */
    record FuncProto(int returnType, List<Param> params) implements BtfType {
        /** Copies the list. */
        public FuncProto {
            params = List.copyOf(params);
        }

        @Override
        public String name() {
            return "";
        }
    }

    /**
     * {@code BTF_KIND_VAR}: a global variable.
     *
     * @param name its name
     * @param type its type
     * @param linkage static, global (allocated) or extern
     */
    record Var(String name, int type, Btf.Linkage linkage) implements BtfType {
    }

    /**
     * A variable's place in a data section.
     *
     * @param type the {@link Var}'s type id
     * @param offset its offset in the section
     * @param size its size
     */
    record SecInfo(int type, long offset, long size) {
    }

    /**
     * {@code BTF_KIND_DATASEC}: a data section ({@code .rodata}, {@code .bss}, {@code .maps}, ...).
     *
     * @param name the section name
     * @param size its size in bytes
     * @param variables its variables
     */
    record DataSec(String name, long size, List<SecInfo> variables) implements BtfType {
        /** Copies the list. */
        public DataSec {
            variables = List.copyOf(variables);
        }
    }

    /**
     * {@code BTF_KIND_FLOAT}.
     *
     * @param name for example {@code "double"}
     * @param size bytes
     */
    record Float(String name, int size) implements BtfType {
    }

    /**
     * {@code BTF_KIND_DECL_TAG}.
     *
     * @param name the tag's text
     * @param type the tagged type
     * @param componentIndex the tagged member or parameter, -1 for the type itself
     */
    record DeclTag(String name, int type, int componentIndex) implements BtfType {
    }

    /**
     * {@code BTF_KIND_TYPE_TAG}.
     *
     * @param name the tag's text
     * @param type the tagged type
     */
    record TypeTag(String name, int type) implements BtfType {
    }
}
