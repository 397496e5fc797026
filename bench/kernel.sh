#!/usr/bin/env bash
# Side-by-side benchmarks of jringbuf and libbpf (C) on real kernel rings, in one run:
#   bench/kernel.sh [tiny|quick|full]
# Needs root (bpf(), bpffs). Builds the jringbuf-bench jar and bench/kernel/libbpf_bench.c
# (installing libbpf-dev if missing), pins the rings and BPF programs under
# /sys/fs/bpf/jringbuf-bench, runs jringbuf and libbpf alternately (A B A B ...) on the same
# pinned objects, prints median [min-max] per figure with the jringbuf/libbpf ratio, and writes
# the raw rows to bench/results/kernel-<date>.csv and everything to bench/results/kernel-<date>.json.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-quick}
payloads="8 64 256"
case "$mode" in
  # tiny: what './jringbuf bench' runs (8-byte payloads only, about a minute)
  tiny)  runs=3; warm=2000000;  timed=1000000;  k2_attempts=400000; payloads="8" ;;
  # warm/timed: records per run for K1 and K3 (rounded up to whole ring fills)
  quick) runs=5; warm=5000000;  timed=2000000;  k2_attempts=1000000 ;;
  full)  runs=9; warm=20000000; timed=10000000; k2_attempts=4000000 ;;
  *) echo "usage: bench/kernel.sh [tiny|quick|full]" >&2; exit 2 ;;
esac
k2_chunk=10000          # test_run repeat per producer call in K2
force_every=512         # K2 sampled: one FORCE_WAKEUP every 512 records, NO_WAKEUP otherwise
ring_bytes=$((4 << 20)) # every RINGBUF and USER_RINGBUF
pins=/sys/fs/bpf/jringbuf-bench

if [ "$(id -u)" -ne 0 ]; then
  echo "bench/kernel.sh: needs root (bpf(), bpffs pins)" >&2
  exit 1
fi

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@"
}
command -v mvn >/dev/null 2>&1 || apt_install maven
command -v gcc >/dev/null 2>&1 || apt_install gcc libc6-dev
[ -f /usr/include/bpf/libbpf.h ] || apt_install libbpf-dev

# JDK 25+ for running the harness, found as .ci/run finds it.
jdk25=""
for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
  if [ -x "$home/bin/javac" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then jdk25=$home; break; fi
  fi
done
if [ -z "$jdk25" ]; then
  echo "bench/kernel.sh: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)" >&2
  exit 1
fi
java=("$jdk25/bin/java" -jar jringbuf-bench/target/jringbuf-bench.jar)

echo "== build"
mvn -B -q -ntp -pl jringbuf-bench -am package -DskipTests
mkdir -p bench/out bench/results
gcc -O2 -Wall -o bench/out/libbpf_bench bench/kernel/libbpf_bench.c -lbpf -lpthread

echo "== setup (pins in $pins)"
"${java[@]}" setup "$pins" "$ring_bytes" $payloads
trap '"${java[@]}" teardown "$pins" || true' EXIT

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
stamp=$(date -u +%Y-%m-%d-%H%M%S)
raw=bench/results/kernel-$stamp.csv
json=bench/results/kernel-$stamp.json
"${java[@]}" header > "$raw"
params=("$warm" "$timed" "$k2_attempts" "$k2_chunk" "$force_every")
echo "== $mode: $runs runs x payloads {$payloads}, jringbuf and libbpf alternately"
for run in $(seq 1 "$runs"); do
  for p in $payloads; do
    "${java[@]}" run "$pins" "$p" "$run" "${params[@]}" >> "$raw"
    bench/out/libbpf_bench "$pins" "$p" "$run" "${params[@]}" >> "$raw"
  done
  echo "   run $run/$runs done"
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo
echo "   load average at start: $load_start, now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "== results (M records/s; ratio = jringbuf median / libbpf median; K1 batch-commit is compared with libbpf per-record)"
echo "   ring $ring_bytes bytes; K1: ring prefilled by test_run with NO_WAKEUP, timed drain with consume();"
echo "   K2: producer thread test_run(repeat=$k2_chunk) x $k2_attempts attempts, consumer poll(10 ms);"
echo "   K3: reserve+submit until full, then BPF drain (bpf_user_ringbuf_drain flags 0) via test_run;"
echo "   handlers read the payload's first 8 bytes into a sink; K1/K3: >= $warm warm-up then >= $timed timed records per run"
"${java[@]}" report "$raw" "$json" mode="$mode" date="$stamp" kernel="$(uname -r)" cpu="$cpu" cpus="$(nproc)" \
  loadavg_start="$load_start" loadavg_end="$(cut -d' ' -f1-3 /proc/loadavg)" jdk="$("$jdk25/bin/java" -version 2>&1 | head -1)" \
  libbpf="$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || echo unknown)" gcc="$(gcc -dumpfullversion)" \
  ring_bytes="$ring_bytes" runs="$runs" warm_records="$warm" timed_records="$timed" k2_attempts="$k2_attempts" \
  k2_chunk="$k2_chunk" k2_force_every="$force_every"
echo
echo "raw rows: $raw"
echo "json:     $json"
# Chart, if some python3 has matplotlib (Debian's python3-matplotlib is for /usr/bin/python3).
for py in python3 /usr/bin/python3; do
  if "$py" -c 'import matplotlib' 2>/dev/null; then "$py" bench/plot_kernel.py "$json"; break; fi
done
