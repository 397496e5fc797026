#!/usr/bin/env python3
# Prints the jringbuf / Agrona ratio table from a JMH JSON result file (bench/jmh.sh writes one).
# Standard library only.
#
#   python3 bench/jmh_report.py bench/results/jmh-quick-<date>.json
#
# The score compared is the producers' records/s (the "produceN" secondary result of each JMH
# group: in steady state every record produced is consumed) and, in SampleTime mode, the mean
# time of one produce operation (reserve, copy, submit, including any wait for space).
import gzip
import json
import re
import sys
from collections import defaultdict

PAIRS = [
    # (label, jringbuf benchmark, Agrona benchmark, groups)
    ("RINGBUF (MPSC) vs ManyToOneRingBuffer", "JvmRingbufBench", "AgronaManyToOneBench", ("p1", "p2")),
    ("USER_RINGBUF (SPSC) vs OneToOneRingBuffer", "JvmUserRingbufBench", "AgronaOneToOneBench", ("p1",)),
]
REFERENCES = ["DisruptorBench", "JctoolsMpscBench"]
# One thread produces a batch and consumes it: the rings' own cost, without cache lines moving
# between cores. (jringbuf method, Agrona method) pairs of SingleThreadBench.
SINGLE = "SingleThreadBench"
SINGLE_PAIRS = [("ringbuf", "manyToOne"), ("userRingbuf", "oneToOne")]


def load(path):
    # Raw results kept in git are gzipped (bench/results/*.json.gz); fresh ones are plain JSON.
    with (gzip.open(path, "rt") if path.endswith(".gz") else open(path)) as f:
        rows = json.load(f)
    # key: (class, group, mode, payload, batchCommit) -> {"produce": (score, err, unit), "alloc": B/op}
    table = defaultdict(dict)
    for r in rows:
        cls, group = r["benchmark"].split(".")[-2:]
        params = r.get("params", {})
        key = (cls, group, r["mode"], int(params.get("payload", 0)), params.get("batchCommit", "-"))
        if cls == SINGLE:
            table[key]["primary"] = r["primaryMetric"]["score"]
        if cls == "CoreToCoreBench":
            for name, m in r.get("secondaryMetrics", {}).items():
                if name == "ping":
                    table[key]["ping"] = m["score"]
        for name, m in r.get("secondaryMetrics", {}).items():
            if re.fullmatch(r"produce\d", name):
                table[key]["produce"] = (m["score"], m.get("scoreError", float("nan")), m["scoreUnit"],
                                         m.get("scorePercentiles", {}))
            elif name == "gc.alloc.rate.norm":
                table[key]["alloc"] = m["score"]
    return table


def fmt(x):
    return "n/a" if x is None else f"{x:.3g}"


def value(entry, stat):
    """The compared score: the mean (thrpt) or a percentile of the produce operation's time."""
    if not entry or "produce" not in entry:
        return None
    return entry["produce"][0] if stat == "score" else pct(entry, stat)


def main(path):
    t = load(path)
    modes = sorted({k[2] for k in t}, reverse=True)
    payloads = sorted({k[3] for k in t})
    commits = sorted({k[4] for k in t if k[0].startswith("Jvm")}) or ["-"]
    for mode in modes:
        stats = [("score", "records/us (higher is better)")] if mode == "thrpt" else [
            ("50.0", "p50 us per produce operation (lower is better)"),
            ("99.0", "p99 us per produce operation (lower is better)")]
        for stat, what in stats:
            print(f"\n== {mode}: {what}; ratio = jringbuf / Agrona ==")
            for label, ours, theirs, groups in PAIRS:
                print(f"\n{label}")
                print(f"{'producers':>9} {'payload':>7} {'commit':>6} {'jringbuf':>10} {'Agrona':>10} {'ratio':>7}"
                      f" {'jrb B/op':>9} {'agr B/op':>9}" + "".join(f" {r[:-5]:>10}" for r in REFERENCES))
                for group in groups:
                    for payload in payloads:
                        for commit in commits:
                            a = t.get((ours, group, mode, payload, commit))
                            b = t.get((theirs, group, mode, payload, "-"))
                            sa, sb = value(a, stat), value(b, stat)
                            if sa is None or sb is None:
                                continue
                            refs = "".join(f" {fmt(value(t.get((ref, group, mode, payload, '-')), stat)):>10}"
                                           for ref in REFERENCES)
                            print(f"{group[1:]:>9} {payload:>7} {commit_label(commit):>6} {sa:>10.3g} {sb:>10.3g}"
                                  f" {sa / sb:>7.2f} {fmt(a.get('alloc')):>9} {fmt(b.get('alloc')):>9}{refs}")
    rt = t.get(("CoreToCoreBench", "pingpong", "thrpt", 0, "-"), {}).get("ping")
    if rt:
        print(f"\n== machine state (CoreToCoreBench): a cache line's round trip between the two threads' cores:"
              f" {1000 / rt:.0f} ns (one measurement during the run; on the 2-vCPU VM of BENCHMARKS.md about 140 ns"
              f" in its fast state and 500 ns in its slow one)")
    if any(k[0] == SINGLE and k[2] == "thrpt" for k in t):
        print("\n== single thread (SingleThreadBench), thrpt: records/us produced and consumed by one thread;"
              " ratio = jringbuf / Agrona ==")
        print(f"{'pair':>22} {'payload':>7} {'jringbuf':>10} {'Agrona':>10} {'ratio':>7}")
        for ours, theirs in SINGLE_PAIRS:
            for payload in payloads:
                a = t.get((SINGLE, ours, "thrpt", payload, "-"), {}).get("primary")
                b = t.get((SINGLE, theirs, "thrpt", payload, "-"), {}).get("primary")
                if a is None or b is None:
                    continue
                print(f"{ours + '/' + theirs:>22} {payload:>7} {a:>10.3g} {b:>10.3g} {a / b:>7.2f}")
    print("\nB/op: gc.alloc.rate.norm of the whole group (producer and consumer operations).")
    print("Disruptor and JctoolsMpsc: multi-producer object queues (reference points), same columns as jringbuf.")


def pct(entry, p):
    return entry["produce"][3].get(p, float("nan"))


def commit_label(c):
    return {"false": "record", "true": "batch"}.get(c, c)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: jmh_report.py RESULT.json")
    main(sys.argv[1])
