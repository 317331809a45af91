// Storage and compute types of the kernels' dtypes.
#pragma once

#include <cuda_fp16.h>
#include <cuda_bf16.h>

// Storage type -> compute type. f16 and bf16 are computed in float and rounded once, as the
// CPU core does (`Float for f16/bf16` widens to f32).
template<typename T> struct Io;

template<> struct Io<float> {
    typedef float C;
    static __device__ __forceinline__ float load(float v) { return v; }
    static __device__ __forceinline__ float store(float v) { return v; }
    static __device__ __forceinline__ float from_double(double v) { return (float)v; }
};

template<> struct Io<double> {
    typedef double C;
    static __device__ __forceinline__ double load(double v) { return v; }
    static __device__ __forceinline__ double store(double v) { return v; }
    static __device__ __forceinline__ double from_double(double v) { return v; }
};

template<> struct Io<__half> {
    typedef float C;
    static __device__ __forceinline__ float load(__half v) { return __half2float(v); }
    static __device__ __forceinline__ __half store(float v) { return __float2half_rn(v); }
    static __device__ __forceinline__ __half from_double(double v) { return __double2half(v); }
};

template<> struct Io<__nv_bfloat16> {
    typedef float C;
    static __device__ __forceinline__ float load(__nv_bfloat16 v) { return __bfloat162float(v); }
    static __device__ __forceinline__ __nv_bfloat16 store(float v) {
        return __float2bfloat16_rn(v);
    }
    static __device__ __forceinline__ __nv_bfloat16 from_double(double v) {
        return __double2bfloat16(v);
    }
};
