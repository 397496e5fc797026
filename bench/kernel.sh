#!/usr/bin/env bash
# Side-by-side benchmarks of jringbuf and libbpf (C) on real kernel rings, in one run:
#   bench/kernel.sh [tiny|quick|full]
#   bench/kernel.sh ab GIT-REV [tiny|quick|full]
# Needs root (bpf(), bpffs). Builds the jringbuf-bench jar and bench/kernel/libbpf_bench.c
# (installing libbpf-dev if missing), pins the rings and BPF programs under $KB_PINS
# (default /sys/fs/bpf/jringbuf-bench, or .../jringbuf-bench-ab for ab), runs jringbuf and libbpf
# alternately (A B A B ...) on the same pinned objects, prints median [min-max] per figure with
# the jringbuf/libbpf ratio, and writes the raw rows to bench/results/kernel-<date>.csv (machine
# facts first, as '# key=value' lines) and everything to bench/results/kernel-<date>.json.
#
# ab: builds the jringbuf-bench jar at GIT-REV (in a temporary git worktree under /tmp) and at
# the working tree, and runs baseline jringbuf, new jringbuf and libbpf in turn (the order
# rotates from run to run) on the same pins; the report gives per-size medians, new/baseline
# (ratio of medians and the median of per-run ratios) and each/libbpf. Default mode quick and
# scenarios K1,K3 (KB_ONLY=K1,K2,K3 for all). Results: bench/results/kernel-ab-<date>.{csv,json}.
# 'ab HEAD' with a clean working tree is an A/A control of the machine's noise.
#
# Before each run of each payload, bench/kernel/stride_ceiling.c measures the memory system's
# ceiling for that payload's access pattern ("# probe:" lines in the CSV, summarised after the
# results): a run that was slow together with its probe was slow because the machine was.
#
# Every Java run records its JIT compilations, inlining decisions and deoptimizations with JFR
# (bench/jit.jfc; KB_JFR=0 turns it off) into bench/out/jfr-<date>/, summarised into
# bench/results/kernel-<date>-jit.txt and the JSON ("jit"), with the JVM's flags and whether the
# specialised hot-path classes were in use ("runs").
# Env: KB_PINS (pin directory), KB_ONLY (scenarios: K1,K2,K3), KB_JAVA_OPTS (extra JVM flags for
# every Java run, recorded), KB_JFR (1/0), KB_CPU (run both sides on this CPU only, recorded).
set -euo pipefail
cd "$(dirname "$0")/.."

ab_rev=""
if [ "${1:-}" = ab ]; then
  ab_rev=${2:?usage: bench/kernel.sh ab GIT-REV [tiny|quick|full]}
  mode=${3:-quick}
else
  mode=${1:-quick}
fi
payloads="8 64 256"
case "$mode" in
  # tiny: what './jringbuf bench' runs (8-byte payloads only, a few minutes). Warm-up: the
  # record count of quick; 2 M was too little for K3 (see bench/KERNEL-NOTES.md, 2026-12-06).
  # Five runs, not three: on a VM whose memory moves between two states a median of three fell
  # on the slow one for K3 (KERNEL-NOTES, "Afternoon"); two more runs cost about 30 s.
  tiny)  runs=5; warm=5000000;  timed=2000000;  k2_attempts=400000; payloads="8" ;;
  # warm/timed: records per run for K1 and K3 (rounded up to whole ring fills)
  quick) runs=5; warm=5000000;  timed=2000000;  k2_attempts=1000000 ;;
  full)  runs=9; warm=20000000; timed=10000000; k2_attempts=4000000 ;;
  *) echo "usage: bench/kernel.sh [tiny|quick|full] | bench/kernel.sh ab GIT-REV [tiny|quick|full]" >&2; exit 2 ;;
