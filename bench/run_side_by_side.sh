#!/usr/bin/env bash
# Runs the Google Benchmark suite (bench/estimator_benchmarks.cpp) and the PyTorch script
# (bench/torch_elbo.py) in one invocation and prints, for each (d, D), ns/sample of fused (t:2,
# and t:1 for the thread scaling), naive, boost_mc, roofline and normals (all t:2), the best
# PyTorch formulation (2 threads), and the ratios fused/torch and fused/roofline, as a Markdown
# table. Every figure is the median of REPS repetitions (default 5) on both sides.
#
# Usage: bench/run_side_by_side.sh [build-dir]
#   build-dir  defaults to <repo>/build/bench; configured and built here (target elbocheck_bench,
#              at most -j2).
#   NATIVE=OFF in the environment builds for baseline x86-64 instead of -march=native.
#   REPS=n     repetitions per measurement (default 5).
#   Needs python3-torch for /usr/bin/python3: tools/install-deps.sh --with-bench.
#   Raw results are kept in <build-dir>/side_by_side/ (gbench.json, gbench.log, torch.jsonl).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/bench}
native=${NATIVE:-ON}
reps=${REPS:-5}
python=/usr/bin/python3 # Debian's interpreter, which has python3-torch

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DELBOCHECK_BUILD_BENCH=ON \
    -DELBOCHECK_BENCH_NATIVE="$native" >/dev/null
cmake --build "$build" -j2 --target elbocheck_bench >/dev/null

out="$build/side_by_side"
mkdir -p "$out"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
"$build/bench/elbocheck_bench" --benchmark_filter='^(fused|naive|boost_mc|roofline|normals)/' \
    --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/gbench.json" --benchmark_out_format=json >/dev/null 2>"$out/gbench.log"
load_between=$(cut -d' ' -f1-3 /proc/loadavg)
"$python" "$root/bench/torch_elbo.py" --repetitions "$reps" >"$out/torch.jsonl"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(lscpu | sed -n 's/^Flags:.*\(avx512f\).*/AVX-512/p')"
echo "load average (1, 5, 15 min): before $load_before, after benchmarks $load_between," \
    "after torch $load_after"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), repetitions: $reps (medians reported)"
echo "compiler: $(grep -m1 '^CMAKE_CXX_COMPILER:' "$build/CMakeCache.txt" | cut -d= -f2)" \
    "$("$(grep -m1 '^CMAKE_CXX_COMPILER:' "$build/CMakeCache.txt" | cut -d= -f2)" -dumpfullversion)," \
    "flags: $(grep -m1 '^CMAKE_CXX_FLAGS_RELEASE:' "$build/CMakeCache.txt" | cut -d= -f2)" \
    "-std=c++20$([ "$native" = ON ] && echo ' -march=native')"
echo "torch: $("$python" -c 'import torch; print(torch.__version__)'), 2 threads," \
    "BLAS $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
echo

"$python" - "$out/gbench.json" "$out/torch.jsonl" <<'EOF'
import json
import re
import sys

gbench = json.load(open(sys.argv[1]))
ns = {}        # (kind, d, D, threads) -> median ns per sample (wall clock)
cpu = {}       # (kind, d, D, threads) -> median CPU ns per sample, all threads
estimate = {}  # (d, D) -> (fused estimate, its standard error, exact)
same_bits = {} # (d, D) -> fused t:2 estimate has the bits of the t:1 estimate (every repetition)
for b in gbench["benchmarks"]:
    m = re.match(r"(\w+)/d:(\d+)/D:(\d+)/t:(\d+)", b["name"])
    if not m or b.get("aggregate_name") not in ("median", "mean"):
        continue
    kind, d, D, t = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
    if b["aggregate_name"] == "median":
        ns[(kind, d, D, t)] = 1e9 / b["items_per_second"]
        cpu[(kind, d, D, t)] = b["cpu_ns_per_sample"]
        if kind == "fused" and t == 2:
            estimate[(d, D)] = (b["estimate"], b["standard_error"], b["exact"])
    elif kind == "fused":
        # mean over repetitions of a 0/1 flag: 1 only if every repetition matched.
        same_bits[(d, D, t)] = b["same_bits_as_t1"] == 1.0
torch = {}
for line in open(sys.argv[2]):
    row = json.loads(line)
    if row["best"]:
        torch[(row["d"], row["D"])] = row

print("| d | D | fused t:2 | fused t:1 | t:1/t:2 | same bits t:1, t:2 | naive t:2 | boost_mc t:2 "
      "| roofline t:2 | normals t:2 | torch t:2 (best) | fused/torch | fused/roofline "
      "| estimate fused ± se / torch / exact |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for (d, D) in sorted(torch):
    f2, f1 = ns[("fused", d, D, 2)], ns[("fused", d, D, 1)]
    t = torch[(d, D)]
    est, se, exact = estimate[(d, D)]
    print(f"| {d} | {D} | {f2:.1f} | {f1:.1f} | {f1 / f2:.2f} "
          f"| {'yes' if same_bits.get((d, D, 2)) else 'NO'} | {ns[('naive', d, D, 2)]:.0f} "
          f"| {ns[('boost_mc', d, D, 2)]:.0f} | {ns[('roofline', d, D, 2)]:.1f} "
          f"| {ns[('normals', d, D, 2)]:.1f} "
          f"| {t['ns_per_sample']:.1f} ({t['variant']}, chunk {t['chunk']}) "
          f"| {f2 / t['ns_per_sample']:.3f} | {f2 / ns[('roofline', d, D, 2)]:.2f} "
          f"| {est:.4f} ± {se:.4f} / {t['estimate']:.4f} / {exact:.4f} |")
print()
print("ns/sample (wall clock, median of the repetitions); fused/torch and fused/roofline compare "
      "t:2 with t:2.")
print()
print("CPU time of all threads per sample (ns, median of the repetitions): less sensitive than the "
      "wall clock to other processes on a shared machine; PyTorch's includes its threads' spinning.")
print()
print("| d | D | fused t:2 | fused t:1 | naive t:2 | boost_mc t:2 | roofline t:2 | normals t:2 "
      "| torch t:2 (best by wall clock) | fused/torch | fused/roofline |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for (d, D) in sorted(torch):
    c2 = cpu[("fused", d, D, 2)]
    t = torch[(d, D)]
    print(f"| {d} | {D} | {c2:.1f} | {cpu[('fused', d, D, 1)]:.1f} "
          f"| {cpu[('naive', d, D, 2)]:.0f} | {cpu[('boost_mc', d, D, 2)]:.0f} "
          f"| {cpu[('roofline', d, D, 2)]:.1f} | {cpu[('normals', d, D, 2)]:.1f} "
          f"| {t['cpu_ns_per_sample']:.1f} | {c2 / t['cpu_ns_per_sample']:.3f} "
          f"| {c2 / cpu[('roofline', d, D, 2)]:.2f} |")
EOF
