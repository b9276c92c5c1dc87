#!/usr/bin/env bash
# Builds here what benchmarks/gpu-check.sh needs on a GPU machine that has no JDK and no access to a
# package registry: a jlink'ed Java runtime, the project's jars with their dependencies, the GPU
# tests (test-jars) and the JUnit console launcher, JCuda with only the native libraries Lethe
# loads. The pack must fit the 64 MiB the device tool carries; this script fails if it does not.
#
#   benchmarks/gpu-pack.sh [PACK_DIR]      default: benchmarks/target/gpu-pack (ignored by git)
#
# Then, from the device tool: carry benchmarks/target/gpu-pack and run benchmarks/gpu-check.sh.
#
# The runtime comes from PACK_JDK (default: the JDK that runs jlink on the PATH). Its libjvm needs
# the glibc it was built for (Debian's JDK 17: 2.34, so Ubuntu 22.04 or newer); for an older system
# use a portable build, e.g. PACK_JDK=/usr/lib/jvm/temurin-25-jdk-amd64 (glibc 2.17, 8 MB larger).
# Offline: every artifact must already be in ~/.m2 (a normal build fetches them; the JUnit console
# launcher is fetched once with ./mvnw dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.4).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PACK=${1:-$ROOT/benchmarks/target/gpu-pack}
LIMIT_MIB=64
JUNIT_CONSOLE=org.junit.platform:junit-platform-console-standalone:1.14.4
JLINK=${PACK_JDK:+$PACK_JDK/bin/}jlink
MODULES=java.base,java.logging,jdk.unsupported,jdk.incubator.vector

cd "$ROOT"
rm -rf "$PACK"
mkdir -p "$PACK/lib"

echo "[pack] building the jars (cuda and what it depends on, tests skipped)"
# package makes the jars and test-jars; copy-dependencies then takes the cuda module's test class path
# (kernels, engine, models, unlearning and their libraries, JCuda) from the reactor and ~/.m2. JUnit
# itself comes as the console launcher's standalone jar.
./mvnw -B -q -o -pl cuda -am package dependency:copy-dependencies -DskipTests -Dlethe.ptx.skip=true \
    -DincludeScope=test -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian \
    -DoutputDirectory="$PACK/lib"
cp cuda/target/lethe-cuda-*-SNAPSHOT.jar cuda/target/lethe-cuda-*-SNAPSHOT-tests.jar "$PACK/lib/"
./mvnw -B -q -o -N dependency:copy -Dartifact=$JUNIT_CONSOLE -DoutputDirectory="$PACK/lib"

echo "[pack] trimming JCuda's natives to the libraries Lethe loads (driver API, cuBLAS v2)"
( cd "$PACK/lib"
  zip -q -d jcuda-natives-*-linux-x86_64.jar 'lib/libJNvPTXCompiler-*' 'lib/libJNvrtc-*'
  zip -q -d jcublas-natives-*-linux-x86_64.jar 'lib/libJCublas-*' )

echo "[pack] jlink: $MODULES with $("$JLINK" --version 2>/dev/null | head -1 | sed 's/^/jlink /')"
"$JLINK" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$PACK/runtime" 2>&1 | grep -v 'incubator' || true
glibc=$(objdump -T "$PACK/runtime/lib/server/libjvm.so" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -V | tail -1 || true)

# the class path gpu-check.sh uses, relative to the pack
( cd "$PACK" && ls lib/*.jar | grep -v junit-platform-console-standalone | tr '\n' ':' | sed 's/:$//' > classpath )

echo "[pack] runtime: $("$PACK/runtime/bin/java" -version 2>&1 | head -1)"

size_kib=$(du -sk "$PACK" | cut -f1)
echo "[pack] $PACK: $((size_kib / 1024)) MiB (runtime $(du -sm "$PACK/runtime" | cut -f1) MiB, jars $(du -sm "$PACK/lib" | cut -f1) MiB);" \
    "libjvm needs ${glibc:-an unknown glibc}"
if [ "$size_kib" -gt $((LIMIT_MIB * 1024)) ]; then
    echo "[pack] too large: the device tool carries $LIMIT_MIB MiB" >&2
    exit 1
fi
