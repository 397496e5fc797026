#!/usr/bin/env python3
# The machine code of a Java benchmark's hottest loop, with a sampled profile per instruction,
# without hsdis: HotSpot prints compiled methods as hex when no disassembler library is found
# (-XX:CompileCommand=print,...), and objdump decodes the hex. Debian's libhsdis0-fcml exports
# only the pre-JDK-9 entry point and is not loaded by JDK 25, which is why this exists.
#
#   bench/hotloop.py LOG PERF_DATA [--method REGEX] [--out FILE]
#
# LOG: a VM log written with -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -XX:+LogVMOutput
# -XX:LogFile=LOG -XX:CompileCommand=print,<methods>; PERF_DATA: 'perf record -e cpu-clock' of the
# same JVM (cpu-clock: this VM has no hardware counters). Picks the printed C2 method with the
# most samples (or the last one matching --method), decodes it, marks each instruction with its
# share of the method's samples, finds the hot loop (the backward branch whose range holds most
# of the samples; the innermost one that holds at least 90 % of that) and prints it with its
# instruction count, memory operands, and the checks in it (what each compare guards, from the
# JIT's debug comments). bench/hotloop.sh runs the JVM and this script together.
import argparse
import collections
import re
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("log")
ap.add_argument("perf")
ap.add_argument("--method", default=None)
ap.add_argument("--out", default=None)
a = ap.parse_args()

lines = open(a.log, errors="replace").read().split("\n")
# Printed nmethods: header line, then "main code [lo,hi]".
methods = []
for i, l in enumerate(lines):
    m = re.match(r"Compiled method \((c[12])\)\s+\d+\s+(\d+)\s+(%?)\s*\S*\s+(\d)\s+(\S+)", l)
    if m and m.group(1) == "c2":
        for k in range(i + 1, min(i + 8, len(lines))):
            mm = re.match(r"\s*main code\s+\[0x([0-9a-f]+),0x([0-9a-f]+)\]", lines[k])
            if mm:
                methods.append(dict(line=i, compiler=m.group(1), id=m.group(2), osr=m.group(3) == "%",
                                    name=m.group(5), lo=int(mm.group(1), 16), hi=int(mm.group(2), 16)))
                break
if not methods:
    sys.exit("hotloop: no C2 method printed in %s (use -XX:CompileCommand=print,...)" % a.log)

ips = collections.Counter()
out = subprocess.run(["perf", "script", "-i", a.perf, "-F", "ip"], capture_output=True, text=True).stdout
total = 0
for l in out.split():
    try:
        ips[int(l, 16)] += 1
        total += 1
    except ValueError:
        pass
for m in methods:
    m["samples"] = sum(n for ip, n in ips.items() if m["lo"] <= ip < m["hi"])
cands = [m for m in methods if not a.method or re.search(a.method, m["name"])]
if not cands:
    sys.exit("hotloop: no printed C2 method matches %s" % a.method)
best = max(cands, key=lambda m: m["samples"])

# The method's hex dump and the JIT's comments at each address.
code = {}
comments = collections.defaultdict(list)
hexline = re.compile(r"^\s+0x([0-9a-f]+): ((?:[0-9a-f]{2,8}\s*\|?\s*)+)$")
cline = re.compile(r"^\s+0x([0-9a-f]+): ;(.*)$")
last = None
for l in lines[best["line"] + 1:]:
    if l.startswith("Compiled method") or l.startswith("[Stub Code]") or l.startswith("[Exception Handler]"):
        break
    m = hexline.match(l)
    if m:
        addr = int(m.group(1), 16)
        for k, b in enumerate(bytes.fromhex(m.group(2).replace("|", "").replace(" ", ""))):
            code[addr + k] = b
        last = addr
        continue
    m = cline.match(l)
    if m:
        last = int(m.group(1), 16)
        comments[last].append(";" + m.group(2))
    elif l.strip().startswith(";") and last is not None:
        comments[last].append(l.strip())
if not code:
    sys.exit("hotloop: no hex dump for compile %s (is an hsdis library loaded? then read the log directly)" % best["id"])
