#!/usr/bin/env bash
# End-to-end API benchmark (issue 5): an embedded server on a loopback port and clients in one process, shipped ViT.
# Latency of one single-image classification split into client work, key upload, server compute and refresh round
# trips (median of --runs), then throughput of --clients concurrent clients. Prints Markdown tables.
#   bash scripts/api-bench.sh [--runs 3] [--clients 4] [--per-client 1]
# Takes several minutes on a 2-core machine; run it on a quiet machine for figures you publish.
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./cipherformer bench "$@"
