/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.internal.loader;

import java.util.List;

/**
 * libbpf's table of {@code SEC()} names ({@code section_defs[]} in libbpf.c, checked against the
 * libbpf snapshot of 2026-07-30): the program type,
 * expected attach type and flags a section name implies, and how such a program attaches.
 *
 * <p>Matching follows libbpf's {@code sec_def_matches}: a pattern ending in {@code +} matches the
 * name exactly or followed by {@code /extra}; one ending in {@code /} matches names starting with
 * it; any other pattern must match exactly. The first match in table order wins. The extra part is
 * the default attach target.
 */
public final class SectionDefs {
    private SectionDefs() {
    }

    /** How a program of a section attaches automatically. */
    public enum Attach {
        /** Not attached automatically (socket filters, XDP, cgroups, syscall, ...). */
        NONE,
        /** {@code tracepoint/<category>/<event>}: perf_event_open on the tracefs id. */
        TRACEPOINT,
        /** {@code raw_tp/<event>}: {@code BPF_RAW_TRACEPOINT_OPEN}. */
        RAW_TRACEPOINT,
        /** tp_btf, fentry, fexit, fmod_ret, lsm: {@code BPF_RAW_TRACEPOINT_OPEN} with the load-time BTF id. */
        TRACING,
        /** {@code kprobe/<function>[+offset]}. */
        KPROBE,
        /** {@code kretprobe/<function>}. */
        KRETPROBE,
        /** {@code ksyscall/<syscall>}: a kprobe on the architecture's syscall wrapper. */
        KSYSCALL,
        /** {@code kretsyscall/<syscall>}. */
        KRETSYSCALL,
        /** {@code uprobe/<binary>:<function>[+offset]}. */
        UPROBE,
        /** {@code uretprobe/<binary>:<function>[+offset]}. */
        URETPROBE
    }

    /** Load flag: {@code BPF_F_SLEEPABLE}. */
    public static final int SLEEPABLE = 1;
    /** Load flag: the program needs {@code attach_btf_id} from vmlinux BTF. */
    public static final int ATTACH_BTF = 2;
    /** Load flag: {@code BPF_F_XDP_HAS_FRAGS}. */
    public static final int XDP_FRAGS = 4;

    /**
     * One row.
     *
     * @param pattern the section-name pattern
     * @param progType {@code enum bpf_prog_type}
     * @param attachType {@code enum bpf_attach_type} for {@code expected_attach_type}
     * @param flags {@link #SLEEPABLE}, {@link #ATTACH_BTF}, {@link #XDP_FRAGS}
     * @param attach how it attaches automatically
     * @param btfPrefix for {@link #ATTACH_BTF}: the prefix of the vmlinux BTF name looked up
     *     ({@code "btf_trace_"} for tp_btf, {@code "bpf_lsm_"} for lsm, empty for fentry)
     */
    public record Def(String pattern, int progType, int attachType, int flags, Attach attach, String btfPrefix) {
        /** @return whether programs of this section load with BPF_F_SLEEPABLE */
        public boolean sleepable() {
            return (flags & SLEEPABLE) != 0;
        }

        /** @return the {@code prog_flags} this section implies ({@code BPF_F_SLEEPABLE}, {@code BPF_F_XDP_HAS_FRAGS}) */
        public int progFlags() {
            return (sleepable() ? 1 << 4 : 0) | ((flags & XDP_FRAGS) != 0 ? 1 << 5 : 0);
        }

        /** @return whether programs of this section need a vmlinux BTF id at load */
        public boolean attachBtf() {
            return (flags & ATTACH_BTF) != 0;
        }
    }