esac
k2_chunk=10000          # test_run repeat per producer call in K2
force_every=512         # K2 sampled: one FORCE_WAKEUP every 512 records, NO_WAKEUP otherwise
ring_bytes=$((4 << 20)) # every RINGBUF and USER_RINGBUF
if [ -n "$ab_rev" ]; then
  pins=${KB_PINS:-/sys/fs/bpf/jringbuf-bench-ab}
  only=${KB_ONLY:-K1,K3}
else
  pins=${KB_PINS:-/sys/fs/bpf/jringbuf-bench}
  only=${KB_ONLY:-K1,K2,K3}
fi

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

stamp=$(date -u +%Y-%m-%d-%H%M%S)
mkdir -p bench/out bench/results
name=kernel-$stamp
[ -n "$ab_rev" ] && name=kernel-ab-$stamp

echo "== build"
mvn -B -q -ntp -pl jringbuf-bench -am package -DskipTests
# The jars the run uses are copies, so that a rebuild during the run changes nothing.
new_jar=bench/out/$name-new.jar
cp jringbuf-bench/target/jringbuf-bench.jar "$new_jar"
base_jar=""
if [ -n "$ab_rev" ]; then
  base_sha=$(git rev-parse --verify "$ab_rev^{commit}")
  tmp=$(mktemp -d /tmp/jringbuf-ab-XXXXXX)
  echo "== build the baseline at $ab_rev ($base_sha) in $tmp"
  git worktree add -q --detach "$tmp/src" "$base_sha"
  if ! (cd "$tmp/src" && { mvn -B -q -o -ntp -pl jringbuf-bench -am package -DskipTests 2>/dev/null \
        || mvn -B -q -ntp -pl jringbuf-bench -am package -DskipTests; }); then
    git worktree remove --force "$tmp/src"; rm -rf "$tmp"
    echo "bench/kernel.sh: building jringbuf-bench at $ab_rev failed" >&2
    exit 1
  fi
  base_jar=bench/out/$name-base.jar
  cp "$tmp/src/jringbuf-bench/target/jringbuf-bench.jar" "$base_jar"
  git worktree remove --force "$tmp/src"
  rm -rf "$tmp"
  new_desc="working tree at $(git rev-parse HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' + uncommitted changes')"
fi
gcc -O2 -Wall -o bench/out/libbpf_bench bench/kernel/libbpf_bench.c -lbpf -lpthread
gcc -O2 -Wall -o bench/out/stride_ceiling bench/kernel/stride_ceiling.c

jfr_dir=bench/out/jfr-$stamp
runmeta=bench/out/$name-runs.jsonl
: > "$runmeta"
[ "${KB_JFR:-1}" = 1 ] && mkdir -p "$jfr_dir"
read -r -a java_opts <<< "${KB_JAVA_OPTS:-}"
# KB_CPU=N: every Java and C run on CPU N only (taskset). For diagnosis, not for headline
# figures: the JVM's JIT and GC threads then share the timed thread's CPU (on 2 vCPUs, 2026-12-06,
# a pinned full run gave K1 at 8 B 0.7x an unpinned one). Why it exists: for minutes at a time the
# two vCPUs of that VM read K1's 264-byte stride at different rates (CPU 0 at 0.6x CPU 1, 11:55;
# equal at 12:00); the per-CPU probe lines show when.
pin=()
[ -n "${KB_CPU:-}" ] && pin=(taskset -c "$KB_CPU")
# One Java run: JAR SIDE RUN PAYLOAD (SIDE: jringbuf or jringbuf-base; the rows say which).
java_run() {
  local jar=$1 side=$2 run=$3 p=$4 flags=()
  if [ "${KB_JFR:-1}" = 1 ]; then
    flags+=(-Xlog:jfr+startup=error
            "-XX:StartFlightRecording:filename=$jfr_dir/$side-p$p-r$run.jfr,settings=$PWD/bench/jit.jfc")
  fi
  "${pin[@]}" "$jdk25/bin/java" "${flags[@]}" "${java_opts[@]}" "-Dkb.only=$only" "-Dkb.meta=$runmeta" "-Dkb.side=$side" -jar "$jar" \
    run "$pins" "$p" "$run" "${params[@]}" | sed "s/^\([0-9]*\),jringbuf,/\1,$side,/"
}
c_run() {
  KB_ONLY=$only "${pin[@]}" bench/out/libbpf_bench "$pins" "$2" "$1" "${params[@]}"
}
# The machine's state at this moment, for reading a slow run: the memory system's ceiling for
# this payload's access pattern, with no ring protocol (bench/kernel/stride_ceiling.c: the record
# stride read with independent loads after a system call, as K1 reads after test_run). RUN PAYLOAD
probe() {
  local stride=$(( ($2 + 8 + 7) / 8 * 8 )) out cpu
  for cpu in $(seq 0 $(( $(nproc) - 1 ))); do
    out=$(taskset -c "$cpu" bench/out/stride_ceiling "$stride" independent 1 2>&1) || out="failed: $out"
    # No '=' in the line: the report reads '# key=value' lines as machine facts.
    echo "# probe: run $1, payload $2, stride $stride, cpu $cpu: ${out#*: }"
  done
}

