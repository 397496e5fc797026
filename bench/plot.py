#!/usr/bin/env python3
# PNG charts from a JMH JSON result file (bench/jmh.sh writes one), next to it in bench/results/:
#   <name>-thrpt.png   records/us per implementation, payload and producer count
#   <name>-p50.png     median time of one produce operation (SampleTime)
#   <name>-single.png  SingleThreadBench: records/us with one thread producing and consuming
# or from an interleaved A/B CSV (bench/jmh.sh ab writes one):
#   <name>-ratios.png  jringbuf / Agrona per round and configuration, coloured by the round's
#                      cache-line round trip (the VM's state), with the median per configuration
# Needs matplotlib (Debian: apt-get install python3-matplotlib; then run with /usr/bin/python3).
#
#   python3 bench/plot.py bench/results/jmh-quick-<date>.json
#   python3 bench/plot.py bench/results/jmh-ab-<date>.csv
import csv
import gzip
import json
import statistics
import os
import re
import sys

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("plot.py: matplotlib is missing (apt-get install python3-matplotlib, then /usr/bin/python3 bench/plot.py)")

IMPLS = [
    ("JvmRingbufBench", "jringbuf RINGBUF"),
    ("AgronaManyToOneBench", "Agrona ManyToOne"),
    ("JvmUserRingbufBench", "jringbuf USER_RINGBUF"),
    ("AgronaOneToOneBench", "Agrona OneToOne"),
    ("DisruptorBench", "Disruptor (MP)"),
    ("JctoolsMpscBench", "JCTools MpscArrayQueue"),
]

COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]


def load(path):
    out = {}
    # Raw results kept in git are gzipped (bench/results/*.json.gz); fresh ones are plain JSON.
    for r in json.load(gzip.open(path, "rt") if path.endswith(".gz") else open(path)):
        cls, group = r["benchmark"].split(".")[-2:]
        params = r.get("params", {})
        if params.get("batchCommit", "false") != "false":
            continue  # charts show the default (per-record) commit mode
        for name, m in r.get("secondaryMetrics", {}).items():
            if re.fullmatch(r"produce\d", name):
                out[(cls, group, r["mode"], int(params["payload"]))] = m
    return out


SINGLE = [
    ("ringbuf", "jringbuf RINGBUF", "tab:blue"),
    ("manyToOne", "Agrona ManyToOne", "tab:orange"),
    ("userRingbuf", "jringbuf USER_RINGBUF", "tab:green"),
    ("oneToOne", "Agrona OneToOne", "tab:red"),
]


def load_single(path):
    """SingleThreadBench throughput: {(method, payload): records/us}."""
    out = {}
    # Raw results kept in git are gzipped (bench/results/*.json.gz); fresh ones are plain JSON.
    for r in json.load(gzip.open(path, "rt") if path.endswith(".gz") else open(path)):
        cls, method = r["benchmark"].split(".")[-2:]
        if cls == "SingleThreadBench" and r["mode"] == "thrpt":
            out[(method, int(r["params"]["payload"]))] = r["primaryMetric"]["score"]
    return out


def chart_single(data, path):
    payloads = sorted({p for _, p in data})
    impls = [(m, label, color) for m, label, color in SINGLE if any(k[0] == m for k in data)]
    width = 0.8 / max(1, len(impls))
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for i, (method, label, color) in enumerate(impls):
        xs = [j + i * width for j, p in enumerate(payloads) if (method, p) in data]
        ys = [data[(method, p)] for p in payloads if (method, p) in data]
        ax.bar(xs, ys, width, label=label, color=color)
    ax.set_xticks([j + width * (len(impls) - 1) / 2 for j in range(len(payloads))])
    ax.set_xticklabels([f"{p} B" for p in payloads])
    ax.set_xlabel("payload")
    ax.set_ylabel("records/us (higher is better)")
    ax.set_title("One thread: produce 512 records, then consume them")
    ax.margins(y=0.3)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(path)


