#!/usr/bin/env bash
# One prepared check of the CUDA backend on a GPU host (e.g. the lent H100/H200), finishing well inside 10 minutes:
#   1. builds the CUDA library, its byte-identity test and its benchmark (CMake, -DCF_BUILD_CUDA=ON, Release);
#   2. runs the byte-identity test at N = 16384, 32768 and 65536: every device operation (NTT, add/sub/negate,
#      plain ops, multiply/square, relinearize, rescale, mod switch, rotate incl. NAF, conjugate, hoisted rotations
#      incl. the zero-digit correction, error behaviour) against the CPU engine, word for word;
#   3. prints the benchmark table (median of >= 30 runs, CUDA-event timing) at N = 16384 / 400-bit and
#      N = 32768 / 880-bit with the Phantom (H200) figures of issue 8.
# Exits non-zero, with "GPU CHECK FAILED" as the last line, on any build error or byte mismatch.
#
# Usage (from anywhere): native/cuda/gpu-check.sh [build-dir]     env: CF_CUDA_ARCH (default 90-real;80-virtual),
#                                                                      CF_BENCH_RUNS (default 50)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
native="$(cd "$here/.." && pwd)"
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

step "configure ($build, CUDA architectures $arch)"
timeout 180 cmake -S "$native" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCF_BUILD_CUDA=ON -DCF_BUILD_JNI=OFF \
  -DCF_BUILD_TESTS=ON -DCF_BUILD_BENCH=ON "-DCMAKE_CUDA_ARCHITECTURES=$arch" >"$build.configure.log" 2>&1 ||
  { tail -n 40 "$build.configure.log"; fail "cmake configure (log: $build.configure.log)"; }

step "build (-j$jobs)"
timeout 300 cmake --build "$build" -j "$jobs" --target cf_cuda cuda_ops_test cuda_ops_bench >"$build.build.log" 2>&1 ||
  { grep -E "error|Error" "$build.build.log" | head -n 40; fail "build (log: $build.build.log)"; }

step "byte identity against the CPU engine: N = 16384, 32768, 65536"
timeout 300 "$build/cuda/cuda_ops_test" 16384 32768 65536
rc=$?
if [ $rc -eq 77 ]; then fail "no usable CUDA device (the test skipped)"; fi
if [ $rc -ne 0 ]; then fail "byte-identity mismatch or error (exit $rc): see FAIL lines above"; fi

step "benchmark (median of $runs runs, CUDA events)"
timeout 240 "$build/cuda/cuda_ops_bench" "$runs" || fail "benchmark (exit $?)"

echo
echo "End-to-end encrypted vit-fmnist latency on the GPU: not measured (the Java Evaluator does not route to the CUDA"
echo "backend yet; see docs/cuda.md)."
echo
echo "GPU CHECK PASSED in $(( $(date +%s) - start )) s"
