#!/usr/bin/env bash
# Encrypted ViT inference benchmark (docs/benchmarks.md, "Encrypted inference"): single-image latency and, with
# several images in one ciphertext, amortized latency per image, at each native thread count; server time by
# operation kind and by section, client costs (key generation, encryption, refresh work, decryption), bytes
# exchanged; a PASS/FAIL line against the targets (single image <= 60 s, amortized <= 10 s per image) and top-1
# agreement with the plaintext reference as a sanity line. Markdown to stdout, progress to stderr. Each run is a
# full encrypted forward pass (about a minute on a quiet 2-core machine), so the defaults take several minutes.
#
#   scripts/encrypted-bench.sh [--preset n16384|n32768] [--threads 1,2] [--batch 1,7] [--repeats 1] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl bench -am package -DskipTests
exec java -cp bench/target/cipherformer-bench.jar org.cipherformer.bench.EncryptedInferenceBenchmark "$@"
