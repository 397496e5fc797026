/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.btf;

import io.jringbuf.internal.bin.Bytes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .BTF.ext} section: per program section, the {@code func_info}, {@code line_info} and
 * CO-RE relocation records, with instruction offsets in <em>bytes</em> from the start of the
 * section (the kernel wants instruction indexes for func/line info and bytes for CO-RE).
 *
 * @param funcInfo section name → records
 * @param lineInfo section name → records
 * @param coreRelos section name → records
 */
public record BtfExt(Map<String, List<FuncInfo>> funcInfo, Map<String, List<LineInfo>> lineInfo,
                     Map<String, List<CoreRelo>> coreRelos) {

    /** An empty {@code .BTF.ext} (objects compiled without {@code -g}). */
    public static final BtfExt EMPTY = new BtfExt(Map.of(), Map.of(), Map.of());

    /**
     * {@code struct bpf_func_info}.
     *
     * @param insnOff byte offset in the section
     * @param typeId the FUNC's type id
     */
    public record FuncInfo(long insnOff, int typeId) {
    }

    /**
     * {@code struct bpf_line_info}.
     *
     * @param insnOff byte offset in the section
     * @param fileNameOff BTF string offset of the file name
     * @param lineOff BTF string offset of the source line
     * @param lineCol line number in the high 22 bits, column in the low 10
     */
    public record LineInfo(long insnOff, int fileNameOff, int lineOff, int lineCol) {
        /** @return the line number */
        public int line() {
            return lineCol >>> 10;
        }

        /** @return the column */
        public int column() {
            return lineCol & 0x3ff;
        }
    }

    /**
     * {@code struct bpf_core_relo}.
     *
     * @param insnOff byte offset in the section
     * @param typeId the local (object) type id the access starts from
     * @param accessStrOff BTF string offset of the access string, for example {@code "0:1:2"}
     * @param kind the relocation kind ({@code BPF_CORE_FIELD_BYTE_OFFSET} = 0, ...)
     */
    public record CoreRelo(long insnOff, int typeId, int accessStrOff, int kind) {
    }

    /**
     * Parses a {@code .BTF.ext} section.
     *
     * @param ext its bytes
     * @param btf the object's {@code .BTF} (section names are its strings)
     * @param owner for messages
     * @return the records
     */
    public static BtfExt parse(byte[] ext, BtfData btf, String owner) {
        Bytes b = new Bytes(ext, owner);
        if (ext.length < 24) {
            throw b.malformed(".BTF.ext is " + ext.length + " bytes, shorter than its header");
        }
        if (b.u16(0, ".BTF.ext magic") != 0xeb9f) {
            throw b.malformed(".BTF.ext has no magic 0xeb9f (or is big-endian)");
        }
        long hdrLen = b.u32(4, ".BTF.ext hdr_len");
        if (hdrLen < 24 || hdrLen > ext.length) {
            throw b.malformed(".BTF.ext hdr_len " + hdrLen + " is outside 24.." + ext.length);
        }
        Map<String, List<long[]>> func = section(b, btf, hdrLen, b.u32(8, "func_info_off"), b.u32(12, "func_info_len"), 8, 2, "func_info");
        Map<String, List<long[]>> line = section(b, btf, hdrLen, b.u32(16, "line_info_off"), b.u32(20, "line_info_len"), 16, 4, "line_info");
        Map<String, List<long[]>> core = hdrLen >= 32
                ? section(b, btf, hdrLen, b.u32(24, "core_relo_off"), b.u32(28, "core_relo_len"), 16, 4, "core_relo")
                : Map.of();
        Map<String, List<FuncInfo>> f = new LinkedHashMap<>();
        func.forEach((k, v) -> f.put(k, v.stream().map(r -> new FuncInfo(r[0], (int) r[1])).toList()));
        Map<String, List<LineInfo>> l = new LinkedHashMap<>();
        line.forEach((k, v) -> l.put(k, v.stream().map(r -> new LineInfo(r[0], (int) r[1], (int) r[2], (int) r[3])).toList()));
        Map<String, List<CoreRelo>> c = new LinkedHashMap<>();
        core.forEach((k, v) -> c.put(k, v.stream().map(r -> new CoreRelo(r[0], (int) r[1], (int) r[2], (int) r[3])).toList()));
        return new BtfExt(f, l, c);
    }

    /** One info subsection: {@code u32 rec_size}, then per section {@code sec_name_off, num_info, records}. */
    private static Map<String, List<long[]>> section(Bytes b, BtfData btf, long hdrLen, long off, long len,
                                                     int minRecord, int words, String what) {
        Map<String, List<long[]>> out = new LinkedHashMap<>();
        if (len == 0) {
            return out;
        }
        long start = hdrLen + off;
        b.check(start, len, ".BTF.ext " + what);
        if (len < 4) {
            throw b.malformed(".BTF.ext " + what + " is " + len + " bytes, too short for its record size");
        }
        long recSize = b.u32(start, what + " record size");
        if (recSize < minRecord || recSize > 1024 || recSize % 4 != 0) {
            throw b.malformed(".BTF.ext " + what + " record size " + recSize + " is not a multiple of 4 in "
                    + minRecord + "..1024");
        }
        long at = start + 4;
        long end = start + len;
        while (at < end) {
            if (at + 8 > end) {
                throw b.malformed(".BTF.ext " + what + " section header at " + at + " is cut off");
            }
            String sec = btf.string(b.s32(at, what + " sec_name_off"));
            long n = b.u32(at + 4, what + " num_info");
            at += 8;
            if (n * recSize > end - at) {
                throw b.malformed(".BTF.ext " + what + " of section '" + sec + "' claims " + n + " records of "
                        + recSize + " bytes, more than remain");
            }
            List<long[]> records = out.computeIfAbsent(sec, k -> new ArrayList<>());
            for (long i = 0; i < n; i++) {
                long[] r = new long[words];
                r[0] = b.u32(at, what + " insn_off");
                for (int w = 1; w < words; w++) {
                    r[w] = b.s32(at + 4L * w, what + " record");
                }
                records.add(r);
                at += recSize;
            }
        }
        return out;
    }
}
