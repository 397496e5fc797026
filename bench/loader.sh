#!/usr/bin/env bash
# Side-by-side benchmarks of jringbuf's object loader and typed output against libbpf (C), in one run:
#   bench/loader.sh [tiny|quick|full]
#
# 1. Load time: open + load + attach of the same object, jringbuf in-process with the JVM warm
#    (io.jringbuf.bench.LoadBench) vs libbpf's bpf_object__open_file/__load/bpf_program__attach
#    (bench/loader/load_libbpf.c); the demo's examples/execsnoop/execsnoop.bpf.o (1 program) and
#    bench/loader/many.bpf.c (6 programs: tracepoint, raw_tp, tp_btf; a subprogram, CO-RE, maps).
#    Median per run; jringbuf/libbpf ratio of the medians of the runs (target <= 1.0).
# 2. JSON output: 'jringbuf run feed.bpf.o --type event64' (the command, one process) vs a C
#    printer of the same struct on libbpf's ring_buffer (bench/loader/json_libbpf.c), both to
#    /dev/null, fed by getppid() calls of a feeder process (32 64-byte records per call while the
#    ring has room). records/s = (N2 - N1) / (t(N2) - t(N1)) over two runs of each printer, so that
#    start-up (JVM, loading) cancels out; the whole-process rate for N2 is shown too.
#
# Runs A B A B ... so that drift hits both; prints the load average before and after: ratios are
# only meaningful on a quiet machine. Needs root, clang, bpftool, gcc, libbpf-dev, a JDK 25.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-quick}
case "$mode" in
  tiny)  runs=2; iterations=20;  warmup=20;  n1=100000; n2=300000 ;;
  quick) runs=5; iterations=50;  warmup=50;  n1=200000; n2=1200000 ;;
  full)  runs=9; iterations=200; warmup=200; n1=500000; n2=5000000 ;;
  *) echo "usage: bench/loader.sh [tiny|quick|full]" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  echo "bench/loader.sh: needs root (bpf())" >&2
  exit 1
fi
for tool in clang bpftool gcc mvn; do
  command -v "$tool" >/dev/null || { echo "bench/loader.sh: $tool is missing" >&2; exit 1; }
done
[ -f /usr/include/bpf/libbpf.h ] || { echo "bench/loader.sh: libbpf-dev is missing" >&2; exit 1; }
jdk25=""
for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
  if [ -x "$home/bin/javac" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then jdk25=$home; break; fi
  fi
done
[ -n "$jdk25" ] || { echo "bench/loader.sh: no JDK 25 or newer found" >&2; exit 1; }
java=("$jdk25/bin/java" --enable-native-access=ALL-UNNAMED)

echo "== build"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -ntp -pl jringbuf-bench,jringbuf-cli -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
fi
out=bench/out
mkdir -p "$out" bench/results
bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$out/vmlinux.h"
for o in many feed; do
  clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -Wall -I"$out" -I/usr/include/x86_64-linux-gnu \
    -c bench/loader/$o.bpf.c -o "$out/$o.bpf.o"
done
gcc -O2 -Wall -o "$out/load_libbpf" bench/loader/load_libbpf.c -lbpf
gcc -O2 -Wall -o "$out/json_libbpf" bench/loader/json_libbpf.c -lbpf
gcc -O2 -Wall -o "$out/getppid_loop" bench/loader/getppid_loop.c

stamp=$(date -u +%Y%m%dT%H%M%SZ)
raw=bench/results/loader-$stamp.txt
echo "bench/loader.sh $mode: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run" | tee "$raw"

median() { sort -g | awk '{a[NR]=$1} END {printf "%.6f\n", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
calc() { awk "BEGIN {printf \"%.6f\", $1}"; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }

echo "== load time (open + load + attach), $runs runs of $iterations after $warmup warm-up"
declare -A lib jr
for obj in examples/execsnoop/execsnoop.bpf.o "$out/many.bpf.o"; do
  for r in $(seq "$runs"); do
    l=$("$out/load_libbpf" "$obj" "$iterations" "$warmup"); echo "$l" >> "$raw"
    j=$("${java[@]}" -cp jringbuf-bench/target/jringbuf-bench.jar io.jringbuf.bench.LoadBench "$obj" "$iterations" "$warmup")
    echo "$j" >> "$raw"
    lib[$obj]+="$(echo "$l" | field median_us) "
    jr[$obj]+="$(echo "$j" | field median_us) "
  done
done
printf '\n| Object | programs | libbpf median µs | jringbuf median µs | jringbuf / libbpf |\n|---|---|---|---|---|\n'
for obj in examples/execsnoop/execsnoop.bpf.o "$out/many.bpf.o"; do
  lm=$(echo ${lib[$obj]} | tr ' ' '\n' | median)
  jm=$(echo ${jr[$obj]} | tr ' ' '\n' | median)
  progs=$(grep -F "jringbuf $obj " "$raw" | tail -1 | field programs)
  printf '| %s | %s | %.0f | %.0f | %.2fx |\n' "$(basename "$obj")" "$progs" "$lm" "$jm" "$(calc "$jm / $lm")"
done | tee -a "$raw"

echo
echo "== JSON output of struct event64 (64 bytes), $runs runs of N=$n1 and N=$n2 records each"
"$out/getppid_loop" &
feeder=$!
trap 'kill $feeder 2>/dev/null || true' EXIT
elapsed() { local s e; s=$(date +%s%N); "$@" > /dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
crates=""; jrates=""; cwhole=""; jwhole=""
for r in $(seq "$runs"); do
  c1=$(elapsed "$out/json_libbpf" "$out/feed.bpf.o" "$feeder" "$n1")
  c2=$(elapsed "$out/json_libbpf" "$out/feed.bpf.o" "$feeder" "$n2")
  j1=$(elapsed "${java[@]}" -jar jringbuf-cli/target/jringbuf-cli.jar run "$out/feed.bpf.o" --set "feeder_tgid=$feeder" \
    --type event64 --count "$n1")
  j2=$(elapsed "${java[@]}" -jar jringbuf-cli/target/jringbuf-cli.jar run "$out/feed.bpf.o" --set "feeder_tgid=$feeder" \
    --type event64 --count "$n2")
  echo "json run $r: C $n1 ${c1}us $n2 ${c2}us; jringbuf $n1 ${j1}us $n2 ${j2}us" >> "$raw"
  crates+="$(calc "($n2 - $n1) / (($c2 - $c1) / 1000000)") "
  jrates+="$(calc "($n2 - $n1) / (($j2 - $j1) / 1000000)") "
  cwhole+="$(calc "$n2 / ($c2 / 1000000)") "
  jwhole+="$(calc "$n2 / ($j2 / 1000000)") "
done
kill $feeder 2>/dev/null || true
cr=$(echo $crates | tr ' ' '\n' | median); jrr=$(echo $jrates | tr ' ' '\n' | median)
cw=$(echo $cwhole | tr ' ' '\n' | median); jw=$(echo $jwhole | tr ' ' '\n' | median)
printf '\n| Printer | records/s (steady) | records/s (whole process, N=%s) |\n|---|---|---|\n' "$n2"
{
  printf '| C (libbpf ring_buffer + printf) | %.0f | %.0f |\n' "$cr" "$cw"
  printf '| jringbuf run --type event64 | %.0f | %.0f |\n' "$jrr" "$jw"
  printf '| jringbuf / C | %.2fx | %.2fx |\n' "$(calc "$jrr / $cr")" "$(calc "$jw / $cw")"
} | tee -a "$raw"
echo
echo "raw lines: $raw (load average after the run: $(cut -d' ' -f1-3 /proc/loadavg))"
