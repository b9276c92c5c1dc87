#!/usr/bin/env bash
# Builds the benchmarks and runs the JMH benchmarks matching a pattern, then prints them as a table
# (median and range in ms, GFLOP/s where defined, allocation per operation with -prof gc).
# Usage: benchmarks/run.sh PATTERN [jmh args...]
#   benchmarks/run.sh 'ConvBenchmark|LstmBenchmark'
#   benchmarks/run.sh TrainingStepBenchmark.step -prof gc
#   benchmarks/run.sh UnlearningBenchmark.unlearn -p dataset=concrete
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
pattern="${1:?usage: benchmarks/run.sh PATTERN [jmh args...]}"
shift
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"
./mvnw -q -B -pl benchmarks -am package -DskipTests
java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar "$pattern" -rf json -rff "$out/jmh.json" "$@" \
  > "$out/jmh.log" 2>&1 || { tail -20 "$out/jmh.log" >&2; exit 1; }
python3 benchmarks/jmh-table.py "$out/jmh.json"
echo "(raw results in $out)"
