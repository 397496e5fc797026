/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.bpf;

import io.jringbuf.internal.btf.BtfData;
import io.jringbuf.internal.btf.BtfKind;
import io.jringbuf.internal.btf.BtfWriter;

import java.util.ArrayList;
import java.util.List;

/** Converts between {@link BtfType} values and the raw encoding ({@link BtfData}, {@link BtfWriter}). */
final class BtfCodec {
    private BtfCodec() {
    }

    static BtfType decode(BtfData d, int id) {
        if (id == 0) {
            return new BtfType.Void();
        }
        String name = d.name(id);
        int kind = d.kind(id);
        return switch (kind) {
            case BtfKind.INT -> {
                int enc = d.intEncoding(id);
                yield new BtfType.Int(name, d.sizeOrType(id), (enc & BtfKind.INT_SIGNED) != 0,
                        (enc & BtfKind.INT_CHAR) != 0, (enc & BtfKind.INT_BOOL) != 0, d.intOffset(id), d.intBits(id));
            }
            case BtfKind.PTR -> new BtfType.Ptr(d.type(id));
            case BtfKind.ARRAY -> new BtfType.Array(d.arrayElement(id), d.arrayIndex(id), d.arrayLength(id));
            case BtfKind.STRUCT, BtfKind.UNION -> {
                List<BtfType.Member> members = new ArrayList<>(d.vlen(id));
                for (int i = 0; i < d.vlen(id); i++) {
                    members.add(new BtfType.Member(d.memberName(id, i), d.memberType(id, i), d.memberBitOffset(id, i),
                            d.memberBitfieldSize(id, i)));
                }
                long size = Integer.toUnsignedLong(d.sizeOrType(id));
                yield kind == BtfKind.STRUCT ? new BtfType.Struct(name, size, members) : new BtfType.Union(name, size, members);
            }
            case BtfKind.ENUM, BtfKind.ENUM64 -> {
                List<BtfType.Enumerator> values = new ArrayList<>(d.vlen(id));
                for (int i = 0; i < d.vlen(id); i++) {
                    values.add(new BtfType.Enumerator(d.enumName(id, i), d.enumValue(id, i)));
                }
                yield new BtfType.Enum(name, d.sizeOrType(id), d.kflag(id), values, kind == BtfKind.ENUM64);
            }
            case BtfKind.FWD -> new BtfType.Fwd(name, d.kflag(id));
            case BtfKind.TYPEDEF -> new BtfType.Typedef(name, d.type(id));
            case BtfKind.VOLATILE -> new BtfType.Volatile(d.type(id));
            case BtfKind.CONST -> new BtfType.Const(d.type(id));
            case BtfKind.RESTRICT -> new BtfType.Restrict(d.type(id));
            case BtfKind.FUNC -> new BtfType.Func(name, d.type(id), linkage(d.vlen(id)));
            case BtfKind.FUNC_PROTO -> {
                List<BtfType.Param> params = new ArrayList<>(d.vlen(id));
                for (int i = 0; i < d.vlen(id); i++) {
                    params.add(new BtfType.Param(d.paramName(id, i), d.paramType(id, i)));
                }
                yield new BtfType.FuncProto(d.type(id), params);
            }
            case BtfKind.VAR -> new BtfType.Var(name, d.type(id), linkage(d.varLinkage(id)));
            case BtfKind.DATASEC -> {
                List<BtfType.SecInfo> vars = new ArrayList<>(d.vlen(id));
                for (int i = 0; i < d.vlen(id); i++) {
                    vars.add(new BtfType.SecInfo(d.secinfoType(id, i), d.secinfoOffset(id, i), d.secinfoSize(id, i)));
                }
                yield new BtfType.DataSec(name, Integer.toUnsignedLong(d.sizeOrType(id)), vars);
            }
            case BtfKind.FLOAT -> new BtfType.Float(name, d.sizeOrType(id));
            case BtfKind.DECL_TAG -> new BtfType.DeclTag(name, d.type(id), d.declTagComponent(id));
            case BtfKind.TYPE_TAG -> new BtfType.TypeTag(name, d.type(id));
            default -> throw d.malformed("BTF type " + id + " has unknown kind " + kind);
        };
    }

    private static Btf.Linkage linkage(int n) {
        return switch (n) {
            case 0 -> Btf.Linkage.STATIC;
            case 1 -> Btf.Linkage.GLOBAL;
            default -> Btf.Linkage.EXTERN;
        };
    }

    private static int info(int kind, int vlen, boolean kflag) {
        return (kflag ? 1 << 31 : 0) | kind << 24 | (vlen & 0xffff);
    }

