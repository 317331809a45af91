#!/usr/bin/env bash
# CPU check of the CUDA kernels' formulas against rectifiers-core (no GPU, no nvcc needed):
# builds harness.cpp with g++ and the comparison with cargo (binaries and the cargo target dir
# under a temporary directory, never inside kernels/, which build.rs watches), then pipes one
# into the other (the results, ~3 GB, go through the pipe, not to disk).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${HOST_CHECK_DIR:-${TMPDIR:-/tmp}/rectifiers-kernels-host-check}"
mkdir -p "$work"
${CXX:-g++} -O2 -std=c++17 -Wno-unknown-pragmas "$here/harness.cpp" -o "$work/harness"
CARGO_TARGET_DIR="$work/target" cargo build --release --quiet --manifest-path "$here/Cargo.toml"
"$work/harness" | "$work/target/release/rectifiers-kernels-host-check"
