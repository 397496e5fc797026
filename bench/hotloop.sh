#!/usr/bin/env bash
# The machine code of the Java side's hot loop in a kernel scenario, with a sampled profile per
# instruction and its instruction count (bench/hotloop.py). Instruction counts do not depend on
# the machine's load, unlike records/s: use this to compare two builds on a shared machine.
#
#   bench/hotloop.sh K1|K1batch|K3 PAYLOAD [JAR]      (root; default JAR: the one mvn builds)
#
# Pins its own maps under /sys/fs/bpf/jringbuf-hotloop, runs one K1 or K3 run (20 M warm-up and
# 30 M timed records) under 'perf record -e cpu-clock' with the hot methods printed as hex
# (-XX:CompileCommand=print), and writes bench/out/hotloop-<scenario>-p<payload>-<date>.{log,txt}.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:?usage: bench/hotloop.sh K1|K1batch|K3 PAYLOAD [JAR]}
payload=${2:?usage: bench/hotloop.sh K1|K1batch|K3 PAYLOAD [JAR]}
jar=${3:-jringbuf-bench/target/jringbuf-bench.jar}
java=""
for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
  if [ -x "$home/bin/java" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then java=$home/bin/java; break; fi
  fi
done
[ -n "$java" ] || { echo "bench/hotloop.sh: no JDK 25+" >&2; exit 1; }
command -v perf >/dev/null || { echo "bench/hotloop.sh: needs perf (apt-get install linux-perf)" >&2; exit 1; }
[ -f "$jar" ] || mvn -B -q -ntp -pl jringbuf-bench -am package -DskipTests
case "$scenario" in
  K1) only=K1; k1=per-record; print='*ConsumerLoopTemplate*::run'; method='ConsumerLoopTemplate' ;;
  K1batch) only=K1; k1=batch-commit; print='*ConsumerLoopTemplate*::run'; method='ConsumerLoopTemplate' ;;
  # K3's fill loop is KernelBench::fill since 2026-12-06 (inside KernelBench::k3 before)
  K3) only=K3; k1=both; print='io.jringbuf.bench.KernelBench::fill'; method='KernelBench::fill' ;;
  *) echo "bench/hotloop.sh: scenario K1, K1batch or K3" >&2; exit 2 ;;
esac
pins=/sys/fs/bpf/jringbuf-hotloop
mkdir -p bench/out
out=bench/out/hotloop-$scenario-p$payload-$(date -u +%Y%m%d-%H%M%S)
"$java" -jar "$jar" setup "$pins" $((4 << 20)) "$payload" 2>/dev/null
trap '"$java" -jar "$jar" teardown "$pins" || true; rm -f "$out.perf"' EXIT
perf record -q -e cpu-clock -F 10000 -o "$out.perf" -- "$java" -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput \
  -XX:+LogVMOutput "-XX:LogFile=$out.log" -XX:+PrintCompilation -XX:+PrintInlining "-XX:CompileCommand=quiet" \
  "-XX:CompileCommand=print,$print" "-Dkb.only=$only" "-Dkb.k1=$k1" -jar "$jar" \
  run "$pins" "$payload" 1 20000000 30000000 1000 10000 512
python3 bench/hotloop.py "$out.log" "$out.perf" --method "$method" --out "$out.txt" | head -3
echo "loop: $out.txt; VM log: $out.log"