    // enum bpf_prog_type
    static final int SOCKET_FILTER = 1, KPROBE = 2, SCHED_CLS = 3, SCHED_ACT = 4, TRACEPOINT = 5, XDP = 6,
            PERF_EVENT = 7, CGROUP_SKB = 8, CGROUP_SOCK = 9, LWT_IN = 10, LWT_OUT = 11, LWT_XMIT = 12,
            SOCK_OPS = 13, SK_SKB = 14, CGROUP_DEVICE = 15, SK_MSG = 16, RAW_TRACEPOINT = 17,
            CGROUP_SOCK_ADDR = 18, LWT_SEG6LOCAL = 19, LIRC_MODE2 = 20, SK_REUSEPORT = 21, FLOW_DISSECTOR = 22,
            CGROUP_SYSCTL = 23, RAW_TRACEPOINT_WRITABLE = 24, CGROUP_SOCKOPT = 25, TRACING = 26, STRUCT_OPS = 27,
            EXT = 28, LSM = 29, SK_LOOKUP = 30, SYSCALL = 31, NETFILTER = 32;

    // enum bpf_attach_type
    static final int CGROUP_INET_INGRESS = 0, CGROUP_INET_EGRESS = 1, CGROUP_INET_SOCK_CREATE = 2,
            CGROUP_SOCK_OPS = 3, SK_SKB_STREAM_PARSER = 4, SK_SKB_STREAM_VERDICT = 5, A_CGROUP_DEVICE = 6,
            SK_MSG_VERDICT = 7, CGROUP_INET4_BIND = 8, CGROUP_INET6_BIND = 9, CGROUP_INET4_CONNECT = 10,
            CGROUP_INET6_CONNECT = 11, CGROUP_INET4_POST_BIND = 12, CGROUP_INET6_POST_BIND = 13,
            CGROUP_UDP4_SENDMSG = 14, CGROUP_UDP6_SENDMSG = 15, A_LIRC_MODE2 = 16, A_FLOW_DISSECTOR = 17,
            A_CGROUP_SYSCTL = 18, CGROUP_UDP4_RECVMSG = 19, CGROUP_UDP6_RECVMSG = 20, CGROUP_GETSOCKOPT = 21,
            CGROUP_SETSOCKOPT = 22, TRACE_RAW_TP = 23, TRACE_FENTRY = 24, TRACE_FEXIT = 25, MODIFY_RETURN = 26,
            LSM_MAC = 27, TRACE_ITER = 28, CGROUP_INET4_GETPEERNAME = 29, CGROUP_INET6_GETPEERNAME = 30,
            CGROUP_INET4_GETSOCKNAME = 31, CGROUP_INET6_GETSOCKNAME = 32, XDP_DEVMAP = 33,
            CGROUP_INET_SOCK_RELEASE = 34, XDP_CPUMAP = 35, A_SK_LOOKUP = 36, A_XDP = 37, SK_SKB_VERDICT = 38,
            SK_REUSEPORT_SELECT = 39, SK_REUSEPORT_SELECT_OR_MIGRATE = 40, A_PERF_EVENT = 41,
            TRACE_KPROBE_MULTI = 42, LSM_CGROUP = 43, A_NETFILTER = 45, TCX_INGRESS = 46, TCX_EGRESS = 47,
            TRACE_UPROBE_MULTI = 48, CGROUP_UNIX_CONNECT = 49, CGROUP_UNIX_SENDMSG = 50,
            CGROUP_UNIX_RECVMSG = 51, CGROUP_UNIX_GETPEERNAME = 52, CGROUP_UNIX_GETSOCKNAME = 53,
            NETKIT_PRIMARY = 54, NETKIT_PEER = 55, TRACE_KPROBE_SESSION = 56, TRACE_UPROBE_SESSION = 57,
            TRACE_FSESSION = 58, TRACE_FENTRY_MULTI = 59, TRACE_FEXIT_MULTI = 60, TRACE_FSESSION_MULTI = 61;

    private static Def d(String p, int type, int attach) {
        return new Def(p, type, attach, 0, Attach.NONE, "");
    }

    private static Def d(String p, int type, int attach, int flags, Attach how) {
        return new Def(p, type, attach, flags, how, "");
    }

    private static Def btf(String p, int type, int attach, int flags, String prefix) {
        return new Def(p, type, attach, flags | ATTACH_BTF, Attach.TRACING, prefix);
    }

