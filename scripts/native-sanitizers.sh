#!/usr/bin/env bash
# Builds the native kernels in Debug with AddressSanitizer + UndefinedBehaviorSanitizer and runs every native test
# (including the byte-identity test against SEAL via node-seal, when interop/node_modules is installed).
# Run by .ci/run after the Maven tests; takes ~2-3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-target/native-sanitizers}"
cmake -S native -B "$build_dir" -DCMAKE_BUILD_TYPE=Debug -DCF_BUILD_JNI=OFF -DCF_BUILD_BENCH=OFF > /dev/null
cmake --build "$build_dir" -j2 > /dev/null
# halt_on_error: the first report fails the test; detect_leaks: the kernels must not leak.
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir "$build_dir" --output-on-failure
