// Host stand-in for CUDA's <cuda_bf16.h>, for the g++ checks of kernels/dtype.cuh and
// kernels/gated.cuh (tests/kernel_gated.rs): bfloat16 as its bits, the upper half of an f32.
#pragma once
#include <cstdint>
#include <cstring>

struct __nv_bfloat16 {
    uint16_t bits;
};

static inline float __bfloat162float(__nv_bfloat16 v) {
    const uint32_t u = (uint32_t)v.bits << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

// Round to nearest even, as CUDA's `__float2bfloat16_rn`; a NaN stays a (quiet) NaN.
static inline __nv_bfloat16 __float2bfloat16_rn(float v) {
    uint32_t u;
    memcpy(&u, &v, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return {(uint16_t)((u >> 16) | 0x40u)};
    return {(uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16)};
}

// Declared for dtype.cuh's `Io<__nv_bfloat16>::from_double`, never defined: no host check
// uses it, and one that did would fail to link rather than round twice through float.
__nv_bfloat16 __double2bfloat16(double v);
