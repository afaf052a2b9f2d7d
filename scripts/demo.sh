#!/usr/bin/env bash
# The main job, for now: build the CKKS engine and run its tour (key generation, encryption of a vector, an encrypted
# square with relinearize + rescale, a rotation, decryption), printing each result beside the plaintext computation.
# The end-to-end private-inference demo (in-process server, shipped model, samples) replaces this once the serving
# issue lands.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl he-kernels -am package -DskipTests
mvn -B -q -ntp -pl he-kernels exec:java -Dexec.mainClass=org.cipherformer.he.examples.CkksExample
