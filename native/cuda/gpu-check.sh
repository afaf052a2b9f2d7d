#!/usr/bin/env bash
# One prepared check of the CUDA backend on a GPU host (e.g. the lent H100/H200), finishing well inside 10 minutes:
#   1. builds the CUDA library, its byte-identity test and its benchmark (CMake, -DCF_BUILD_CUDA=ON, Release);
#   2. runs the byte-identity test at N = 16384, 32768 and 65536: every device operation (NTT, add/sub/negate,
#      plain ops, multiply/square, relinearize, rescale, mod switch, rotate incl. NAF, conjugate, hoisted rotations
#      incl. the zero-digit correction, error behaviour) against the CPU engine, word for word;
#   3. prints the benchmark table (median of >= 30 runs, CUDA-event timing) at N = 16384 / 400-bit and
#      N = 32768 / 880-bit with the Phantom (H200) figures of issue 8;
#   4. end to end: one encrypted vit-fmnist classification (one image, then a full 7-image ciphertext) on the CPU
#      backend and on the GPU backend (-Dcipherformer.backend=cuda: CkksBackend keeps every value in device memory),
#      in the same run with the same JNI library (built here with CUDA), and checks top-1 agreement of every image
#      with the plaintext reference. Needs a JDK (javac, jni.h) and the bench jar (bench/target/cipherformer-bench.jar,
#      made beforehand with `mvn -B -ntp -pl bench -am package -DskipTests`; a GPU host may have no network); without
#      them this step is reported as SKIPPED with the reason, and the rest of the check still counts.
# Exits non-zero, with "GPU CHECK FAILED" as the last line, on any build error, byte mismatch or top-1 disagreement.
#
# Usage (from anywhere): native/cuda/gpu-check.sh [build-dir]     env: CF_CUDA_ARCH (default 90-real;80-virtual),
#                                                                      CF_BENCH_RUNS (default 50),
#                                                                      CF_SKIP_E2E=1 (skip step 4)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
native="$(cd "$here/.." && pwd)"
repo="$(cd "$native/.." && pwd)"
build="${1:-$native/../build/gpu-check}"
runs="${CF_BENCH_RUNS:-50}"
arch="${CF_CUDA_ARCH:-90-real;80-virtual}"
jobs="$(nproc 2>/dev/null || echo 4)"
start=$(date +%s)

fail() {
  echo
  echo "GPU CHECK FAILED: $*"
  exit 1
}
step() { echo; echo "== $* ($(( $(date +%s) - start )) s)"; }

if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
command -v nvcc >/dev/null 2>&1 || fail "nvcc not found (install the CUDA toolkit or put it on PATH)"
command -v cmake >/dev/null 2>&1 || fail "cmake not found"

step "host"
nvidia-smi -L 2>/dev/null || echo "(nvidia-smi not available)"
nvcc --version | tail -n 2
cmake --version | head -n 1

# Step 4's prerequisites, decided before configuring: the JNI library is built in the same tree when they are met.
e2e_skip=""
bench_jar="$repo/bench/target/cipherformer-bench.jar"
if [ "${CF_SKIP_E2E:-0}" = "1" ]; then
  e2e_skip="CF_SKIP_E2E=1"
elif ! command -v javac >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  e2e_skip="no JDK on PATH (java and javac are needed)"
elif [ ! -f "$bench_jar" ]; then
  e2e_skip="$bench_jar is missing (run 'mvn -B -ntp -pl bench -am package -DskipTests' first)"
fi
java_home=""
if [ -z "$e2e_skip" ]; then
  java_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
  [ -f "$java_home/include/jni.h" ] || e2e_skip="no jni.h under $java_home/include"
fi
jni_headers="$build/jni-headers"
if [ -z "$e2e_skip" ]; then
  # The javac -h headers that native/jni includes, from the sources of this tree (zstd-jni from the bench jar).
  mkdir -p "$jni_headers" "$build/jni-classes"
  find "$repo/he-kernels/src/main/java" -name '*.java' >"$build.jni-sources.txt"
  timeout 120 javac -nowarn -cp "$bench_jar" -h "$jni_headers" -d "$build/jni-classes" "@$build.jni-sources.txt" \
    >"$build.javac.log" 2>&1 || e2e_skip="javac -h failed (log: $build.javac.log)"
fi
jni_flags=(-DCF_BUILD_JNI=OFF)
targets=(cf_cuda cuda_ops_test cuda_ops_bench)
if [ -z "$e2e_skip" ]; then
  jni_flags=(-DCF_BUILD_JNI=ON "-DJAVA_HOME=$java_home" "-DCF_JNI_HEADERS_DIR=$jni_headers")
  targets+=(cipherformer_he)
