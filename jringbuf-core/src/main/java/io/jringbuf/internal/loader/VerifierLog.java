/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.loader;

import io.jringbuf.internal.btf.BtfData;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a verifier log: which instruction it stopped at, and that instruction's source line. */
public final class VerifierLog {
    private VerifierLog() {
    }

    /** An instruction line of a level-1 log: {@code "12: (79) r1 = *(u64 *)(r0 +0)"}. */
    private static final Pattern INSN = Pattern.compile("(?m)^(\\d+): \\(");

    /** A kernel CO-RE line: {@code "prog '': relo #3: no matching targets found"}. */
    private static final Pattern RELO = Pattern.compile("(?m)^prog '[^']*': relo #(\\d+): (.*)$");

    /**
     * The kernel applies the CO-RE records itself and logs each relocation; a failed one is
     * poisoned ({@code "substituting insn #N w/ invalid insn"}) and the verifier then stops there.
     *
     * @return for example {@code "CO-RE relocation #0 failed: <byte_off> [5] STRUCT
     *     task_struct___fake.no_such_field (0:0 @ offset 0): no matching targets found"}, or empty
     */
    public static String coreFailure(String log) {
        Matcher m = RELO.matcher(log);
        java.util.Map<String, String> spec = new java.util.HashMap<>();
        java.util.Map<String, String> failure = new java.util.LinkedHashMap<>();
        while (m.find()) {
            String n = m.group(1);
            String text = m.group(2).strip();
            if (text.startsWith("<") && !spec.containsKey(n)) {
                spec.put(n, text);
            } else if (text.contains("no matching targets") || text.contains("failed") || text.contains("invalid insn")) {
                failure.putIfAbsent(n, text);
            }
        }
        if (failure.isEmpty()) {
            return "";
        }
        java.util.Map.Entry<String, String> first = failure.entrySet().iterator().next();
        return "CO-RE relocation #" + first.getKey() + " failed: " + spec.getOrDefault(first.getKey(), "?") + ": "
                + first.getValue();
    }

    /** @return the index of the last instruction the log shows, or -1 */
    public static int lastInstruction(String log) {
        Matcher m = INSN.matcher(log);
        int last = -1;
        while (m.find()) {
            try {
                last = Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
                return -1; // not an instruction index after all
            }
        }
        return last;
    }

    /**
     * @param log the verifier log
     * @param linked the program as loaded (its line_info)
     * @param btf the object's BTF (file names and source text)
     * @return {@code "file:line: source"} for the last instruction in the log, or empty
     */
    public static String sourceLine(String log, Linker.Linked linked, BtfData btf) {
        int insn = lastInstruction(log);
        int[] li = linked.lineInfo();
        if (insn < 0 || btf == null || li.length == 0) {
            return "";
        }
        int best = -1;
        for (int i = 0; i < li.length; i += 4) {
            if (li[i] <= insn && (best < 0 || li[i] >= li[best])) {
                best = i;
            }
        }
        if (best < 0) {
            return "";
        }
        try {
            String file = btf.string(li[best + 1]);
            String text = btf.string(li[best + 2]).strip();
            int slash = file.lastIndexOf('/');
            return "instruction " + insn + ", " + (slash >= 0 ? file.substring(slash + 1) : file) + ":"
                    + (li[best + 3] >>> 10) + ": " + text;
        } catch (RuntimeException e) {
            return ""; // a malformed string offset: no source line rather than a second failure
        }
    }
}
