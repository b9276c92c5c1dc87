#!/usr/bin/env bash
# The reference training steps (mlp, cnn, lstm) in PyTorch (Debian python3-torch) and in Lethe, in one
# run on this machine, side by side: median milliseconds per step and Lethe's time relative to PyTorch.
# Usage: benchmarks/compare-pytorch.sh [threads] [steps]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${1:-2}"
steps="${2:-100}"
py="${LETHE_PYTHON:-/usr/bin/python3}"
"$py" -c 'import torch' 2>/dev/null || { echo "compare-pytorch: $py cannot import torch (apt-get install python3-torch)" >&2; exit 1; }
torch_json="$(OMP_NUM_THREADS="$threads" "$py" "$root/benchmarks/pytorch_steps.py" "$threads" "$steps")"
lethe_json="$(LETHE_JAVA_OPTS="-Dlethe.threads=$threads" "$root/lethe" bench --json --steps "$steps" 2>/dev/null)"
"$py" - "$torch_json" "$lethe_json" "$threads" <<'PY'
import json, sys
t, l, threads = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
print(f"threads: {threads}")
print(f"{'workload':<10}{'PyTorch ms':>12}{'Lethe ms':>12}{'Lethe / PyTorch':>18}")
for k in ("mlp", "cnn", "lstm"):
    a, b = t[k]["median_ms"], l[k]["median_ms"]
    print(f"{k:<10}{a:>12.2f}{b:>12.2f}{b / a:>18.2f}")
PY