    /** The table, in libbpf's order. */
    public static final List<Def> DEFS = List.of(
            d("socket", SOCKET_FILTER, 0),
            d("sk_reuseport/migrate", SK_REUSEPORT, SK_REUSEPORT_SELECT_OR_MIGRATE),
            d("sk_reuseport", SK_REUSEPORT, SK_REUSEPORT_SELECT),
            d("kprobe+", KPROBE, 0, 0, Attach.KPROBE),
            d("uprobe+", KPROBE, 0, 0, Attach.UPROBE),
            d("uprobe.s+", KPROBE, 0, SLEEPABLE, Attach.UPROBE),
            d("kretprobe+", KPROBE, 0, 0, Attach.KRETPROBE),
            d("uretprobe+", KPROBE, 0, 0, Attach.URETPROBE),
            d("uretprobe.s+", KPROBE, 0, SLEEPABLE, Attach.URETPROBE),
            d("kprobe.multi+", KPROBE, TRACE_KPROBE_MULTI),
            d("kretprobe.multi+", KPROBE, TRACE_KPROBE_MULTI),
            d("kprobe.session+", KPROBE, TRACE_KPROBE_SESSION),
            d("uprobe.multi+", KPROBE, TRACE_UPROBE_MULTI),
            d("uretprobe.multi+", KPROBE, TRACE_UPROBE_MULTI),
            d("uprobe.session+", KPROBE, TRACE_UPROBE_SESSION),
            d("uprobe.multi.s+", KPROBE, TRACE_UPROBE_MULTI, SLEEPABLE, Attach.NONE),
            d("uretprobe.multi.s+", KPROBE, TRACE_UPROBE_MULTI, SLEEPABLE, Attach.NONE),
            d("uprobe.session.s+", KPROBE, TRACE_UPROBE_SESSION, SLEEPABLE, Attach.NONE),
            d("ksyscall+", KPROBE, 0, 0, Attach.KSYSCALL),
            d("kretsyscall+", KPROBE, 0, 0, Attach.KRETSYSCALL),
            d("usdt+", KPROBE, 0),
            d("usdt.s+", KPROBE, 0, SLEEPABLE, Attach.NONE),
            d("tc/ingress", SCHED_CLS, TCX_INGRESS),
            d("tc/egress", SCHED_CLS, TCX_EGRESS),
            d("tcx/ingress", SCHED_CLS, TCX_INGRESS),
            d("tcx/egress", SCHED_CLS, TCX_EGRESS),
            d("tc", SCHED_CLS, 0),
            d("classifier", SCHED_CLS, 0),
            d("action", SCHED_ACT, 0),
            d("netkit/primary", SCHED_CLS, NETKIT_PRIMARY),
            d("netkit/peer", SCHED_CLS, NETKIT_PEER),
            d("tracepoint+", TRACEPOINT, 0, 0, Attach.TRACEPOINT),
            d("tp+", TRACEPOINT, 0, 0, Attach.TRACEPOINT),
            d("tracepoint.s+", TRACEPOINT, 0, SLEEPABLE, Attach.TRACEPOINT),
            d("tp.s+", TRACEPOINT, 0, SLEEPABLE, Attach.TRACEPOINT),
            d("raw_tracepoint+", RAW_TRACEPOINT, 0, 0, Attach.RAW_TRACEPOINT),
            d("raw_tp+", RAW_TRACEPOINT, 0, 0, Attach.RAW_TRACEPOINT),
            d("raw_tracepoint.s+", RAW_TRACEPOINT, 0, SLEEPABLE, Attach.RAW_TRACEPOINT),
            d("raw_tp.s+", RAW_TRACEPOINT, 0, SLEEPABLE, Attach.RAW_TRACEPOINT),
            d("raw_tracepoint.w+", RAW_TRACEPOINT_WRITABLE, 0, 0, Attach.RAW_TRACEPOINT),
            d("raw_tp.w+", RAW_TRACEPOINT_WRITABLE, 0, 0, Attach.RAW_TRACEPOINT),
            btf("tp_btf+", TRACING, TRACE_RAW_TP, 0, "btf_trace_"),
            btf("tp_btf.s+", TRACING, TRACE_RAW_TP, SLEEPABLE, "btf_trace_"),
            btf("fentry+", TRACING, TRACE_FENTRY, 0, ""),
            btf("fmod_ret+", TRACING, MODIFY_RETURN, 0, ""),
            btf("fexit+", TRACING, TRACE_FEXIT, 0, ""),
            btf("fentry.s+", TRACING, TRACE_FENTRY, SLEEPABLE, ""),
            btf("fmod_ret.s+", TRACING, MODIFY_RETURN, SLEEPABLE, ""),
            btf("fexit.s+", TRACING, TRACE_FEXIT, SLEEPABLE, ""),
            btf("fsession+", TRACING, TRACE_FSESSION, 0, ""),
            btf("fsession.s+", TRACING, TRACE_FSESSION, SLEEPABLE, ""),
            d("fsession.multi+", TRACING, TRACE_FSESSION_MULTI),
            d("fsession.multi.s+", TRACING, TRACE_FSESSION_MULTI, SLEEPABLE, Attach.NONE),
            d("fentry.multi+", TRACING, TRACE_FENTRY_MULTI),
            d("fexit.multi+", TRACING, TRACE_FEXIT_MULTI),
            d("fentry.multi.s+", TRACING, TRACE_FENTRY_MULTI, SLEEPABLE, Attach.NONE),
            d("fexit.multi.s+", TRACING, TRACE_FEXIT_MULTI, SLEEPABLE, Attach.NONE),
            d("freplace+", EXT, 0), // libbpf: SEC_ATTACH_BTF against a target program; not supported here
            btf("lsm+", LSM, LSM_MAC, 0, "bpf_lsm_"),
            btf("lsm.s+", LSM, LSM_MAC, SLEEPABLE, "bpf_lsm_"),
            new Def("lsm_cgroup+", LSM, LSM_CGROUP, ATTACH_BTF, Attach.NONE, "bpf_lsm_"),
            new Def("iter+", TRACING, TRACE_ITER, ATTACH_BTF, Attach.NONE, "bpf_iter_"),
            new Def("iter.s+", TRACING, TRACE_ITER, ATTACH_BTF | SLEEPABLE, Attach.NONE, "bpf_iter_"),
            d("syscall", SYSCALL, 0, SLEEPABLE, Attach.NONE),
            d("xdp.frags/devmap", XDP, XDP_DEVMAP, XDP_FRAGS, Attach.NONE),
            d("xdp/devmap", XDP, XDP_DEVMAP),
            d("xdp.frags/cpumap", XDP, XDP_CPUMAP, XDP_FRAGS, Attach.NONE),
            d("xdp/cpumap", XDP, XDP_CPUMAP),
            d("xdp.frags", XDP, A_XDP, XDP_FRAGS, Attach.NONE),
            d("xdp", XDP, A_XDP),
            d("perf_event", PERF_EVENT, 0),
            d("lwt_in", LWT_IN, 0),
            d("lwt_out", LWT_OUT, 0),
            d("lwt_xmit", LWT_XMIT, 0),
            d("lwt_seg6local", LWT_SEG6LOCAL, 0),
            d("sockops", SOCK_OPS, CGROUP_SOCK_OPS),
            d("sk_skb/stream_parser", SK_SKB, SK_SKB_STREAM_PARSER),
            d("sk_skb/stream_verdict", SK_SKB, SK_SKB_STREAM_VERDICT),
            d("sk_skb/verdict", SK_SKB, SK_SKB_VERDICT),
            d("sk_skb", SK_SKB, 0),
            d("sk_msg", SK_MSG, SK_MSG_VERDICT),
            d("lirc_mode2", LIRC_MODE2, A_LIRC_MODE2),
            d("flow_dissector", FLOW_DISSECTOR, A_FLOW_DISSECTOR),
            d("cgroup_skb/ingress", CGROUP_SKB, CGROUP_INET_INGRESS),
            d("cgroup_skb/egress", CGROUP_SKB, CGROUP_INET_EGRESS),
            d("cgroup/skb", CGROUP_SKB, 0),
            d("cgroup/sock_create", CGROUP_SOCK, CGROUP_INET_SOCK_CREATE),
            d("cgroup/sock_release", CGROUP_SOCK, CGROUP_INET_SOCK_RELEASE),
            d("cgroup/sock", CGROUP_SOCK, CGROUP_INET_SOCK_CREATE),
            d("cgroup/post_bind4", CGROUP_SOCK, CGROUP_INET4_POST_BIND),
            d("cgroup/post_bind6", CGROUP_SOCK, CGROUP_INET6_POST_BIND),
            d("cgroup/bind4", CGROUP_SOCK_ADDR, CGROUP_INET4_BIND),
            d("cgroup/bind6", CGROUP_SOCK_ADDR, CGROUP_INET6_BIND),
            d("cgroup/connect4", CGROUP_SOCK_ADDR, CGROUP_INET4_CONNECT),
            d("cgroup/connect6", CGROUP_SOCK_ADDR, CGROUP_INET6_CONNECT),
            d("cgroup/connect_unix", CGROUP_SOCK_ADDR, CGROUP_UNIX_CONNECT),
            d("cgroup/sendmsg4", CGROUP_SOCK_ADDR, CGROUP_UDP4_SENDMSG),
            d("cgroup/sendmsg6", CGROUP_SOCK_ADDR, CGROUP_UDP6_SENDMSG),
            d("cgroup/sendmsg_unix", CGROUP_SOCK_ADDR, CGROUP_UNIX_SENDMSG),
            d("cgroup/recvmsg4", CGROUP_SOCK_ADDR, CGROUP_UDP4_RECVMSG),
            d("cgroup/recvmsg6", CGROUP_SOCK_ADDR, CGROUP_UDP6_RECVMSG),
            d("cgroup/recvmsg_unix", CGROUP_SOCK_ADDR, CGROUP_UNIX_RECVMSG),
            d("cgroup/getpeername4", CGROUP_SOCK_ADDR, CGROUP_INET4_GETPEERNAME),
            d("cgroup/getpeername6", CGROUP_SOCK_ADDR, CGROUP_INET6_GETPEERNAME),
            d("cgroup/getpeername_unix", CGROUP_SOCK_ADDR, CGROUP_UNIX_GETPEERNAME),
            d("cgroup/getsockname4", CGROUP_SOCK_ADDR, CGROUP_INET4_GETSOCKNAME),
            d("cgroup/getsockname6", CGROUP_SOCK_ADDR, CGROUP_INET6_GETSOCKNAME),
            d("cgroup/getsockname_unix", CGROUP_SOCK_ADDR, CGROUP_UNIX_GETSOCKNAME),
            d("cgroup/sysctl", CGROUP_SYSCTL, A_CGROUP_SYSCTL),
            d("cgroup/getsockopt", CGROUP_SOCKOPT, CGROUP_GETSOCKOPT),
            d("cgroup/setsockopt", CGROUP_SOCKOPT, CGROUP_SETSOCKOPT),
            d("cgroup/dev", CGROUP_DEVICE, A_CGROUP_DEVICE),
            d("struct_ops+", STRUCT_OPS, 0),
            d("struct_ops.s+", STRUCT_OPS, 0, SLEEPABLE, Attach.NONE),
            d("sk_lookup", SK_LOOKUP, A_SK_LOOKUP),
            d("netfilter", NETFILTER, A_NETFILTER));

    /**
     * A section name matched against the table.
     *
     * @param def the row
     * @param target the part after the pattern ({@code "syscalls/sys_enter_openat"} for
     *     {@code tracepoint/syscalls/sys_enter_openat}), empty if none
     */
    public record Match(Def def, String target) {
    }

    /**
     * @param section a section name without the leading {@code ?}
     * @return the first matching row, or null if the name is not a known program section
     */
    public static Match match(String section) {
        for (Def def : DEFS) {
            String p = def.pattern();
            if (p.endsWith("+")) {
                String prefix = p.substring(0, p.length() - 1);
                if (section.equals(prefix)) {
                    return new Match(def, "");
                }
                if (section.startsWith(prefix + "/")) {
                    return new Match(def, section.substring(prefix.length() + 1));
                }
            } else if (p.endsWith("/")) {
                if (section.startsWith(p)) {
                    return new Match(def, section.substring(p.length()));
                }
            } else if (section.equals(p)) {
                return new Match(def, "");
            }
        }
        return null;
    }
}
