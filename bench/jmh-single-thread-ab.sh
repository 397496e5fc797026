#!/usr/bin/env bash
# Used for BENCHMARKS.md "Kernel rings, 2026-12-06" (bench/results/jmh-single-thread-ab-20261206.csv).
# Single-thread JMH A/B: SingleThreadBench (jringbuf RINGBUF, USER_RINGBUF; Agrona ManyToOne as the
# A/A control: same code in both jars) at BASE_REV vs the working tree, alternating per round.
# usage: bench/jmh-single-thread-ab.sh BASE_REV ROUNDS OUTDIR   (root of the repository; OUTDIR gets both jars, per-round CSVs and logs)
set -euo pipefail
base=$1; rounds=$2; out=$3
mkdir -p "$out"
java=$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)
[ -x "$java" ] || { echo "no JDK 25" >&2; exit 1; }
if [ ! -f "$out/base.jar" ]; then
  tmp=$(mktemp -d)
  git worktree add -q --detach "$tmp/src" "$base"
  (cd "$tmp/src" && mvn -B -q -o -ntp -pl jringbuf-jmh -am package -DskipTests)
  cp "$tmp/src/jringbuf-jmh/target/benchmarks.jar" "$out/base.jar"
  git worktree remove --force "$tmp/src"; rm -rf "$tmp"
fi
if [ ! -f "$out/new.jar" ]; then
  mvn -B -q -o -ntp -pl jringbuf-jmh -am package -DskipTests
  cp jringbuf-jmh/target/benchmarks.jar "$out/new.jar"
fi
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order="base new"; else order="new base"; fi
  for side in $order; do
    echo "round $r $side (load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$java" -jar "$out/$side.jar" 'SingleThreadBench\.(ringbuf|userRingbuf|manyToOne)$' -f 1 -wi 3 -w 1s -i 3 -r 1s \
      -prof gc -rf csv -rff "$out/r$r-$side.csv" > "$out/r$r-$side.log" 2>&1
  done
done
python3 - "$out" "$rounds" <<'PY'
import csv, sys, statistics, glob, os
out, rounds = sys.argv[1], int(sys.argv[2])
res = {}
for side in ("base", "new"):
    for r in range(1, rounds + 1):
        for row in csv.DictReader(open(f"{out}/r{r}-{side}.csv")):
            name = row["Benchmark"].split(".")[-1]
            payload = row.get("Param: payload")
            key = (name, payload, row["Benchmark"].endswith("gc.alloc.rate.norm") or ":gc.alloc.rate.norm" in row["Benchmark"])
            res.setdefault((row["Benchmark"], payload, side), []).append(float(row["Score"]))
names = sorted({(b, p) for (b, p, s) in res})
print("benchmark,payload,base_median,new_median,new/base (time: <1 faster)")
for b, p in names:
    bm = statistics.median(res.get((b, p, "base"), [float("nan")]))
    nm = statistics.median(res.get((b, p, "new"), [float("nan")]))
    print(f"{b},{p},{bm:.3f},{nm:.3f},{nm / bm if bm else float('nan'):.3f}")
PY
