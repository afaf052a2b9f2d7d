#!/usr/bin/env bash
# Threat-analysis harness (issue 7; docs/threats.md): runs the measured attacks on EE mode, the CKKS decryption
# leakage checks and the server robustness runs that are wired into the suite, and writes DIR/threats.md,
# DIR/threats.json and PNG plots. This is `cipherformer threats run` (one command line, no drift); the launcher
# builds on first use.
#
#   scripts/threats.sh run --out DIR [--quick] [--only T1,T4,...] [--seed N]
#   scripts/threats.sh run --help        (every option)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$ROOT/cipherformer" threats "$@"
