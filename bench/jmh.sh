#!/usr/bin/env bash
# Builds the JMH benchmarks jar and runs the JVM-ring comparison: jringbuf's RINGBUF ring vs
# Agrona's ManyToOneRingBuffer, jringbuf's USER_RINGBUF ring vs Agrona's OneToOneRingBuffer,
# with the LMAX Disruptor and JCTools' MpscArrayQueue as object-queue reference points.
#
#   bench/jmh.sh [tiny|quick|full|ab] [extra JMH options...]
#
# quick (default): 1 fork, 2 x 1 s warm-up, 3 x 1 s measurement, both consumer commit modes.
# full: 3 forks, 5 x 2 s warm-up, 5 x 2 s measurement, and the consumer's batch-commit mode.
# ab: the two-thread pairs (jringbuf and Agrona per configuration) back to back, AB_ROUNDS rounds
# (default 5), each round between two cache-line round-trip measurements; raw CSV, medians and
# a chart (io.jringbuf.jmh.Interleaved; JMH_INCLUDE and extra options do not apply).
# quick and full run Throughput and SampleTime with -prof gc. Raw results go to
# bench/results/jmh-<mode>-<UTC date>.json, the machine it ran on (bench/machine.sh) next to it in
# .machine.txt; a ratio table (jringbuf / Agrona) is printed.
# Env: JAVA25 (a JDK 25+ java, default: the first one found), JMH_INCLUDE (benchmark regex),
# SKIP_BUILD=1 (reuse the jar), JMH_JFR=0 (no JIT recording per fork; by default quick and full
# record one per fork with bench/jit.jfc and summarise them into <name>-jit.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-quick}
[ $# -gt 0 ] && shift

find_java25() {
  for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    if [ -x "$home/bin/java" ]; then
      v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
      if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$home/bin/java"; return; fi
    fi
  done
}
java=${JAVA25:-$(find_java25)}
if [ -z "$java" ]; then
  echo "bench/jmh.sh: no JDK 25 or newer found (set JAVA25=/path/to/java)" >&2
  exit 1
fi

bm=thrpt,sample
case "$mode" in
  # tiny: what './jringbuf bench' runs (8-byte payloads, throughput only, about a minute)
  tiny)  opts=(-f 1 -wi 1 -w 1s -i 2 -r 1s -p batchCommit=false -p payload=8); bm=thrpt ;;
  quick) opts=(-f 1 -wi 2 -w 1s -i 3 -r 1s -p batchCommit=false,true) ;;
  full)  opts=(-f 3 -wi 5 -w 2s -i 5 -r 2s -p batchCommit=false,true) ;;
  # ab: the two-thread pairs interleaved (jringbuf and Agrona back to back per configuration,
  # AB_ROUNDS rounds, default 5, about 2.5 min each); medians of the per-round ratios
  ab) ;;
  *) echo "usage: bench/jmh.sh [tiny|quick|full|ab] [extra JMH options...]" >&2; exit 2 ;;
esac

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -ntp -pl jringbuf-jmh -am package -DskipTests
fi

mkdir -p bench/results
if [ "$mode" = ab ]; then
  echo "bench/jmh.sh: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
  out=bench/results/jmh-ab-$(date -u +%Y%m%dT%H%M%SZ).csv
  # The machine (CPU family/model/stepping, flags, microcode, kernel, THP, JVM flags), next to the result.
  bench/machine.sh "$java" > "${out%.csv}.machine.txt"
  "$java" --enable-native-access=ALL-UNNAMED -cp jringbuf-jmh/target/benchmarks.jar io.jringbuf.jmh.Interleaved \
    "${AB_ROUNDS:-5}" "$out"
  echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  for py in python3 /usr/bin/python3; do
    if "$py" -c 'import matplotlib' 2>/dev/null; then "$py" bench/plot.py "$out"; break; fi
  done
  exit 0
fi
# Ratios are only meaningful between runs on a quiet machine: say how busy it was.
echo "bench/jmh.sh: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
out=bench/results/jmh-$mode-$(date -u +%Y%m%dT%H%M%SZ).json
# The machine (CPU family/model/stepping, flags, microcode, kernel, THP, JVM flags), next to the result.
bench/machine.sh "$java" > "${out%.json}.machine.txt"
# Every fork records its JIT (compilations, inlining, deoptimizations) with JFR, one file per fork
# (JMH_JFR=0: off). -jvmArgsPrepend leaves the benchmarks' own @Fork(jvmArgsAppend) flags in place.
jfr=()
jfr_dir=bench/out/jfr-$(basename "${out%.json}")
if [ "${JMH_JFR:-1}" = 1 ]; then
  mkdir -p "$jfr_dir"
  jfr=(-jvmArgsPrepend "-Xlog:jfr+startup=error -XX:StartFlightRecording:filename=$PWD/$jfr_dir/fork-%p.jfr,settings=$PWD/bench/jit.jfc")
fi
"$java" --enable-native-access=ALL-UNNAMED -jar jringbuf-jmh/target/benchmarks.jar \
  "${JMH_INCLUDE:-io.jringbuf.jmh.*}" "${opts[@]}" -bm "$bm" -tu us -prof gc "${jfr[@]}" \
  -rf json -rff "$out" "$@"
if [ "${JMH_JFR:-1}" = 1 ]; then
  # What the JIT made of each fork's hot code (KernelBench jit, from the jringbuf-bench jar).
  if [ -f jringbuf-bench/target/jringbuf-bench.jar ] && ls "$jfr_dir"/*.jfr >/dev/null 2>&1; then
    "$java" -jar jringbuf-bench/target/jringbuf-bench.jar jit "$jfr_dir"/*.jfr > "${out%.json}-jit.txt" 2>&1 || true
    echo "JIT per fork: ${out%.json}-jit.txt (recordings in $jfr_dir)"
  else
    echo "JIT recordings in $jfr_dir (summarise: java -jar jringbuf-bench/target/jringbuf-bench.jar jit $jfr_dir/*.jfr)"
  fi
fi

echo
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "${out%.json}.machine.txt"
echo "raw results: $out (load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)); machine: ${out%.json}.machine.txt"
python3 bench/jmh_report.py "$out"
# Charts, if some python3 has matplotlib (Debian's python3-matplotlib is for /usr/bin/python3).
for py in python3 /usr/bin/python3; do
  if "$py" -c 'import matplotlib' 2>/dev/null; then "$py" bench/plot.py "$out"; break; fi
done
