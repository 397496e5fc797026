#!/usr/bin/env bash
# './jringbuf bench': a quick side-by-side run of both comparisons (8-byte records), a few
# minutes in all, printing the ratios. Kernel rings (jringbuf vs libbpf) need root and bpf(); they
# are skipped with the reason otherwise. For figures worth quoting use bench/kernel.sh full and
# bench/jmh.sh full on a quiet machine (see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "jringbuf bench: machine $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== 1/2 kernel rings: jringbuf vs libbpf (bench/kernel.sh tiny)"
if [ "$(id -u)" -eq 0 ]; then
  bench/kernel.sh tiny
else
  echo "   skipped: needs root for bpf() and bpffs pins"
fi
echo
echo "== 2/2 JVM rings: jringbuf vs Agrona, Disruptor, JCTools (bench/jmh.sh tiny)"
# JMH's own output is long: keep its progress lines and the ratio table (set VERBOSE=1 for all).
if [ "${VERBOSE:-0}" = 1 ]; then
  bench/jmh.sh tiny
else
  bench/jmh.sh tiny 2>&1 | grep --line-buffered -E \
    '^# Run progress|^# Benchmark:|^== |^(RINGBUF|USER_RINGBUF)|^producers|^ +[0-9]+ +[0-9]+ |^ +pair |^ +[a-zA-Z]+/[a-zA-Z]+ +[0-9]+ |^raw results|^B/op|^Disruptor and|\.png$|^bench/jmh.sh'
fi
