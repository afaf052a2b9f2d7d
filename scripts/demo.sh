#!/usr/bin/env bash
# The main job: private classification of shipped Fashion-MNIST test images with the shipped polynomial ViT
# (models/vit-fmnist), client and server in one process. The client makes its CKKS keys (N = 16384, 128-bit), packs
# 7 images into one ciphertext and encrypts it; the server runs the transformer on the ciphertext (the client answers
# its masked refresh requests); the client decrypts and the demo prints each image's encrypted class beside the
# plaintext model's and the true label. About a minute on a quiet 2-core machine after the build.
# Options: --images N (1..7), --first I (0..63), --preset n16384|n32768. The gRPC client/server demo replaces the
# in-process pairing once the serving issue lands.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
echo "building (log: target/demo-build.log) ..."
if ! mvn -B -q -ntp -pl model -am install -DskipTests > target/demo-build.log 2>&1; then
  tail -50 target/demo-build.log
  exit 1
fi
mvn -B -q -ntp -Dstyle.color=never -pl model exec:java -Dexec.mainClass=org.cipherformer.model.encrypted.EncryptedDemo \
  -Dexec.args="$*"
