#!/usr/bin/env bash
# Runs on the GPU machine what gpu/build.sh bundled into .gpu/gpu.tar.xz: the GPU tests of
# burn-rectifiers (wgpu through cubecl's SPIR-V compiler on NVIDIA's Vulkan driver: elementwise,
# PReLU/LSE0+, the ULP table of accuracy and cube_rows, the fused blocks of fusion) and of
# candle-rectifiers (CUDA), candle's LSE0+/PReLU bandwidth table (reduction_bandwidth), then the
# bench CLI on wgpu and candle-cuda at 16Mi and 256Mi f32.
# Logs, CSV and tables go to $OUT. With the device tool, from the repository root:
#
#   run(command = "bash gpu/run.sh", carry = [".gl", ".gpu"], timeout_s = 560)
#
# It stops itself 20 s before $GPU_RUN_SECONDS (default 540) have passed, so that what it
# wrote comes back; the bench runs once per size, so the 16Mi tables survive a cut 256Mi run.
#
# .gl holds the Vulkan loader's Debian packages (device README: `apt-get download libvulkan1
# libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2` for amd64).
set -uo pipefail
deadline=$(( $(date +%s) + ${GPU_RUN_SECONDS:-540} - 20 ))
left() { echo $(( deadline - $(date +%s) )); }
out=${OUT:-/tmp/gpu-out}
mkdir -p "$out"
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f $icd ] && export VK_DRIVER_FILES=$icd
export XDG_RUNTIME_DIR=/tmp RECTIFIERS_REQUIRE_WGPU=1
# candle links the CUDA 13 runtime, cuBLAS, cuRAND and NVRTC: the image's PyTorch carries them.
for lib in libcudart.so.13 libcublas.so.13 libcurand.so.10 libnvrtc.so.13; do
    found=$(find /opt /usr -name "$lib" 2>/dev/null | head -1)
    [ -n "$found" ] && LD_LIBRARY_PATH=$(dirname "$found")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
done
export LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem \
    --format=csv > "$out/tests.log" 2>&1
mkdir -p /tmp/gpu && tar -xJf .gpu/gpu.tar.xz -C /tmp/gpu && cd /tmp/gpu || exit 1
ldd ./candle-ops | grep "not found" >> "$out/tests.log"
status=0
for t in burn-* candle-*; do
    echo "== $t" >> "$out/tests.log"
    timeout 120 "./$t" --test-threads 1 --nocapture >> "$out/tests.log" 2>&1 \
        || { status=1; echo "FAILED: $t" >> "$out/tests.log"; }
done
# LSE0+ and PReLU against the device copy at 256Mi f32 (an ignored test: a timing).
if [ -f candle-reduction_bandwidth ]; then
    echo "== candle-reduction_bandwidth --ignored" >> "$out/tests.log"
    timeout 120 ./candle-reduction_bandwidth --ignored --test-threads 1 --nocapture \
        >> "$out/tests.log" 2>&1 \
        || { status=1; echo "FAILED: reduction_bandwidth" >> "$out/tests.log"; }
fi
summary="^(== |test result|FAILED|failures:|    [a-z_:]+$|skipping|256Mi f32 on|\| (lse0|prelu))"
grep -E "$summary" "$out/tests.log" | uniq
for size in 16Mi 256Mi; do
    echo "== bench $size ($(left) s left)"
    # The layer step (and its fused blocks on wgpu) at 16Mi only: its matmul dominates at 256Mi.
    passes=fwd,fwdbwd
    [ $size = 16Mi ] && passes=fwd,fwdbwd,layer
    timeout "$(left)" ./bench-rectifiers-bench --backend wgpu,candle-cuda --function all \
        --size $size --dtype f32 --pass $passes --reps 7 --no-memory --out "$out" \
        --name "h200-$size" > /dev/null 2>> "$out/bench.err" || status=1
done
rm -f "$out/h200-16Mi.png" # at most 8 files come back
tail -5 "$out/bench.err"
exit $status
