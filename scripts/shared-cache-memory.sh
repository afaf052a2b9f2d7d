#!/usr/bin/env bash
# Server memory with concurrent CKKS inferences: encode cache shared by all sessions of a model (the server's
# default) against one cache per session, and no cache (docs/benchmarks.md, "Shared encode cache"). Each mode starts
# a server in a child JVM and runs --sessions shipped-ViT sessions (own keys; opened one after another, then one
# single-image classification each, all at once); prints peak RSS (VmHWM) and RSS of the server, encode-cache
# figures and live native objects as a Markdown table. Needs about 7 GB free (private mode, 2 sessions) plus the
# client's key sets; several full encrypted inferences per mode: minutes on a 2-core machine, not a test.
#   scripts/shared-cache-memory.sh [--modes shared,private,none] [--sessions 2] [--model vit-fmnist]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl bench -am package -DskipTests
# On a shared machine, let the kernel's OOM killer pick this measurement (and its server child) first.
echo 1000 > /proc/self/oom_score_adj 2>/dev/null || true
exec java -Xmx6g -cp bench/target/cipherformer-bench.jar org.cipherformer.bench.SharedCacheMemoryBench "$@"
