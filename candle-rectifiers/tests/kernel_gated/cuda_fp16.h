// Host stand-in for CUDA's <cuda_fp16.h>, for the g++ checks of kernels/dtype.cuh and
// kernels/gated.cuh (tests/kernel_gated.rs): `__half` is GCC's `_Float16` (IEEE binary16; its
// conversions round to nearest even, as CUDA's `__float2half_rn` and `__double2half` do).
#pragma once

typedef _Float16 __half;

static inline float __half2float(__half v) { return (float)v; }
static inline __half __float2half_rn(float v) { return (__half)v; }
static inline __half __double2half(double v) { return (__half)v; }
