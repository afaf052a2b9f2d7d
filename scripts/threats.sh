#!/usr/bin/env bash
# Threat-analysis harness for EE mode (threats/, docs in threats/README.md): under a fresh EE key, runs T1 weight
# alignment, T2 functional-signature queries and T4 ciphertext-only frequency analysis against the shipped models and
# the fortunes corpus; writes DIR/threats.md and DIR/threats.json and prints the Markdown. About two minutes after
# the build on 2 cores.
#
#   scripts/threats.sh run --out DIR [--t2-queries 2048] [--tokens 1000,10000,100000] [--refine-seconds 20]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl threats -am package -DskipTests
exec java -cp threats/target/cipherformer-threats.jar org.cipherformer.threats.ThreatsMain "$@"
