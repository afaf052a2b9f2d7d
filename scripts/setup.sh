#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine of this project's kind:
# a C++17 toolchain and CMake (native kernels), data sets from Debian packages, node-seal (interop oracle).
# Idempotent: safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v cmake >/dev/null || need_apt+=(cmake)
command -v g++ >/dev/null || need_apt+=(g++)
command -v node >/dev/null || need_apt+=(nodejs npm)
[ -d /usr/share/datasets/fashion-mnist ] || need_apt+=(dataset-fashion-mnist)
[ -x /usr/games/fortune ] || [ -d /usr/share/games/fortunes ] || need_apt+=(fortunes)
# Fonts for the threat report's PNG plots (JFreeChart renders headless, but text needs at least one font).
[ -n "$(fc-list 2>/dev/null)" ] || need_apt+=(fontconfig fonts-dejavu-core)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

if [ -f interop/package-lock.json ]; then
  (cd interop && npm ci --no-audit --no-fund --loglevel=error)
fi
