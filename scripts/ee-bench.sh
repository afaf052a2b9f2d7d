#!/usr/bin/env bash
# EE vs plaintext inference on one server, side by side (README "EE mode", docs/ee.md): a loopback server hosts each
# shipped model and its EE transform under a fresh key; every shipped input goes through both paths in alternating
# order; prints medians of server compute and end-to-end wall time, the EE overhead against the 5% target (PASS/FAIL)
# and the agreement of the two paths. Markdown to stdout. About a minute after the build.
#
#   scripts/ee-bench.sh [--rounds 20] [--warmup 3] [--models vit-fmnist,tiny-lm] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl bench -am package -DskipTests
exec java -cp bench/target/cipherformer-bench.jar org.cipherformer.bench.EeInferenceBenchmark "$@"
