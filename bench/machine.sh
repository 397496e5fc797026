#!/usr/bin/env bash
# Prints what a benchmark result depends on besides the code, as key=value lines (one per line,
# values without newlines): the CPU (vendor, family/model/stepping, microcode, the flags that
# change generated code), the kernel build, transparent huge pages, the hypervisor, the load.
# bench/kernel.sh puts these lines at the top of its CSV (as '# key=value') and in its JSON;
# bench/jmh.sh writes them next to its JSON. Usage: bench/machine.sh [JAVA]
# (with a java binary, also its version and the ergonomic JIT/GC flags it would run with).
set -uo pipefail

cpuinfo() { sed -n "s/^$1[[:space:]]*: //p" /proc/cpuinfo | head -1; }
kv() { printf '%s=%s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | sed 's/[[:space:]]*$//')"; }

kv cpu_vendor "$(cpuinfo vendor_id)"
kv cpu_model_name "$(cpuinfo 'model name')"
kv cpu_family "$(cpuinfo 'cpu family')"
kv cpu_model "$(cpuinfo model)"
kv cpu_stepping "$(cpuinfo stepping)"
# Microcode: /proc/cpuinfo or sysfs; VMs often expose neither.
mc=$(cpuinfo microcode)
[ -z "$mc" ] && [ -r /sys/devices/system/cpu/cpu0/microcode/version ] && mc=$(cat /sys/devices/system/cpu/cpu0/microcode/version)
kv cpu_microcode "${mc:-not exposed (VM)}"
kv cpu_mhz "$(cpuinfo 'cpu MHz')"
kv cpu_cache "$(cpuinfo 'cache size')"
kv cpus "$(nproc)"
# The flags that change what the JIT and gcc emit or how memory behaves; the full list is long.
kv cpu_flags "$(cpuinfo flags | tr ' ' '\n' | grep -E '^(avx|avx2|avx512.*|avx_vnni|amx.*|bmi1|bmi2|erms|fsrm|fzrm|fsrs|movdir.*|clwb|clflushopt|sha_ni|vaes|gfni|hypervisor)$' | tr '\n' ' ')"
kv virtualization "vm: $(systemd-detect-virt --vm 2>/dev/null | head -1), container: $(systemd-detect-virt --container 2>/dev/null | head -1)"
kv kernel "$(uname -a)"
kv kernel_cmdline_mitigations "$(tr ' ' '\n' </proc/cmdline | grep -E '^(mitigations|pti|spectre|nospec|retbleed|mds)' | tr '\n' ' ')"
vul=""
for v in meltdown spectre_v2 spec_store_bypass spec_rstack_overflow retbleed; do
  [ -r "/sys/devices/system/cpu/vulnerabilities/$v" ] && vul="$vul$v: $(cat "/sys/devices/system/cpu/vulnerabilities/$v"); "
done
kv cpu_vulnerabilities "$vul"
kv thp_enabled "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown)"
kv thp_defrag "$(cat /sys/kernel/mm/transparent_hugepage/defrag 2>/dev/null || echo unknown)"
kv clocksource "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown)"
kv loadavg "$(cut -d' ' -f1-3 /proc/loadavg)"
if [ $# -ge 1 ] && [ -x "$1" ]; then
  kv jdk "$("$1" -version 2>&1 | tr '\n' ' ')"
  # The ergonomic flags that decide inlining, vector code, compiler threads and the GC.
  kv jvm_flags "$("$1" -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 ~ /^(UseAVX|UseSSE|UseCompressedOops|UseCompressedClassPointers|TieredCompilation|CICompilerCount|MaxInlineSize|FreqInlineSize|InlineSmallCode|MaxInlineLevel|LoopStripMiningIter|UseCountedLoopSafepoints|UseSuperWord|UseSerialGC|UseParallelGC|UseG1GC|UseZGC|UseShenandoahGC|MaxHeapSize|UseTransparentHugePages|UseLargePages|UseCompactObjectHeaders|ReservedCodeCacheSize)$/ {printf "%s=%s ", $2, $4}')"
fi