def chart(data, mode, value, ylabel, title, path):
    groups = sorted({k[1] for k in data})
    payloads = sorted({k[3] for k in data})
    fig, axes = plt.subplots(1, len(groups), figsize=(6.5 * len(groups), 4.5), squeeze=False)
    for ax, group in zip(axes[0], groups):
        impls = [(c, label) for c, label in IMPLS if any(k[0] == c and k[1] == group and k[2] == mode for k in data)]
        width = 0.8 / max(1, len(impls))
        for i, (cls, label) in enumerate(impls):
            color = COLORS[[c for c, _ in IMPLS].index(cls)]
            xs, ys = [], []
            for j, p in enumerate(payloads):
                m = data.get((cls, group, mode, p))
                if m:
                    xs.append(j + i * width)
                    ys.append(value(m))
            ax.bar(xs, ys, width, label=label, color=color)
        ax.set_xticks([j + width * (len(impls) - 1) / 2 for j in range(len(payloads))])
        ax.set_xticklabels([f"{p} B" for p in payloads])
        ax.set_xlabel("payload")
        ax.set_ylabel(ylabel)
        ax.set_title(f"{title}, {group[1:]} producer(s), 1 consumer")
        ax.margins(y=0.45)  # room for the legend above the bars
        ax.legend(fontsize=8, loc="upper left", ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(path)


def chart_ab(path, out):
    rows = list(csv.DictReader(open(path)))

    def value(r):  # the first files had one column, records_per_us, and one round trip per round
        return float(r["value"] if "value" in r else r["records_per_us"])

    trip = {}  # round -> the largest round trip measured for it (before and after)
    for r in rows:
        if r["pair"].startswith("round-trip"):
            trip[r["round"]] = max(trip.get(r["round"], 0.0), value(r))
    score = {(r["round"], r["pair"], int(r["payload"]), r["side"]): value(r)
             for r in rows if not r["pair"].startswith("round-trip")}
    configs = []
    for (_, pair, payload, _) in score:
        if (pair, payload) not in configs:
            configs.append((pair, payload))
    fig, ax = plt.subplots(figsize=(11, 4.8))
    for x, (pair, payload) in enumerate(configs):
        ratios = []
        for rnd in sorted(trip, key=int):
            a, b = score.get((rnd, pair, payload, "jringbuf")), score.get((rnd, pair, payload, "agrona"))
            if a is not None and b is not None and b > 0:
                ratios.append(a / b)
                fast = trip[rnd] < 250
                ax.scatter(x, a / b, color="tab:blue" if fast else "tab:red", s=22, zorder=3,
                           label=("round trip < 250 ns (fast state)" if fast else "round trip >= 250 ns in the round"))
        if ratios:
            ax.hlines(statistics.median(ratios), x - 0.3, x + 0.3, color="black", zorder=2)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    unique["median"] = plt.Line2D([], [], color="black")
    ax.legend(unique.values(), unique.keys(), fontsize=8, loc="upper left")
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(configs)))
    # "RINGBUF/ManyToOne p1" -> "RINGBUF p1" (the reference is in the title)
    ax.set_xticklabels([f"{pair.split('/')[0]} {pair.split()[-1]}\n{payload} B" for pair, payload in configs],
                       fontsize=8)
    ticks = [t for t in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10) if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
    ax.set_yticks(ticks)
    ax.set_yticklabels([f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_ylabel("jringbuf / Agrona records/s (log)")
    ax.set_title(f"Two threads, interleaved pairs, {len(trip)} rounds: RINGBUF vs Agrona ManyToOne,"
                 f" USER_RINGBUF vs OneToOne (above 1: jringbuf faster)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(out)


def main(path):
    if path.endswith(".csv"):
        chart_ab(path, os.path.splitext(path)[0] + "-ratios.png")
        return
    data = load(path)
    base = os.path.splitext(path)[0]
    if any(k[2] == "thrpt" for k in data):
        chart(data, "thrpt", lambda m: m["score"], "records/us (higher is better)", "Throughput",
              base + "-thrpt.png")
    if any(k[2] == "sample" for k in data):
        chart(data, "sample", lambda m: m["scorePercentiles"]["50.0"], "p50 us per record (lower is better)",
              "Produce latency", base + "-p50.png")
    single = load_single(path)
    if single:
        chart_single(single, base + "-single.png")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: plot.py RESULT.json|RESULT.csv")
    main(sys.argv[1])
