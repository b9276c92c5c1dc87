#!/usr/bin/env bash
# Compiles the kernel files src/main/cuda/*.cu to PTX in src/main/resources/org/lethe/kernels/cuda/,
# the committed resources the CUDA backend loads. Run by the Maven build (cuda/pom.xml, phase
# generate-resources) and by hand.
#
# Each PTX file starts with the SHA-256 of what it was compiled from (the nvcc flags, the .cu file,
# then every .cuh header in name order); a file is recompiled only when that hash changes, so builds
# with a different nvcc do not rewrite unchanged PTX. Without nvcc on the PATH nothing is compiled:
# the script says so and lists stale PTX (PtxFreshnessTest fails on it too).
#
#   cuda/build-ptx.sh           recompile what changed (needs nvcc)
#   cuda/build-ptx.sh --force   recompile everything (needs nvcc)
#   cuda/build-ptx.sh --check   exit 1 if any PTX is stale; never compiles
#
# PTX for the virtual architecture compute_80 runs on every GPU of compute capability 8.0 or newer
# (A100, H100/H200, ...): the driver compiles it for the device at load time. nvcc 13 writes PTX
# ISA 9.0, which needs a driver for CUDA 13.0 or newer (R580+).
set -euo pipefail
cd "$(dirname "$0")"
SRC=src/main/cuda
OUT=src/main/resources/org/lethe/kernels/cuda
ARCH=compute_80
MODE=${1:-}

flags_for() {
    local fmad=--fmad=false
    # GEMM keeps fused multiply-adds (twice the arithmetic rate); elsewhere a*b+c rounds twice, as in Java
    [ "$1" = gemm ] && fmad=--fmad=true
    echo "-ptx -arch=$ARCH -O3 -std=c++17 $fmad"
}

source_hash() {
    {
        printf '%s\n' "$(flags_for "$1")"
        cat "$SRC/$1.cu"
        for h in $(ls "$SRC"/*.cuh | LC_ALL=C sort); do cat "$h"; done
    } | sha256sum | cut -c1-64
}

recorded_hash() {
    [ -f "$OUT/$1.ptx" ] && sed -n '1s#^// lethe-source-sha256: ##p' "$OUT/$1.ptx" || true
}

have_nvcc=1
command -v nvcc > /dev/null 2>&1 || have_nvcc=0
stale=()
compiled=()
mkdir -p "$OUT"
for cu in "$SRC"/*.cu; do
    name=$(basename "$cu" .cu)
    want=$(source_hash "$name")
    if [ "$MODE" != --force ] && [ "$(recorded_hash "$name")" = "$want" ]; then
        continue
    fi
    if [ "$MODE" = --check ] || [ $have_nvcc = 0 ]; then
        stale+=("$name")
        continue
    fi
    tmp=$(mktemp)
    # shellcheck disable=SC2046
    nvcc $(flags_for "$name") -I"$SRC" "$cu" -o "$tmp"
    { printf '// lethe-source-sha256: %s\n// lethe-nvcc-flags: %s\n' "$want" "$(flags_for "$name")"; cat "$tmp"; } > "$OUT/$name.ptx"
    rm -f "$tmp"
    compiled+=("$name")
done

if [ ${#compiled[@]} -gt 0 ]; then
    echo "[ptx] compiled ${compiled[*]} with $(nvcc --version | sed -n 's/.*\(release [0-9.]*\).*/\1/p')"
fi
if [ ${#stale[@]} -gt 0 ]; then
    if [ "$MODE" = --check ]; then
        echo "[ptx] stale: ${stale[*]} (run cuda/build-ptx.sh where nvcc is installed and commit the PTX)"
        exit 1
    fi
    echo "[ptx] WARNING: nvcc is not on the PATH and the PTX of ${stale[*]} is stale; the committed PTX is used"
elif [ $have_nvcc = 0 ] && [ "$MODE" != --check ]; then
    echo "[ptx] nvcc is not on the PATH; the committed PTX is up to date"
fi
