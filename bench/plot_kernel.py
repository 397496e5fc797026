#!/usr/bin/env python3
# PNG chart from a kernel bench JSON (bench/kernel.sh writes one): jringbuf / libbpf median ratio
# per scenario and payload, with the min-max spread of each side as error bars relative to the
# libbpf median. Writes <name>-ratios.png next to the JSON.
#
#   /usr/bin/python3 bench/plot_kernel.py bench/results/kernel-<date>.json
import json
import os
import sys

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("plot_kernel.py: matplotlib is missing (apt-get install python3-matplotlib, then /usr/bin/python3)")


def main(path):
    d = json.load(open(path))
    rows = [r for r in d["summary"] if r.get("ratio") is not None]
    labels = ["%s %s\n%d B" % (r["scenario"], r["variant"], r["payload"]) for r in rows]
    ratios = [r["ratio"] for r in rows]
    lows = [r["jringbuf"]["min"] / r["libbpf"]["median"] for r in rows]
    highs = [r["jringbuf"]["max"] / r["libbpf"]["median"] for r in rows]
    fig, ax = plt.subplots(figsize=(max(8, len(rows) * 0.7), 4.5))
    colors = ["tab:green" if x >= 1 else "tab:red" for x in ratios]
    ax.bar(range(len(rows)), ratios, color=colors,
           yerr=[[max(0, r - lo) for r, lo in zip(ratios, lows)], [max(0, hi - r) for r, hi in zip(ratios, highs)]],
           capsize=3)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("jringbuf / libbpf (median records/s)")
    m = d.get("meta", {})
    ax.set_title("Kernel rings, jringbuf vs libbpf %s (%s mode, %s CPUs, load %s -> %s)" % (
        m.get("libbpf", ""), m.get("mode", ""), m.get("cpus", "?"), m.get("loadavg_start", "?"),
        m.get("loadavg_end", "?")), fontsize=8)
    fig.tight_layout()
    out = os.path.splitext(path)[0] + "-ratios.png"
    fig.savefig(out, dpi=110)
    print("chart:", out)


if __name__ == "__main__":
    main(sys.argv[1])
