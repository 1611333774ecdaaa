#!/usr/bin/env bash
# LengthLab's main command on a fresh Debian 12 machine: installs what is missing (apt), builds
# (Release), then runs the default experiment: the desktop app when there is a display, otherwise
# the same experiment headless, printing its accuracy per test bin.
#   ./run.sh               the default experiment
#   ./run.sh --setup-only  install and build only (used by ./test.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# ocl-icd-opencl-dev is only a recommendation of libdnnl-dev, but oneDNN's CMake package looks
# for OpenCL and fails without its headers and library link.
PACKAGES=(g++ cmake ninja-build pkg-config qt6-base-dev qt6-svg-dev qt6-qpa-plugins
          libqcustomplot-dev libqcustomplot2.1-qt6 libeigen3-dev libdnnl-dev ocl-icd-opencl-dev
          fonts-dejavu-core)
BUILD_DIR=${LENGTHLAB_BUILD_DIR:-build}

install_missing_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "Installing: ${missing[*]}"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  # Configure when there is no build system yet: a new folder, or one whose first configure failed
  # (say, before the packages were there), which leaves a cache but no build files; then the
  # cached generator and settings are kept.
  if [[ ! -f "$BUILD_DIR/build.ninja" && ! -f "$BUILD_DIR/Makefile" ]]; then
    if [[ -f "$BUILD_DIR/CMakeCache.txt" ]]; then
      cmake -S . -B "$BUILD_DIR" >/dev/null
    else
      cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    fi
  fi
  cmake --build "$BUILD_DIR" -j2
}

install_missing_packages
build
[[ "${1:-}" == "--setup-only" ]] && exit 0

# The classic first demo: copying distinct tokens generalizes beyond the training lengths.
DEFAULT_TASK=unique_copy
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -x "$BUILD_DIR/app/lengthlab" ]]; then
  exec "$BUILD_DIR/app/lengthlab" --task "$DEFAULT_TASK" "$@"
fi
echo "No display: running the default experiment headless."
run_dir="runs/${DEFAULT_TASK}-$(date +%Y%m%d-%H%M%S)"
exec "$BUILD_DIR/app/lengthlab-cli" train --task "$DEFAULT_TASK" --out "$run_dir" "$@"
