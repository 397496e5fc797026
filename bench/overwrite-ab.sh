#!/usr/bin/env bash
# The overwrite reader against the ordinary consumer, interleaved: for each round and payload,
# one short JMH run of OverwriteReaderBench.ordinary, then one of .overwrite, so that both see the
# same load on a shared machine. Prints ns/record per run and the per-round ratios' median.
#
#   bench/overwrite-ab.sh [ROUNDS]      (default 4; about 40 s per pair; long warm-up: the JIT is slow on a loaded machine)
# Env: JAVA25 (a JDK 25+ java), SKIP_BUILD=1 (reuse jringbuf-jmh/target/benchmarks.jar).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-4}
java=${JAVA25:-}
if [ -z "$java" ]; then
  for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    if [ -x "$home/bin/java" ]; then
      v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
      if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then java=$home/bin/java; break; fi
    fi
  done
fi
[ -n "$java" ] || { echo "bench/overwrite-ab.sh: no JDK 25 or newer found" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -ntp -pl jringbuf-jmh -am package -DskipTests
fi
echo "bench/overwrite-ab.sh: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
out=$(mktemp)
for r in $(seq 1 "$rounds"); do
  for p in 8 64 256; do
    for b in ordinary overwrite; do
      s=$("$java" --enable-native-access=ALL-UNNAMED -jar jringbuf-jmh/target/benchmarks.jar \
          "OverwriteReaderBench.$b\$" -p payload="$p" -f 1 -wi 6 -w 2s -i 4 -r 1s -bm avgt -tu ns 2>/dev/null \
          | awk -v b="$b" '$1 ~ "OverwriteReaderBench."b"$" {print $5}')
      echo "$r $p $b $s" | tee -a "$out"
    done
  done
done
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" <<'PY'
import sys, statistics, collections
runs = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    r, p, b, s = line.split()
    runs[(int(p), int(r))][b] = float(s)
for p in (8, 64, 256):
    pairs = [v for (pp, _), v in sorted(runs.items()) if pp == p and len(v) == 2]
    o = statistics.median(v['ordinary'] for v in pairs)
    w = statistics.median(v['overwrite'] for v in pairs)
    ratio = statistics.median(v['overwrite'] / v['ordinary'] for v in pairs)
    print(f"payload {p:3d} B: ordinary {o:6.1f} ns/record, overwrite {w:6.1f} ns/record, "
          f"median ratio {ratio:.2f} over {len(pairs)} rounds")
PY
rm -f "$out"
