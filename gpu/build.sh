#!/usr/bin/env bash
# Builds here what the GPU machine runs there (it has no Rust toolchain and no network):
# burn-rectifiers' tests with wgpu + vulkan (cubecl's SPIR-V compiler on a Vulkan adapter),
# candle-rectifiers' tests with cuda, and the bench CLI with wgpu + vulkan + candle-cuda.
# The binaries are stripped into target/gpu/, then the ones gpu/run.sh runs go into one
# .gpu/gpu.tar.xz (ignored; the device tool carries it; its limit is 64 MiB). One xz stream
# with a 256 MiB dictionary: the binaries share most of their code (two of burn's tests, 22 MB
# as separate .xz files, are 16 MB together).
#
#   gpu/build.sh [tests] [bench]      (both when no argument)
#
# BURN_CUDA=1 also builds burn-rectifiers' tests with `cuda` (Debian's LLVM standing in for
# tracel's download, .ci/llvm-setup.sh; gpu/FINDINGS.md): the same two burn binaries then run
# on CUDA too (and `Device::default()` becomes CUDA), but carry LLVM (estimated 10 MB more in
# the bundle; not yet tried against the 64 MiB limit).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${*:-tests bench}"
bin=target/gpu
mkdir -p "$bin" .gpu
grep -qxF "/.gpu/" .git/info/exclude || echo "/.gpu/" >> .git/info/exclude

# nvcc and the CUDA 13.0 libraries from NVIDIA's wheels (the H200's driver is CUDA 13.0).
# shellcheck source=../.ci/cuda-setup.sh
source .ci/cuda-setup.sh
# Linking needs what the wheels lack: `libX.so` names for the versioned
# libraries, and a libcuda.so (the driver's; there is none here). The stub defines every driver
# entry point cudarc declares, with the soname libcuda.so.1, so the binaries load the real
# driver there.
for lib in cudart cublas cublasLt curand nvrtc; do
    real=$(cd "$CUDA_HOME/lib" && ls lib$lib.so.* | sort | head -1)
    ln -sf "$real" "$CUDA_HOME/lib/lib$lib.so"
done
if [ ! -f "$CUDA_HOME/lib/stubs/libcuda.so" ]; then
    mkdir -p "$CUDA_HOME/lib/stubs"
    sys=$(ls -d ~/.cargo/registry/src/*/cudarc-0.19.*/src/driver/sys/mod.rs | head -1)
    grep -oE "fn cu[A-Za-z0-9_]+\s*\(" "$sys" | sed -E 's/fn (cu[A-Za-z0-9_]+).*/void \1(void) {}/' \
        | sort -u > target/cuda-stub.c
    gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$CUDA_HOME/lib/stubs/libcuda.so" target/cuda-stub.c
fi

# `cargo ... --message-format=json` names each executable it built; each is stripped into
# $bin as <prefix>-<target name>.
strip_into_bin() {
    local prefix=$1
    python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable"):
        print(m["executable"])' | while read -r exe; do
        name=$prefix-$(basename "$exe" | sed -E 's/-[0-9a-f]{16}$//')
        strip -o "$bin/$name" "$exe"
        echo "stripped $name: $(du -h "$bin/$name" | cut -f1)"
    done
}

burn_features=wgpu,vulkan,flex
if [ "${BURN_CUDA:-0}" = 1 ]; then
    # shellcheck source=../.ci/llvm-setup.sh
    source .ci/llvm-setup.sh
    burn_features=$burn_features,cuda
fi
if [[ "$what" == *tests* ]]; then
    cargo test -p burn-rectifiers --features "$burn_features" --no-run --message-format=json \
        | strip_into_bin burn
    cargo test -p candle-rectifiers --features cuda --no-run --message-format=json \
        | strip_into_bin candle
fi
if [[ "$what" == *bench* ]]; then
    cargo build --release -p rectifiers-benches --bin rectifiers-bench \
        --features wgpu,candle-cuda,burn-rectifiers/vulkan --message-format=json \
        | strip_into_bin bench
fi

# What gpu/run.sh runs: the tests that reach a GPU (burn's modules and unit tests, and
# candle's kernel_formulas and kernel_reductions, are CPU checks that CI runs), candle's
# reduction_bandwidth timing, and the bench CLI.
keep=(burn-elementwise burn-prelu_lse0 burn-accuracy burn-fusion burn-cube_rows burn-gated candle-inplace candle-lse0_plus
      candle-modules candle-ops candle-prelu candle-gated candle-reduction_bandwidth bench-rectifiers-bench)
present=()
for b in "${keep[@]}"; do [ -f "$bin/$b" ] && present+=("$b"); done
tar -C "$bin" -cf - "${present[@]}" | xz --lzma2=preset=9,dict=256MiB -T1 > .gpu/gpu.tar.xz
echo "bundled ${present[*]}: $(du -h .gpu/gpu.tar.xz | cut -f1)"
