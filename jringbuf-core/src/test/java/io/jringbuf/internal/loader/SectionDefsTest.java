/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.loader;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Section names map to program types and attach kinds as in libbpf's {@code section_defs}. */
class SectionDefsTest {
    @Test
    void sectionNamesFollowLibbpfsTable() {
        assertEquals("syscalls/sys_enter_openat", SectionDefs.match("tracepoint/syscalls/sys_enter_openat").target());
        assertEquals(5, SectionDefs.match("tp/sched/sched_switch").def().progType());
        assertEquals(24, SectionDefs.match("raw_tp.w/sys_enter").def().progType(), "writable raw tracepoint");
        assertEquals(17, SectionDefs.match("raw_tp/sys_enter").def().progType());
        SectionDefs.Match fentry = SectionDefs.match("fentry/do_unlinkat");
        assertEquals(26, fentry.def().progType());
        assertEquals(24, fentry.def().attachType(), "BPF_TRACE_FENTRY");
        assertTrue(fentry.def().attachBtf());
        assertTrue(SectionDefs.match("fexit.s/x").def().sleepable());
        assertEquals("btf_trace_", SectionDefs.match("tp_btf/sched_switch").def().btfPrefix());
        assertEquals(SectionDefs.Attach.KSYSCALL, SectionDefs.match("ksyscall/openat").def().attach());
        assertEquals(46, SectionDefs.match("tc/ingress").def().attachType(), "BPF_TCX_INGRESS");
        assertEquals(8, SectionDefs.match("cgroup_skb/ingress").def().progType());
        assertEquals(31, SectionDefs.match("syscall").def().progType());
        assertTrue(SectionDefs.match("syscall").def().sleepable());
        assertEquals(1 << 4, SectionDefs.match("syscall").def().progFlags(), "BPF_F_SLEEPABLE");
        assertEquals(1 << 5, SectionDefs.match("xdp.frags").def().progFlags(), "BPF_F_XDP_HAS_FRAGS");
        assertEquals(0, SectionDefs.match("xdp").def().progFlags());
        assertEquals("/bin/bash:readline", SectionDefs.match("uretprobe//bin/bash:readline").target());
        assertEquals(SectionDefs.Attach.NONE, SectionDefs.match("kprobe.multi/vfs_*").def().attach(),
                "kprobe.multi is its own row, not kprobe with a target");
        assertNull(SectionDefs.match("kprobex"), "'+' patterns need '/' or the end after the prefix");
        assertNull(SectionDefs.match("socket/extra"), "plain patterns match exactly");
        assertNull(SectionDefs.match("not_a_section"));
    }
}
