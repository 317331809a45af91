// Indexing, dtype and reduction helpers shared by the rectifier kernels.
//
// `is_contiguous` and `get_strided_index` follow candle-kernels 0.11.1 (src/cuda_utils.cuh,
// MIT OR Apache-2.0), widened from `unsigned int` to `size_t` so tensors of more than 2^32
// elements index correctly.
#pragma once

#include <stdint.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>

#include "math.cuh"

// `info` holds `dims[num_dims]` then `strides[num_dims]`, in elements (candle's layout).
__device__ __forceinline__ bool is_contiguous(
    const size_t num_dims,
    const size_t *dims,
    const size_t *strides
) {
    size_t acc = 1;
    for (size_t d = 0; d < num_dims; d++) {
        const size_t dim_idx = num_dims - 1 - d;
        if (dims[dim_idx] > 1 && acc != strides[dim_idx]) {
            return false;
        }
        acc *= dims[dim_idx];
    }
    return true;
}

// Offset of the `idx`-th element (in row-major order of `dims`) in a strided buffer.
__device__ __forceinline__ size_t get_strided_index(
    size_t idx,
    const size_t num_dims,
    const size_t *dims,
    const size_t *strides
) {
    size_t strided_i = 0;
    for (size_t d = 0; d < num_dims; d++) {
        const size_t dim_idx = num_dims - 1 - d;
        strided_i += (idx % dims[dim_idx]) * strides[dim_idx];
        idx /= dims[dim_idx];
    }
    return strided_i;
}

// Grid-stride loop bounds with 64-bit indices.
__device__ __forceinline__ size_t thread_index() {
    return (size_t)blockIdx.x * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ size_t grid_stride() {
    return (size_t)blockDim.x * gridDim.x;
}

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

// `a * b` in T, rounded once. For f16/bf16 the product of two 11-bit (8-bit) significands is
// exact in float, so widening, multiplying and rounding is the correctly rounded product
// (the core's `Float::mul`).
template<typename T>
__device__ __forceinline__ T mul_rounded(T a, T b) {
    return Io<T>::store(Io<T>::load(a) * Io<T>::load(b));
}

// Block-wide compensated sum (blockDim.x a multiple of 32); every thread gets the same value.
template<typename A>
__device__ A block_comp_sum(CompSum<A> v, A *scratch_s, A *scratch_c) {
    const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    const unsigned warps = blockDim.x / 32;
    for (int o = 16; o > 0; o >>= 1) {
        CompSum<A> other;
        other.s = __shfl_xor_sync(0xffffffffu, v.s, o);
        other.c = __shfl_xor_sync(0xffffffffu, v.c, o);
        comp_merge(v, other);
    }
    if (lane == 0) {
        scratch_s[warp] = v.s;
        scratch_c[warp] = v.c;
    }
    __syncthreads();
    CompSum<A> total = {scratch_s[0], scratch_c[0]};
    for (unsigned w = 1; w < warps; w++) {
        comp_merge(total, CompSum<A>{scratch_s[w], scratch_c[w]});
    }
    __syncthreads();
    return comp_value(total);
}
