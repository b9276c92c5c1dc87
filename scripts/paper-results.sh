#!/usr/bin/env bash
# Reproduces docs/results/: the paper's protocol (Original, Retrain, Finetune, Gaussian, Blindspot,
# every metric, 3 seeds) on each built-in data set with its defaults, then copies each run's results
# (not its checkpoints) into docs/results/<dataset>/. Takes about six minutes on 2 cores.
# Usage: scripts/paper-results.sh [dataset ...]   (default: all four)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(concrete taylor vader fashion-rotation)
stamp="$(date +%Y%m%d-%H%M%S)"
for ds in "${sets[@]}"; do
  out="runs/paper-$ds-$stamp"
  echo "== $ds -> $out" >&2
  ./lethe experiment --dataset "$ds" --out "$out"
  dest="docs/results/$ds"
  rm -rf "$dest" && mkdir -p "$dest"
  cp -r "$out/results.json" "$out/results.csv" "$out/runs.csv" "$out/manifest.json" "$out/report.html" "$out/charts" "$dest/"
done
