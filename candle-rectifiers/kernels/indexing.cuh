// Element indexing of the kernels: candle's dims/strides layout and the grid-stride loop.
//
// `is_contiguous` and `get_strided_index` follow candle-kernels 0.11.1 (src/cuda_utils.cuh,
// MIT OR Apache-2.0), widened from `unsigned int` to `size_t` so tensors of more than 2^32
// elements index correctly.
#pragma once

#include <stddef.h>

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