echo "== setup (pins in $pins)"
"$jdk25/bin/java" -jar "$new_jar" setup "$pins" "$ring_bytes" $payloads
trap '"$jdk25/bin/java" -jar "$new_jar" teardown "$pins" || true' EXIT

raw=bench/results/$name.csv
json=bench/results/$name.json
jit=bench/results/$name-jit.txt
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
  bench/machine.sh "$jdk25/bin/java" | sed 's/^/# /'
  echo "# mode=$mode"
  echo "# scenarios=$only"
  echo "# java_opts=${KB_JAVA_OPTS:-} (plus JFR recording: ${KB_JFR:-1})"
  echo "# cpu_pin=${KB_CPU:-none}"
  if [ -n "$ab_rev" ]; then
    echo "# ab_baseline=$ab_rev ($base_sha)"
    echo "# ab_new=$new_desc"
  else
    echo "# code=$(git rev-parse HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' + uncommitted changes')"
  fi
  "$jdk25/bin/java" -jar "$new_jar" header
} > "$raw"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
params=("$warm" "$timed" "$k2_attempts" "$k2_chunk" "$force_every")
if [ -n "$ab_rev" ]; then
  echo "== ab $mode: $runs runs x payloads {$payloads}, scenarios $only: baseline $ab_rev, new (working tree), libbpf in turn"
else
  echo "== $mode: $runs runs x payloads {$payloads}, jringbuf and libbpf alternately"
fi
for run in $(seq 1 "$runs"); do
  for p in $payloads; do
    probe "$run" "$p" >> "$raw"
    if [ -n "$ab_rev" ]; then
      # The order rotates, so that no side always runs first (after the other's cache and JIT work).
      for k in 0 1 2; do
        case $(( (run + k) % 3 )) in
          0) java_run "$base_jar" jringbuf-base "$run" "$p" >> "$raw" ;;
          1) java_run "$new_jar" jringbuf "$run" "$p" >> "$raw" ;;
          2) c_run "$run" "$p" >> "$raw" ;;
        esac
      done
    else
      java_run "$new_jar" jringbuf "$run" "$p" >> "$raw"
      c_run "$run" "$p" >> "$raw"
    fi
  done
  echo "   run $run/$runs done (load average $(cut -d' ' -f1-3 /proc/loadavg))"
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# loadavg_start=$load_start" >> "$raw"
echo "# loadavg_end=$load_end" >> "$raw"

