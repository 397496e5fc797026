/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf.cli;

import io.jringbuf.base.ErrnoException;
import io.jringbuf.bpf.Btf;
import io.jringbuf.bpf.BtfLayout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * {@code gen}'s source for kernel structs of every shape this kernel's BTF has (unions, anonymous
 * members, bitfields, nested and multi-dimensional arrays, flexible arrays, packed structs)
 * compiles without a warning, its layout is the library's, and its reader runs over zeroed memory.
 */
class JavaGenTest {
    static final List<String> STRUCTS = List.of("task_struct", "sk_buff", "file", "inode", "sock", "mm_struct",
            "net_device", "iphdr", "tcphdr", "ethhdr", "trace_event_raw_sys_enter", "pt_regs", "bpf_insn", "in6_addr",
            "sockaddr_in6", "cred", "dentry", "perf_event_attr", "bpf_map", "page", "super_block", "signal_struct",
            "linux_binprm", "bpf_prog_aux", "xdp_md", "__sk_buff", "bpf_sock_ops", "ipv6hdr", "udphdr", "timespec64");

    @Test
    void kernelStructsGenerateSourceThatCompilesAndReads(@TempDir Path dir) throws Exception {
        Btf vmlinux;
        try {
            vmlinux = Btf.vmlinux();
        } catch (ErrnoException e) {
            Assumptions.abort("no kernel BTF: " + e.getMessage());
            return;
        }
        List<String> sources = new ArrayList<>();
        List<String> generated = new ArrayList<>();
        for (String struct : STRUCTS) {
            if (vmlinux.find(io.jringbuf.bpf.BtfType.Struct.class, struct) < 0) {
                continue; // not in this kernel's BTF
            }
            String pkg = "gen.k" + generated.size();
            Map.Entry<String, String> g = JavaGen.generate(vmlinux, struct, pkg, "vmlinux");
            Path file = dir.resolve(pkg.replace('.', '/')).resolve(g.getKey() + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, g.getValue());
            sources.add(file.toString());
            generated.add(pkg + "." + g.getKey() + "=" + struct);
        }
        assertEquals(STRUCTS.size(), generated.size(), "all found in this kernel's BTF: " + generated);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-Xlint:all", "-Werror"));
        args.addAll(sources);
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, diagnostics, args.toArray(String[]::new));
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            for (String g : generated) {
                String[] kv = g.split("=");
                Class<?> c = loader.loadClass(kv[0]);
                BtfLayout layout = BtfLayout.of(vmlinux, kv[1]);
                assertEquals(layout.layout(), c.getField("LAYOUT").get(null), kv[1]);
                MemorySegment zero = MemorySegment.ofArray(new long[(int) (layout.size() + 7) / 8]);
                assertNotNull(c.getMethod("read", MemorySegment.class, long.class).invoke(null, zero, 0L), kv[1]);
            }
        }
    }
}
