// Indexing, dtype and reduction helpers shared by the rectifier kernels.
//
// The indexing (indexing.cuh) and dtype (dtype.cuh) parts are headers of their own, with no
// inline PTX, so the host checks (tests/kernel_gated) compile them with g++.
#pragma once

#include <stdint.h>

#include "dtype.cuh"
#include "indexing.cuh"
#include "math.cuh"

// `a * b` in T, rounded once. For f16/bf16 the product of two 11-bit (8-bit) significands is
// exact in float, so widening, multiplying and rounding is the correctly rounded product
// (the core's `Float::mul`).
template<typename T>
__device__ __forceinline__ T mul_rounded(T a, T b) {
    return Io<T>::store(Io<T>::load(a) * Io<T>::load(b));
}

// ---------------------------------------------------------------- reductions in a fixed order
// A state type S is carried between threads by `shfl_xor_state(S, o)` (an overload per type, in
// rectifiers.cu) and combined by `M::apply(S &a, const S &b)` (b into a). The order of the
// combinations depends only on the thread layout, never on timing, so the result is the same
// on every run; tests/kernel_reductions.rs replays it on the CPU.

// Butterfly over groups of `width` lanes (a power of two up to 32; a uniform value in the warp,
// whose 32 lanes must all call it). At step o the lanes l and l ^ o both compute
// apply(lower lane's, higher lane's), so every lane of a group ends with the same bits: a
// balanced tree over the lanes in order, ((0 1)(2 3))((4 5)(6 7)) ...
template<typename M, typename S>
__device__ __forceinline__ S group_reduce(S v, unsigned width) {
    const unsigned lane = threadIdx.x % 32;
    for (unsigned o = 1; o < width; o <<= 1) {
        S other = shfl_xor_state(v, o);
        if (lane & o) {
            M::apply(other, v);
            v = other;
        } else {
            M::apply(v, other);
        }
    }
    return v;
}

// The whole block (blockDim.x a multiple of 32, every thread calling): the warps' trees, then
// warp 0's result, warp 1's, ... folded in order. Every thread gets the same value.
template<typename M, typename S>
__device__ S block_reduce(S v) {
    __shared__ __align__(16) unsigned char raw[32 * sizeof(S)];
    S *per_warp = reinterpret_cast<S *>(raw);
    const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    v = group_reduce<M>(v, 32);
    if (lane == 0) per_warp[warp] = v;
    __syncthreads();
    S total = per_warp[0];
    for (unsigned w = 1; w < blockDim.x / 32; w++) M::apply(total, per_warp[w]);
    // `raw` is reused by the next call.
    __syncthreads();
    return total;
}

// A group of `tpr` threads: shuffles alone up to a warp, the block beyond (then tpr is the
// block size).
template<typename M, typename S>
__device__ __forceinline__ S tpr_reduce(S v, unsigned tpr) {
    return tpr <= 32 ? group_reduce<M>(v, tpr) : block_reduce<M>(v);
}

// The 16-byte vector of T (4 f32, 2 f64, 8 f16/bf16) that contiguous kernels load and store
// whole where the data is 16-byte aligned: one 128-bit access instead of several narrow ones.
template<typename T>
union Vec16 {
    T v[16 / sizeof(T)];
    uint4 u;
};

template<typename T>
__device__ __forceinline__ Vec16<T> vec16_load(const T *p) {
    Vec16<T> r;
    r.u = *reinterpret_cast<const uint4 *>(p);
    return r;
}

// The stores are written in PTX: nvcc 13.0 split a plain float4 / double2 / uint4 store into
// narrow stores in the LSE0+ backward (where branches compute the elements).
__device__ __forceinline__ void st_global_v4(
    void *p,
    unsigned a,
    unsigned b,
    unsigned c,
    unsigned d
) {
    asm volatile("st.global.v4.b32 [%0], {%1, %2, %3, %4};"
                 :
                 : "l"(p), "r"(a), "r"(b), "r"(c), "r"(d)
                 : "memory");
}
__device__ __forceinline__ void vec16_store(float *p, const Vec16<float> &v) {
    st_global_v4(p, __float_as_uint(v.v[0]), __float_as_uint(v.v[1]), __float_as_uint(v.v[2]),
                 __float_as_uint(v.v[3]));
}
__device__ __forceinline__ void vec16_store(double *p, const Vec16<double> &v) {
    asm volatile("st.global.v2.f64 [%0], {%1, %2};" ::"l"(p), "d"(v.v[0]), "d"(v.v[1]) : "memory");
}
__device__ __forceinline__ unsigned pack2(unsigned short lo, unsigned short hi) {
    return (unsigned)lo | ((unsigned)hi << 16);
}
__device__ __forceinline__ void vec16_store(__half *p, const Vec16<__half> &v) {
    unsigned short h[8];
    for (int j = 0; j < 8; j++) h[j] = __half_as_ushort(v.v[j]);
    st_global_v4(p, pack2(h[0], h[1]), pack2(h[2], h[3]), pack2(h[4], h[5]), pack2(h[6], h[7]));
}
__device__ __forceinline__ void vec16_store(__nv_bfloat16 *p, const Vec16<__nv_bfloat16> &v) {
    unsigned short h[8];
    for (int j = 0; j < 8; j++) h[j] = __bfloat16_as_ushort(v.v[j]);
    st_global_v4(p, pack2(h[0], h[1]), pack2(h[2], h[3]), pack2(h[4], h[5]), pack2(h[6], h[7]));
}