if [ "${KB_JFR:-1}" = 1 ]; then
  "$jdk25/bin/java" -jar "$new_jar" jit "$jfr_dir"/*.jfr > "$jit" 2>&1 || echo "(JIT summary failed)" >> "$jit"
fi

echo
echo "   load average at start: $load_start, now: $load_end on $(nproc) CPUs"
echo "== results (M records/s; ratio = jringbuf median / libbpf median; K1 batch-commit is compared with libbpf per-record)"
echo "   ring $ring_bytes bytes; K1: ring prefilled by test_run with NO_WAKEUP, timed drain with consume();"
echo "   K2: producer thread test_run(repeat=$k2_chunk) x $k2_attempts attempts, consumer poll(10 ms);"
echo "   K3: reserve+submit until full, then BPF drain (bpf_user_ringbuf_drain flags 0) via test_run;"
echo "   handlers read the payload's first 8 bytes into a sink; K1/K3: >= $warm warm-up then >= $timed timed records per run"
[ -n "$ab_rev" ] && echo "   ab: new = working tree, base = $ab_rev; paired = median [min-max] of new/base per run"
# The probes, per payload and CPU (one before each run's pair): if they moved as much as the rows,
# the machine did. A warning when the machine was not in one state: a probe below 0.75 of the
# best for its payload (one CPU slower than the other, or the whole machine slower for a while);
# the medians above can then fall on either state (bench/KERNEL-NOTES.md, "Afternoon").
sed -n 's/^# probe: run \([0-9]*\), payload \([0-9]*\), stride [0-9]*, cpu \([0-9]*\): \([0-9]*\) M records.*/\1 \2 \3 \4/p' "$raw" |
  sort -k2,2n -k3,3n -k4,4n | awk '
  { run[NR] = $1; pay[NR] = $2; cpu[NR] = $3; v[NR] = $4; if ($4 > best[$2]) best[$2] = $4
    k = $2 " " $3; if (!(k in first)) { first[k] = NR; keys[++nk] = k } last[k] = NR }
  END {
    for (j = 1; j <= nk; j++) {
      k = keys[j]; lo = first[k]; hi = last[k]; split(k, pc, " ")
      printf "   machine probe, %3d B, CPU %d (stride read ceiling after a system call, M records/s): median %d [%d-%d] n=%d\n",
        pc[1], pc[2], v[lo + int((hi - lo) / 2)], v[lo], v[hi], hi - lo + 1
    }
    n = 0
    for (i = 1; i <= NR; i++) if (v[i] < 0.75 * best[pay[i]]) { slow = slow (n ? "; " : "") sprintf("run %d, %d B, CPU %d", run[i], pay[i], cpu[i]); n++ }
    if (n) printf "   WARNING: the machine was not in one state: %d of %d probes below 0.75 of the best (%s); read the ratios with the drain rows (A/A)\n", n, NR, slow
  }'

"$jdk25/bin/java" -jar "$new_jar" report "$raw" "$json" mode="$mode" date="$stamp" kernel="$(uname -r)" cpu="$cpu" cpus="$(nproc)" \
  loadavg_start="$load_start" loadavg_end="$load_end" jdk="$("$jdk25/bin/java" -version 2>&1 | head -1)" \
  libbpf="$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || echo unknown)" gcc="$(gcc -dumpfullversion)" \
  ring_bytes="$ring_bytes" runs="$runs" warm_records="$warm" timed_records="$timed" k2_attempts="$k2_attempts" \
  k2_chunk="$k2_chunk" k2_force_every="$force_every" scenarios="$only" ab_baseline="${ab_rev:+$ab_rev ($base_sha)}" \
  runmeta="$runmeta" jit="$jit"
echo
echo "raw rows: $raw"
echo "json:     $json"
[ "${KB_JFR:-1}" = 1 ] && echo "jit:      $jit (recordings in $jfr_dir)"
# Chart, if some python3 has matplotlib (Debian's python3-matplotlib is for /usr/bin/python3).
if [ -z "$ab_rev" ]; then
  for py in python3 /usr/bin/python3; do
    if "$py" -c 'import matplotlib' 2>/dev/null; then "$py" bench/plot_kernel.py "$json"; break; fi
  done
fi
