// PReLU backward's dalpha as a two-pass reduction, without atomics: the same bits on every run.
// No CUDA intrinsics here (tests/kernel_reductions.rs compiles it for the CPU).
//
// x is contiguous as [outer, C, inner]; the channel of element i is (i / inner) % C.
// Pass 1 (prelu_bwd_elems or prelu_bwd_rows in rectifiers.cu) writes dx and one compensated
// double sum of x dy (over x <= 0 or NaN) per "slot"; every slot sums elements of one channel
// only. Pass 2 (prelu_dalpha) sums, per channel, that channel's slots in a fixed order and
// rounds once. The slots are numbered so that pass 2 finds them without a table:
//
//     slot = (q * C + c) * w + j,   q < Q, j < w   (channel c; Q * w slots per channel)
//
// - elements (inner < PRELU_ROW_MIN_INNER): a slot is one thread of a grid-stride loop whose
//   stride, Q * C * inner threads, is a multiple of C * inner, so that a thread always meets the
//   same channel ((t / inner) % C); w = inner.
// - rows (inner >= PRELU_ROW_MIN_INNER): a slot is one block; rows are cut into `segs` segments
//   (w = segs) and block b takes the segments b, b + G, b + 2G, ... with G = Q * C * segs, all of
//   channel (b / segs) % C.
// The host (src/launch.rs) picks Q and segs from the shape alone, never from the device, so a
// shape always gives the same partition, hence the same bits.
#pragma once

#include "math.cuh"

// Rows at least this long take the row mode: a block's 256 threads then load 4 elements each
// per row segment.
#define PRELU_ROW_MIN_INNER 1024

// Channel of the element at flat index i.
__device__ __forceinline__ size_t prelu_channel(size_t i, size_t channels, size_t inner) {
    return (i / inner) % channels;
}

// The k-th slot (k < Q * w) of channel c, in the order pass 2 takes them.
__device__ __forceinline__ size_t prelu_slot(size_t k, size_t c, size_t channels, size_t w) {
    return ((k / w) * channels + c) * w + k % w;
}

// x dy into a slot's sum where dalpha takes it: x <= 0, or NaN (negated so that a NaN input
// propagates into dalpha). The product is exact in double for f32/f16/bf16 inputs.
template<typename C>
__device__ __forceinline__ void prelu_dalpha_add(CompSum<double> &run, C xv, C dyv) {
    if (!(xv > C(0))) comp_add(run, (double)xv * (double)dyv);
}
