// The gated activations y = f(gate) * up (SwiGLU, GeGLU, ReGLU, ...) and their fused backward,
// for an Op of rectifiers.cu (`Op::fwd`, `Op::grad`: the formulas of functions.cuh):
//   forward   y = f(gate) * up
//   backward  d_gate = dy * up * f'(gate), d_up = dy * f(gate), one pass from the saved gate and
//             up, written to grads[0, numel) and grads[numel, 2 numel).
// Numerics as rectifiers-core's `Float::gated` / `Float::gated_backward`: f(gate) and f'(gate)
// in the compute type, then the products in it (f16/bf16: float, rounded once to the dtype);
// in float, d_gate's dy * up is exact in double (two 24-bit significands) and multiplies
// f'(gate) there before one rounding to float.
#pragma once

#include "dtype.cuh"
#include "indexing.cuh"
#include "functions.cuh"

__device__ __forceinline__ float gated_d_gate(float dy, float up, float grad) {
    return (float)((double)dy * (double)up * (double)grad);
}

__device__ __forceinline__ double gated_d_gate(double dy, double up, double grad) {
    return dy * up * grad;
}

template<typename Op, typename T>
__device__ __forceinline__ T gated_fwd_one(T gate, T up, const Param<typename Io<T>::C> &p) {
    return Io<T>::store(Op::fwd(Io<T>::load(gate), p) * Io<T>::load(up));
}

template<typename Op, typename T>
__device__ __forceinline__ void gated_bwd_one(
    T gate,
    T up,
    T dy,
    const Param<typename Io<T>::C> &p,
    T *d_gate,
    T *d_up
) {
    typedef typename Io<T>::C C;
    const C g = Io<T>::load(gate), u = Io<T>::load(up), d = Io<T>::load(dy);
    *d_gate = Io<T>::store(gated_d_gate(d, u, Op::grad(g, p)));
    *d_up = Io<T>::store(d * Op::fwd(g, p));
}

// Offset of element i of an operand: i itself when contiguous, else through its strides.
__device__ __forceinline__ size_t operand_index(
    size_t i,
    bool contiguous,
    size_t num_dims,
    const size_t *info
) {
    return contiguous ? i : get_strided_index(i, num_dims, info, info + num_dims);
}

__device__ __forceinline__ bool operand_contiguous(size_t num_dims, const size_t *info) {
    return info == nullptr || is_contiguous(num_dims, info, info + num_dims);
}

template<typename Op, typename T>
__device__ __forceinline__ void gated_fwd_body(
    const size_t numel,
    const size_t num_dims,
    const size_t *info_gate,
    const size_t *info_up,
    const double param,
    const T *gate,
    const T *up,
    T *y
) {
    typedef typename Io<T>::C C;
    const Param<C> p = make_param<C>(param);
    const bool g_cont = operand_contiguous(num_dims, info_gate);
    const bool u_cont = operand_contiguous(num_dims, info_up);
    if (g_cont && u_cont) {
        // Two elements' loads in flight per thread, as in the unary backward.
        const size_t s = grid_stride();
        size_t i = thread_index();
        for (; i + s < numel; i += 2 * s) {
            const T ga = gate[i], gb = gate[i + s], ua = up[i], ub = up[i + s];
            y[i] = gated_fwd_one<Op, T>(ga, ua, p);
            y[i + s] = gated_fwd_one<Op, T>(gb, ub, p);
        }
        for (; i < numel; i += s) {
            y[i] = gated_fwd_one<Op, T>(gate[i], up[i], p);
        }
    } else {
        // Strided operands, such as the two halves of the split form's last dim.
        for (size_t i = thread_index(); i < numel; i += grid_stride()) {
            const size_t jg = operand_index(i, g_cont, num_dims, info_gate);
            const size_t ju = operand_index(i, u_cont, num_dims, info_up);
            y[i] = gated_fwd_one<Op, T>(gate[jg], up[ju], p);
        }
    }
}

template<typename Op, typename T>
__device__ __forceinline__ void gated_bwd_body(
    const size_t numel,
    const size_t num_dims,
    const size_t *info_gate,
    const size_t *info_up,
    const size_t *info_dy,
    const double param,
    const T *gate,
    const T *up,
    const T *dy,
    T *grads
) {
    typedef typename Io<T>::C C;
    const Param<C> p = make_param<C>(param);
    const bool g_cont = operand_contiguous(num_dims, info_gate);
    const bool u_cont = operand_contiguous(num_dims, info_up);
    const bool d_cont = operand_contiguous(num_dims, info_dy);
    T *d_gate = grads;
    T *d_up = grads + numel;
    for (size_t i = thread_index(); i < numel; i += grid_stride()) {
        const size_t jg = operand_index(i, g_cont, num_dims, info_gate);
        const size_t ju = operand_index(i, u_cont, num_dims, info_up);
        const size_t jd = operand_index(i, d_cont, num_dims, info_dy);
        gated_bwd_one<Op, T>(gate[jg], up[ju], dy[jd], p, &d_gate[i], &d_up[i]);
    }
}

// The extern "C" kernels of one Op and dtype:
//   <op>_gated_<dtype>      (numel, num_dims, info_gate, info_up, param, gate, up, y)
//   <op>_gated_bwd_<dtype>  (numel, num_dims, info_gate, info_up, info_dy, param, gate, up, dy,
//                            grads), grads holding 2 numel elements
#define RECT_GATED(OP, TYPENAME, DTYPE)                                                      \
    extern "C" __global__ void OP##_gated_##DTYPE(                                           \
        const size_t numel,                                                                  \
        const size_t num_dims,                                                               \
        const size_t *info_gate,                                                             \
        const size_t *info_up,                                                               \
        const double param,                                                                  \
        const TYPENAME *gate,                                                                \
        const TYPENAME *up,                                                                  \
        TYPENAME *y                                                                          \
    ) {                                                                                      \
        gated_fwd_body<OP##_op, TYPENAME>(numel, num_dims, info_gate, info_up, param, gate,  \
                                          up, y);                                            \
    }                                                                                        \
    extern "C" __global__ void OP##_gated_bwd_##DTYPE(                                       \
        const size_t numel,                                                                  \
        const size_t num_dims,                                                               \
        const size_t *info_gate,                                                             \
        const size_t *info_up,                                                               \
        const size_t *info_dy,                                                               \
        const double param,                                                                  \
        const TYPENAME *gate,                                                                \
        const TYPENAME *up,                                                                  \
        const TYPENAME *dy,                                                                  \
        TYPENAME *grads                                                                      \
    ) {                                                                                      \
        gated_bwd_body<OP##_op, TYPENAME>(numel, num_dims, info_gate, info_up, info_dy,      \
                                          param, gate, up, dy, grads);                       \
    }