fi

step "configure ($build, CUDA architectures $arch)"
timeout 180 cmake -S "$native" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCF_BUILD_CUDA=ON "${jni_flags[@]}" \
  -DCF_BUILD_TESTS=ON -DCF_BUILD_BENCH=ON "-DCMAKE_CUDA_ARCHITECTURES=$arch" >"$build.configure.log" 2>&1 ||
  { tail -n 40 "$build.configure.log"; fail "cmake configure (log: $build.configure.log)"; }

step "build (-j$jobs): ${targets[*]}"
timeout 300 cmake --build "$build" -j "$jobs" --target "${targets[@]}" >"$build.build.log" 2>&1 ||
  { grep -E "error|Error" "$build.build.log" | head -n 40; fail "build (log: $build.build.log)"; }

step "byte identity against the CPU engine: N = 16384, 32768, 65536"
timeout 300 "$build/cuda/cuda_ops_test" 16384 32768 65536
rc=$?
if [ $rc -eq 77 ]; then fail "no usable CUDA device (the test skipped)"; fi
if [ $rc -ne 0 ]; then fail "byte-identity mismatch or error (exit $rc): see FAIL lines above"; fi

step "benchmark (median of $runs runs, CUDA events)"
timeout 240 "$build/cuda/cuda_ops_bench" "$runs" || fail "benchmark (exit $?)"

step "end to end: encrypted vit-fmnist classification, CPU backend vs GPU backend"
e2e_summary=""
if [ -n "$e2e_skip" ]; then
  echo "E2E SKIPPED: $e2e_skip"
  e2e_summary=" (end-to-end step SKIPPED: $e2e_skip)"
else
  library="$build/libcipherformer_he.so"
  [ -f "$library" ] || fail "JNI library $library was not built"
  declare -A latency_1 latency_7
  for backend in cpu cuda; do
    log="$build.e2e-$backend.log"
    echo "-- backend $backend (threads $jobs, batches 1 and 7; log $log)"
    # One JVM per backend: keys made once, then one image and a full 7-image ciphertext. Progress lines (stderr)
    # carry the latency and the top-1 agreement with the plaintext reference of each run.
    (cd "$repo" && timeout 200 java "-Dcipherformer.native.library=$library" "-Dcipherformer.backend=$backend" \
      -cp "$bench_jar" org.cipherformer.bench.EncryptedInferenceBenchmark --preset n16384 --threads "$jobs" \
      --batch 1,7 --repeats 1) >"$log" 2>&1
    rc=$?
    grep -E "^\[encrypted-bench\] threads" "$log" || true
    [ $rc -eq 0 ] || { tail -n 30 "$log"; fail "end-to-end run on backend $backend (exit $rc)"; }
    for b in 1 7; do
      line="$(grep -E "^\[encrypted-bench\] threads [0-9]+, batch $b, run 1/1: " "$log" | tail -n 1)"
      [ -n "$line" ] || fail "no batch-$b result on backend $backend (log: $log)"
      seconds="$(sed -E 's/.*latency ([0-9.]+) s.*/\1/' <<<"$line")"
      agree="$(sed -E 's/.*top-1 ([0-9]+)\/([0-9]+).*/\1 \2/' <<<"$line")"
      read -r got total <<<"$agree"
      [ "$got" = "$total" ] && [ "$total" = "$b" ] ||
        fail "backend $backend, batch $b: top-1 agreement with the plaintext reference $got/$total"
      if [ $b -eq 1 ]; then latency_1[$backend]=$seconds; else latency_7[$backend]=$seconds; fi
    done
  done
  echo
  echo "| backend | one image, s | 7 images in one ciphertext, s | per image, s |"
  echo "|---|---|---|---|"
  for backend in cpu cuda; do
    awk -v b="$backend" -v one="${latency_1[$backend]}" -v seven="${latency_7[$backend]}" \
      'BEGIN { printf "| %s | %.2f | %.2f | %.2f |\n", b, one, seven, seven / 7 }'
  done
  awk -v c="${latency_1[cpu]}" -v g="${latency_1[cuda]}" -v c7="${latency_7[cpu]}" -v g7="${latency_7[cuda]}" \
    'BEGIN { printf "GPU speed-up: %.2fx (one image), %.2fx (7 images); top-1 agrees with the reference on both\n", c / g, c7 / g7 }'
fi

echo
echo "GPU CHECK PASSED in $(( $(date +%s) - start )) s$e2e_summary"
