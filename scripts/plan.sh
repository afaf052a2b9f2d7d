#!/usr/bin/env bash
# Prints the encrypted execution plan of a shipped model under a CKKS parameter preset: slot layout, level at every
# section boundary, the rotation steps (= the Galois keys the client makes), refresh rounds, multiplicative depth,
# operation counts per section (docs/encrypted-inference.md). The plan is computed by running the transformer program
# on the simulated backend; no CKKS is involved.
#
#   scripts/plan.sh [MODEL_DIR] [--preset n16384|n32768] [--batch B] [--tokens T]
#
# MODEL_DIR defaults to models/vit-fmnist; B to as many images as fit in one ciphertext (LM: 1); T (LM only) to 16.
set -euo pipefail
cd "$(dirname "$0")/.."
model="models/vit-fmnist"
if [[ $# -gt 0 && "$1" != --* ]]; then
  model="$1"
  shift
fi
mvn -B -q -ntp -pl model -am install -DskipTests
mvn -B -q -ntp -pl model exec:java -Dexec.mainClass=org.cipherformer.model.encrypted.PlanCommand \
  -Dexec.args="$(realpath "$model") $*"
