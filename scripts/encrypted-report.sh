#!/usr/bin/env bash
# Encrypted inference of the shipped models on CKKS against the plaintext polynomial reference: the 64 shipped
# Fashion-MNIST images (batched, as many per ciphertext as fit) and one 16-token tiny-lm prompt. Prints top-1 /
# next-token agreement, max |logit difference|, key generation, encryption, evaluation (server), client refresh and
# decryption times, server time per operation kind and per section, refresh rounds and bytes
# (docs/encrypted-inference.md). Takes minutes: every batch is a full encrypted forward pass.
#
#   scripts/encrypted-report.sh [--preset n16384|n32768] [--images N] [--batch B] [--tokens T] [--skip-lm] [--skip-vit]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl model -am install -DskipTests
mvn -B -q -ntp -pl model exec:java -Dexec.mainClass=org.cipherformer.model.encrypted.EncryptedInferenceReport \
  -Dexec.args="$*"
