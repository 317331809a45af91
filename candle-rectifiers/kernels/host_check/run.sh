#!/usr/bin/env bash
# CPU check of the CUDA kernels' formulas against rectifiers-core (no GPU, no nvcc needed):
# builds harness.cpp with g++, writes its outputs and the cargo target dir under a temporary
# directory (never inside kernels/, which build.rs watches), and runs the comparison.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${HOST_CHECK_DIR:-${TMPDIR:-/tmp}/rectifiers-kernels-host-check}"
mkdir -p "$work/out"
${CXX:-g++} -O2 -std=c++17 -Wno-unknown-pragmas "$here/harness.cpp" -o "$work/harness"
"$work/harness" "$work/out"
CARGO_TARGET_DIR="$work/target" cargo run --release --quiet \
    --manifest-path "$here/Cargo.toml" -- "$work/out"