    /** Appends {@code t} and returns its type id. */
    static int encode(BtfWriter w, BtfType t) {
        return switch (t) {
            case BtfType.Void v -> throw new IllegalArgumentException("void is type id 0 and is never added");
            case BtfType.Int i -> w.add(w.str(i.name()), info(BtfKind.INT, 0, false), i.size(),
                    ((i.signed() ? BtfKind.INT_SIGNED : 0) | (i.isChar() ? BtfKind.INT_CHAR : 0)
                            | (i.isBool() ? BtfKind.INT_BOOL : 0)) << 24 | (i.bitOffset() & 0xff) << 16 | (i.bits() & 0xff));
            case BtfType.Ptr p -> w.add(0, info(BtfKind.PTR, 0, false), p.target());
            case BtfType.Array a -> w.add(0, info(BtfKind.ARRAY, 0, false), 0, a.elementType(), a.indexType(), (int) a.length());
            case BtfType.Struct s -> w.add(members(w, s.name(), BtfKind.STRUCT, s.size(), s.members()));
            case BtfType.Union u -> w.add(members(w, u.name(), BtfKind.UNION, u.size(), u.members()));
            case BtfType.Enum e -> {
                int stride = e.wide() ? 3 : 2;
                int[] words = new int[3 + stride * e.values().size()];
                words[0] = w.str(e.name());
                words[1] = info(e.wide() ? BtfKind.ENUM64 : BtfKind.ENUM, e.values().size(), e.signed());
                words[2] = e.size();
                for (int i = 0; i < e.values().size(); i++) {
                    BtfType.Enumerator v = e.values().get(i);
                    words[3 + stride * i] = w.str(v.name());
                    words[4 + stride * i] = (int) v.value();
                    if (e.wide()) {
                        words[5 + stride * i] = (int) (v.value() >>> 32);
                    }
                }
                yield w.add(words);
            }
            case BtfType.Fwd f -> w.add(w.str(f.name()), info(BtfKind.FWD, 0, f.union()), 0);
            case BtfType.Typedef d -> w.add(w.str(d.name()), info(BtfKind.TYPEDEF, 0, false), d.type());
            case BtfType.Volatile v -> w.add(0, info(BtfKind.VOLATILE, 0, false), v.type());
            case BtfType.Const c -> w.add(0, info(BtfKind.CONST, 0, false), c.type());
            case BtfType.Restrict r -> w.add(0, info(BtfKind.RESTRICT, 0, false), r.type());
            case BtfType.Func f -> w.add(w.str(f.name()), info(BtfKind.FUNC, f.linkage().ordinal(), false), f.proto());
            case BtfType.FuncProto p -> {
                int[] words = new int[3 + 2 * p.params().size()];
                words[1] = info(BtfKind.FUNC_PROTO, p.params().size(), false);
                words[2] = p.returnType();
                for (int i = 0; i < p.params().size(); i++) {
                    words[3 + 2 * i] = w.str(p.params().get(i).name());
                    words[4 + 2 * i] = p.params().get(i).type();
                }
                yield w.add(words);
            }
            case BtfType.Var v -> w.add(w.str(v.name()), info(BtfKind.VAR, 0, false), v.type(), v.linkage().ordinal());
            case BtfType.DataSec s -> {
                int[] words = new int[3 + 3 * s.variables().size()];
                words[0] = w.str(s.name());
                words[1] = info(BtfKind.DATASEC, s.variables().size(), false);
                words[2] = (int) s.size();
                for (int i = 0; i < s.variables().size(); i++) {
                    BtfType.SecInfo v = s.variables().get(i);
                    words[3 + 3 * i] = v.type();
                    words[4 + 3 * i] = (int) v.offset();
                    words[5 + 3 * i] = (int) v.size();
                }
                yield w.add(words);
            }
            case BtfType.Float f -> w.add(w.str(f.name()), info(BtfKind.FLOAT, 0, false), f.size());
            case BtfType.DeclTag d -> w.add(w.str(d.name()), info(BtfKind.DECL_TAG, 0, false), d.type(), d.componentIndex());
            case BtfType.TypeTag d -> w.add(w.str(d.name()), info(BtfKind.TYPE_TAG, 0, false), d.type());
        };
    }

    private static int[] members(BtfWriter w, String name, int kind, long size, List<BtfType.Member> members) {
        boolean bitfields = members.stream().anyMatch(m -> m.bitfieldSize() != 0);
        int[] words = new int[3 + 3 * members.size()];
        words[0] = w.str(name);
        words[1] = info(kind, members.size(), bitfields);
        words[2] = (int) size;
        for (int i = 0; i < members.size(); i++) {
            BtfType.Member m = members.get(i);
            words[3 + 3 * i] = w.str(m.name());
            words[4 + 3 * i] = m.type();
            words[5 + 3 * i] = bitfields ? m.bitfieldSize() << 24 | (int) (m.bitOffset() & 0xffffff) : (int) m.bitOffset();
        }
        return words;
    }
}
