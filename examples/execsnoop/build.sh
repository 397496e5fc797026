#!/usr/bin/env bash
# Builds execsnoop.bpf.o from execsnoop.bpf.c (needs clang, llvm, bpftool and libbpf-dev's headers):
# vmlinux.h is written from this kernel's BTF (not committed), the object keeps its BTF (-g) and
# loses only the DWARF (llvm-strip -g), and the source's SHA-256 is recorded beside it so that a
# test can tell a stale object from a fresh one (execsnoop.bpf.o.built-with: clang and kernel BTF). CO-RE makes the object run on other kernels.
set -euo pipefail
cd "$(dirname "$0")"
for tool in clang bpftool llvm-strip; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (apt-get install clang llvm bpftool libbpf-dev)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$tmp/vmlinux.h"
clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -Wall -I"$tmp" -I../../include -I/usr/include/x86_64-linux-gnu \
  -c execsnoop.bpf.c -o "$tmp/execsnoop.bpf.o"
llvm-strip -g "$tmp/execsnoop.bpf.o"
mv "$tmp/execsnoop.bpf.o" execsnoop.bpf.o
sha256sum execsnoop.bpf.c | cut -d' ' -f1 > execsnoop.bpf.c.sha256
# What else decides the instructions: the compiler and the kernel types vmlinux.h came from. Where
# both match, the test also compares the program's instructions byte for byte.
{
  echo "clang: $(clang --version | head -1)"
  echo "vmlinux: $(sha256sum /sys/kernel/btf/vmlinux | cut -d' ' -f1)"
} > execsnoop.bpf.o.built-with
echo "built examples/execsnoop/execsnoop.bpf.o ($(stat -c %s execsnoop.bpf.o) bytes)"