lo, hi = min(code), max(code) + 1
with tempfile.NamedTemporaryFile(suffix=".bin") as f:
    f.write(bytes(code.get(x, 0x90) for x in range(lo, hi)))
    f.flush()
    dis = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "-M", "intel", "--adjust-vma=0x%x" % lo, f.name],
                         capture_output=True, text=True).stdout
insns = []
for l in dis.split("\n"):
    m = re.match(r"^\s+([0-9a-f]+):\s+((?:[0-9a-f]{2} )+)\s*(.*)$", l)
    if m and m.group(3).strip():
        insns.append((int(m.group(1), 16), m.group(3).strip()))
msamples = best["samples"] or 1

# Backward branches and the samples in their ranges.
loops = []
for addr, text in insns:
    m = re.match(r"j\w+\s+0x([0-9a-f]+)", text)
    if m and lo <= int(m.group(1), 16) < addr:
        t = int(m.group(1), 16)
        loops.append((t, addr, sum(n for ip, n in ips.items() if t <= ip <= addr + 8)))
hot = None
if loops:
    top = max(s for _, _, s in loops)
    inner = [l for l in loops if l[2] >= 0.9 * top]
    hot = min(inner, key=lambda l: l[1] - l[0])


def source(addr):
    """The innermost method@bci (line) the JIT's comments give at an address."""
    for c in comments.get(addr, []):
        m = re.search(r"- (\S+)@(\d+) \(line (\d+)\)", c)
        if m:
            return "%s@%s line %s" % (re.sub(r"^(?:[a-z0-9_]+\.)+", "", m.group(1)), m.group(2), m.group(3))
    return None


res = []
res.append("method: %s%s (C2 compile %s), %d of %d samples (%.1f %%) in it" % (
    best["name"], " OSR" if best["osr"] else "", best["id"], best["samples"], total, 100.0 * best["samples"] / max(total, 1)))
if hot:
    body = [(x, t) for x, t in insns if hot[0] <= x <= hot[1]]
    mem = sum(1 for _, t in body if "PTR" in t)
    stack = sum(1 for _, t in body if "[rsp" in t)
    branches = sum(1 for _, t in body if re.match(r"j\w+", t))
    res.append("hot loop: 0x%x-0x%x, %d instructions (%d with a memory operand, %d of them stack slots), %d branches, "
               "%.1f %% of the method's samples" % (hot[0], hot[1], len(body), mem, stack, branches, 100.0 * hot[2] / msamples))
    # The path that ran: basic blocks of the range with at least one sample (a block the loop
    # never enters, e.g. an inlined path for another class, gets none among thousands).
    targets = {int(m.group(1), 16) for _, t in body for m in [re.match(r"j\w+\s+0x([0-9a-f]+)", t)] if m}
    blocks, cur = [], []
    for x, t in body:
        if cur and (x in targets or re.match(r"j\w+", cur[-1][1])):
            blocks.append(cur)
            cur = []
        cur.append((x, t))
    if cur:
        blocks.append(cur)
    ran = [b for b in blocks if any(ips.get(x, 0) for x, _ in b)]
    rins = [i for b in ran for i in b]
    res.append("sampled path (blocks with samples): %d instructions (%d with a memory operand, %d stack slots, %d branches); "
               "one pass = one record in K1's size-run loop and in K3's fill loop" % (
                   len(rins), sum(1 for _, t in rins if "PTR" in t), sum(1 for _, t in rins if "[rsp" in t),
                   sum(1 for _, t in rins if re.match(r"j\w+", t))))
    res.append("")
    cur = None
    for x, t in body:
        for c in comments.get(x, []):
            if "line" in c or "oop(" in c or "metadata(" in c or "{poll}" in c:
                res.append("                        " + c.strip()[:150])
        n = sum(c for ip, c in ips.items() if ip == x)
        res.append("%6s %x: %s" % ("%.1f%%" % (100.0 * n / msamples) if n else "", x, t))
else:
    res.append("no backward branch found; the whole method:")
    for x, t in insns:
        n = ips.get(x, 0)
        res.append("%6s %x: %s" % ("%.1f%%" % (100.0 * n / msamples) if n else "", x, t))
text = "\n".join(res) + "\n"
if a.out:
    open(a.out, "w").write(text)
print(text, end="")
