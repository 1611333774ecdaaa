#!/usr/bin/env bash
# Side by side: LengthLab's training step against the PyTorch reference (../shared/bench or
# LENGTHLAB_TORCH_BASELINE) on the same standard configuration, alternating the two, at 1 and 2
# threads, three rounds each; prints every median and the speed ratio PyTorch ms / LengthLab ms
# (median over the rounds). Installs python3-torch and libopenblas0-openmp with apt when missing.
#   tests/bench/compare-pytorch.sh [rounds] [timed steps]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

ROUNDS=${1:-3}
STEPS=${2:-50}
BUILD_DIR=${LENGTHLAB_BUILD_DIR:-build}
BASELINE=${LENGTHLAB_TORCH_BASELINE:-../shared/bench/torch_baseline.py}
BENCH="$BUILD_DIR/tests/bench/lengthlab-bench"

missing=()
for p in python3-torch libopenblas0-openmp; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[[ -f "$BASELINE" ]] || { echo "compare-pytorch: no PyTorch baseline at $BASELINE" >&2; exit 2; }
[[ -x "$BENCH" ]] || cmake --build "$BUILD_DIR" -j2 --target lengthlab-bench

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {print a / b}'; }
json_field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])"; }

echo "standard configuration: batch 32, length 100, width 128, 2 layers, 4 heads, vocabulary 30;"
echo "$ROUNDS rounds of $STEPS timed steps each, LengthLab and PyTorch alternating"
for threads in 1 2; do
  ours=(); theirs=()
  for ((round = 1; round <= ROUNDS; round++)); do
    ms=$("$BENCH" --threads "$threads" --steps "$STEPS" --json | json_field median_ms)
    ours+=("$ms")
    ms=$(OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads \
         LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
         /usr/bin/python3 "$BASELINE" --threads "$threads" --steps "$STEPS" --json | json_field median_ms)
    theirs+=("$ms")
    printf "  threads %d, round %d: LengthLab %7.2f ms   PyTorch %7.2f ms   ratio %.2f\n" \
      "$threads" "$round" "${ours[-1]}" "${theirs[-1]}" "$(ratio "${theirs[-1]}" "${ours[-1]}")"
  done
  o=$(printf "%s\n" "${ours[@]}" | median); t=$(printf "%s\n" "${theirs[@]}" | median)
  printf "threads %d: LengthLab median %.2f ms, PyTorch median %.2f ms -> ratio %.2f (PyTorch ms / LengthLab ms)\n" \
    "$threads" "$o" "$t" "$(ratio "$t" "$o")"
done
