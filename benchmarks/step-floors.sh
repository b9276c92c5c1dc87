#!/usr/bin/env bash
# How much of each reference training step (mlp, cnn, lstm) the matrix products alone take when
# OpenBLAS computes them: benchmarks/native/step_products.c times every product of the step at its
# shape (convolutions lowered over the whole batch), with OPENBLAS_CORETYPE=SkylakeX (the AVX-512
# kernels; see benchmarks/gemm.sh). The sum is a floor for any implementation that computes the step
# through these products, before its elementwise work, pooling, lowering and optimizer. Compare it with
# half the faster peer's step (issue 7's target; DjlStepBenchmark and compare-pytorch.sh).
# Usage: benchmarks/step-floors.sh [threads] [reps]   (needs gcc and libopenblas-dev)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${1:-2}"
reps="${2:-101}"
bin="$(mktemp -d)/step_products"
gcc -O2 "$root/benchmarks/native/step_products.c" -lopenblas -o "$bin" \
  || { echo "step-floors: cannot build against OpenBLAS (apt-get install gcc libopenblas-dev)" >&2; exit 1; }
OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-SkylakeX}" "$bin" "$threads" "$reps" | python3 -c '
import sys
print("%-10s%-26s%20s%7s%9s" % ("workload", "product", "m x k x n", "count", "ms"))
for line in sys.stdin:
    p = line.split()
    if p[0] == "product":
        print("%-10s%-26s%20s%7s%9.3f" % (p[1], " ".join(p[7:]), " x ".join(p[2:5]), p[5], float(p[6])))
    else:
        print("%-10s%-26s%20s%7s%9.3f" % (p[1], "all products", "", "", float(p[2])))
'
