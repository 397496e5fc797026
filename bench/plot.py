#!/usr/bin/env python3
# PNG charts from a JMH JSON result file (bench/jmh.sh writes one), next to it in bench/results/:
#   <name>-thrpt.png   records/us per implementation, payload and producer count
#   <name>-p50.png     median time of one produce operation (SampleTime)
#   <name>-single.png  SingleThreadBench: records/us with one thread producing and consuming
# Needs matplotlib (Debian: apt-get install python3-matplotlib; then run with /usr/bin/python3).
#
#   python3 bench/plot.py bench/results/jmh-quick-<date>.json
import json
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
    for r in json.load(open(path)):
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
    for r in json.load(open(path)):
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


def main(path):
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
        sys.exit("usage: plot.py RESULT.json")
    main(sys.argv[1])
