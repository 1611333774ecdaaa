#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with CTest (prints CTest's summary).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
./run.sh --setup-only
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "${LENGTHLAB_BUILD_DIR:-build}" --output-on-failure -j2 "$@"
