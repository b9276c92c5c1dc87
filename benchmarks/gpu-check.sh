#!/usr/bin/env bash
# One run on a machine with an NVIDIA GPU: the GPU tests, then the timings (float32 GEMM up to
# n = 4096 against cuBLAS where it loads, the mlp/cnn/lstm training steps and one Blindspot pass on
# the GPU and the CPU), the table last. Within 6 minutes; logs under $OUT when it is set, else
# benchmarks/target/gpu-check.
#
#   benchmarks/gpu-check.sh
#
# It runs from the pack benchmarks/gpu-pack.sh builds (a Java runtime, the jars, the tests), since
# the GPU machine has no JDK and no registry; where the pack is missing and a JDK is present it
# builds the pack first. Where there is no usable GPU it says why, in one line, and exits 3; the GPU
# tests then report themselves as skipped.
#
# Exit status: 0 all GPU tests passed and every timing validated; 1 a test or a validation failed;
# 2 the pack is missing or its runtime does not start here; 3 no usable GPU.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PACK=${LETHE_GPU_PACK:-$ROOT/benchmarks/target/gpu-pack}
LOGS=${OUT:-$ROOT/benchmarks/target/gpu-check}
TESTS_SECONDS=${GPU_CHECK_TESTS_SECONDS:-150}
TIMINGS_SECONDS=${GPU_CHECK_TIMINGS_SECONDS:-180}
# JCuda unpacks its native libraries into java.io.tmpdir: not under $OUT, whose files travel back
SCRATCH=${TMPDIR:-/tmp}/lethe-gpu-check
mkdir -p "$LOGS" "$SCRATCH"
: > "$LOGS/gpu-check.log"

say() {
    echo "gpu-check: $*" | tee -a "$LOGS/gpu-check.log"
}

# ---- the pack ----------------------------------------------------------------------------------
if [ ! -x "$PACK/runtime/bin/java" ]; then
    if command -v jlink > /dev/null 2>&1 && [ -x "$ROOT/mvnw" ]; then
        say "no pack at $PACK: building it (benchmarks/gpu-pack.sh)"
        if ! "$ROOT/benchmarks/gpu-pack.sh" "$PACK" > "$LOGS/gpu-pack.log" 2>&1; then
            say "building the pack failed; see $LOGS/gpu-pack.log"
            exit 2
        fi
    else
        say "no pack at $PACK and no JDK to build one: run benchmarks/gpu-pack.sh where there is a JDK and carry the pack"
        exit 2
    fi
fi
JAVA="$PACK/runtime/bin/java"
if ! "$JAVA" -version > "$LOGS/java-version.txt" 2>&1; then
    say "the pack's Java runtime does not start here: $(head -1 "$LOGS/java-version.txt")"
    say "this system: $(ldd --version 2>&1 | head -1); rebuild the pack with a portable JDK (PACK_JDK, see gpu-pack.sh)"
    exit 2
fi
say "java: $(head -1 "$LOGS/java-version.txt")"
CP=$(sed "s#lib/#$PACK/lib/#g" "$PACK/classpath")
CONSOLE=$(ls "$PACK"/lib/junit-platform-console-standalone-*.jar)
JOPTS=(--add-modules jdk.incubator.vector -Xmx16g "-Djava.io.tmpdir=$SCRATCH")

# ---- the device --------------------------------------------------------------------------------
if command -v nvidia-smi > /dev/null 2>&1; then
    nvidia-smi > "$LOGS/nvidia-smi.txt" 2>&1
    say "nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1)"
else
    say "nvidia-smi: not found"
fi
libs=$(ldconfig -p 2>/dev/null | grep -oE 'lib(cuda\.so\.1|cublas\.so\.1[0-9])' | sort -u | tr '\n' ' ')
say "libraries: ${libs:-neither libcuda.so.1 nor libcublas found by ldconfig}"

# ---- the GPU tests -----------------------------------------------------------------------------
CLASSES=(CudaProbeTest CudaBackendContractTest OwnGemmCudaContractTest CudaParityTest CudaTrainingParityTest)
SELECT=()
for c in "${CLASSES[@]}"; do
    SELECT+=(--select-class "org.lethe.kernels.cuda.$c")
done
say "tests: ${CLASSES[*]} (at most ${TESTS_SECONDS} s; each launch checked, -Dlethe.cuda.sync=true)"
t0=$SECONDS
timeout "$TESTS_SECONDS" "$JAVA" "${JOPTS[@]}" -Dlethe.cuda.sync=true -jar "$CONSOLE" execute --class-path "$CP" "${SELECT[@]}" \
    --details=tree --disable-banner --disable-ansi-colors > "$LOGS/tests.log" 2>&1
tests_rc=$?
count() {
    sed -n "s/^\[ *\([0-9]*\) tests $1 *\]$/\1/p" "$LOGS/tests.log" | head -1
}
if [ $tests_rc = 124 ]; then
    tests_line="timed out after ${TESTS_SECONDS} s"
elif [ -z "$(count found)" ]; then
    tests_line="did not run (exit $tests_rc): $(grep -m1 -E 'Exception|Error' "$LOGS/tests.log")"
else
    tests_line="$(count successful) passed, $(count failed) failed, $(( $(count skipped) + $(count aborted) )) skipped (by an assumption: aborted) of $(count found) ($((SECONDS - t0)) s)"
fi
say "tests: $tests_line; log $LOGS/tests.log"
if [ "$(count failed)" != "0" ] || [ $tests_rc = 124 ]; then
    grep -E '✘|\[X\]|MethodSource|=> ' "$LOGS/tests.log" | head -20 | tee -a "$LOGS/gpu-check.log"
fi

# ---- the timings -------------------------------------------------------------------------------
say "timings (at most ${TIMINGS_SECONDS} s)"
t0=$SECONDS
timeout "$TIMINGS_SECONDS" "$JAVA" "${JOPTS[@]}" -cp "$CP" org.lethe.kernels.cuda.GpuCheck --out "$LOGS" > "$LOGS/timings.log" 2>&1
timings_rc=$?
no_gpu=$(grep -m1 '^gpu-check: no usable GPU' "$LOGS/timings.log" || true)
case $timings_rc in
    0) say "timings: done ($((SECONDS - t0)) s); log $LOGS/timings.log" ;;
    3) say "timings: not run: ${no_gpu#gpu-check: }" ;;
    124) say "timings: timed out after ${TIMINGS_SECONDS} s; log $LOGS/timings.log" ;;
    *) say "timings: failed (exit $timings_rc); log $LOGS/timings.log"; tail -5 "$LOGS/timings.log" | tee -a "$LOGS/gpu-check.log" ;;
esac

# ---- the table, last ---------------------------------------------------------------------------
{
    echo
    echo "== gpu-check =="
    device=$(grep -m1 '^gpu-check: cuda (' "$LOGS/timings.log" | sed 's/^gpu-check: //')
    echo "device:  ${device:-no usable GPU}"
    echo "tests:   $tests_line"
    if [ -f "$LOGS/gpu-check.tsv" ] && [ $timings_rc != 3 ]; then
        column -t -s $'\t' "$LOGS/gpu-check.tsv" 2>/dev/null || cat "$LOGS/gpu-check.tsv"
    elif [ -n "$no_gpu" ]; then
        echo "timings: none (${no_gpu#gpu-check: })"
    fi
} | tee -a "$LOGS/gpu-check.log"

if [ $timings_rc = 3 ]; then
    exit 3
fi
if [ $tests_rc != 0 ] || [ $timings_rc != 0 ]; then
    exit 1
fi
exit 0
