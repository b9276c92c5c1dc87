#!/usr/bin/env bash
# GEMM throughput: Lethe's CPU backend (JMH, GemmBenchmark) beside OpenBLAS (Debian libopenblas-dev)
# on the same machine, float32 n x n row-major C = A B, n = 256 to 2048, 1 and 2 threads.
# OpenBLAS is run twice: with its automatic core choice (on virtual machines that hide the CPU model it
# falls back to a generic SSE3 kernel) and with OPENBLAS_CORETYPE=SkylakeX (AVX-512), the fair peer on
# an AVX-512 machine. Prints median (min..max) milliseconds and GFLOP/s = 2 n^3 / median.
# Usage: benchmarks/gemm.sh [jmh args...]   (results land in $OUT, or a temporary folder)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"
./mvnw -q -B -pl benchmarks -am package -DskipTests
java -jar benchmarks/target/benchmarks.jar 'GemmBenchmark.gemm' -p n=256,512,1024,2048 -p threads=1,2 \
  -rf json -rff "$out/gemm-lethe.json" "$@" > "$out/gemm-lethe.log"
: > "$out/gemm-openblas.txt"
if gcc -O2 benchmarks/native/openblas_gemm.c -lopenblas -o "$out/openblas_gemm" 2>/dev/null; then
  "$out/openblas_gemm" 15 | sed 's/^/default /' >> "$out/gemm-openblas.txt"
  OPENBLAS_CORETYPE=SkylakeX "$out/openblas_gemm" 15 | sed 's/^/SkylakeX /' >> "$out/gemm-openblas.txt"
else
  echo "(OpenBLAS not found: apt-get install libopenblas-dev gcc)" >&2
fi
python3 - "$out" <<'PY'
import json, statistics, sys
out = sys.argv[1]
blas = {}
for line in open(f"{out}/gemm-openblas.txt"):
    core, n, t, med, lo, hi, gf = line.split()
    blas[(core, int(n), int(t))] = (float(med), float(lo), float(hi), float(gf))
print(f"{'n':>5} {'thr':>3}  {'Lethe ms (min..max)':>24} {'GFLOP/s':>8}  {'OpenBLAS default':>16}  {'OpenBLAS SkylakeX':>17}  {'Lethe/SkylakeX':>14}")
for r in json.load(open(f"{out}/gemm-lethe.json")):
    n, t = int(r["params"]["n"]), int(r["params"]["threads"])
    raw = [x for it in r["primaryMetric"]["rawData"] for x in it]
    med = statistics.median(raw)
    gf = 2 * n ** 3 / (med * 1e-3) / 1e9
    d = blas.get(("default", n, t))
    s = blas.get(("SkylakeX", n, t))
    ds = f"{d[3]:.1f}" if d else "-"
    ss = f"{s[3]:.1f}" if s else "-"
    ratio = f"{gf / s[3]:.2f}" if s else "-"
    print(f"{n:>5} {t:>3}  {med:>9.3f} ({min(raw):.3f}..{max(raw):.3f}) {gf:>8.1f}  {ds:>16}  {ss:>17}  {ratio:>14}")
PY
echo "(raw results in $out)"
