// CUDA kernels of candle-rectifiers, compiled to PTX by build.rs and loaded by src/cuda.rs.
//
// Kernel names (dtype suffix: f32, f64, f16, bf16; candle's `DType::as_str`):
//   u<op>_<dtype>       forward of an elementwise op, candle's unary.cu convention plus `param`:
//                       (numel, num_dims, info, param, inp, out)
//   <op>_bwd_<dtype>    its backward from the saved input: dx = dy * f'(x)
//                       (numel, num_dims, info_x, info_dy, param, x, dy, dx)
//   <op>_gated_<dtype>  the gated form y = f(gate) * up (gated.cuh)
//                       (numel, num_dims, info_gate, info_up, param, gate, up, y)
//   <op>_gated_bwd_<dtype> both its gradients, d_gate then d_up in one buffer of 2 numel
//                       (numel, num_dims, info_gate, info_up, info_dy, param, gate, up, dy, grads)
//   uprelu_<dtype>      (numel, channels, inner, x, alpha, y)
//   prelu_bwd_elems_<dtype> (numel, channels, inner, threads, x, alpha, dy, dx, part)
//   prelu_bwd_rows_<dtype>  (numel, channels, inner, segs, seg_len, slots, x, alpha, dy, dx, part)
//   prelu_dalpha_<dtype>    (channels, w, q, part, dalpha)
//   lse0_plus_fwd_<dtype>   (rows, n, tpr, vec, x, y)
//   lse0_plus_bwd_<dtype>   (rows, n, tpr, vec, x, dy, dx)
//   lse0_plus_part_<dtype>  (rows, n, chunks, vec, x, part)
//   lse0_plus_merge_<dtype> (rows, chunks, part, y, row_state)
//   lse0_plus_bwd_split_<dtype> (rows, n, chunks, vec, row_state, x, dy, dx)
// with <op> one of relu, leaky_relu, gelu, gelu_tanh, silu, softplus, softplus_approx, elu,
// srelu, mish, squareplus. `info` is dims then strides (in elements) of the input, or null when
// it is contiguous; outputs are contiguous. `param` is the op's parameter (slope, k, alpha, a
// or b), ignored by the ops without one.
//
// Numerics: f64 follows rectifiers-core's f64 paths; f32 is computed in float with the same
// stable structure; f16/bf16 are computed in float and rounded once; a backward rounds f'(x) to
// the dtype and then the product dy * f'(x) once, as the core's `kernel::backward` does. See
// functions.cuh.

#include "utils.cuh"
#include "functions.cuh"
#include "gated.cuh"
#include "lse0_plus.cuh"
#include "prelu.cuh"

// ------------------------------------------------------------------ elementwise ops

template<typename Op, typename T>
__device__ __forceinline__ void unary_fwd_body(
    const size_t numel,
    const size_t num_dims,
    const size_t *info,
    const double param,
    const T *inp,
    T *out
) {
    typedef typename Io<T>::C C;
    const Param<C> p = make_param<C>(param);
    const size_t *dims = info;
    const size_t *strides = info + num_dims;
    if (info == nullptr || is_contiguous(num_dims, dims, strides)) {
        // Four loads in flight per thread before any store: one at a time left an H200 at
        // 66% of its copy bandwidth (too few bytes in flight to cover the memory latency).
        // Each element is read before it is written, by the same thread: `inp == out` (the
        // in-place ops) is safe.
        const size_t s = grid_stride();
        size_t i = thread_index();
        for (; i + 3 * s < numel; i += 4 * s) {
            const T a = inp[i], b = inp[i + s], c = inp[i + 2 * s], d = inp[i + 3 * s];
            out[i] = Io<T>::store(Op::fwd(Io<T>::load(a), p));
            out[i + s] = Io<T>::store(Op::fwd(Io<T>::load(b), p));
            out[i + 2 * s] = Io<T>::store(Op::fwd(Io<T>::load(c), p));
            out[i + 3 * s] = Io<T>::store(Op::fwd(Io<T>::load(d), p));
        }
        for (; i < numel; i += s) {
            out[i] = Io<T>::store(Op::fwd(Io<T>::load(inp[i]), p));
        }
    } else {
        for (size_t i = thread_index(); i < numel; i += grid_stride()) {
            const size_t j = get_strided_index(i, num_dims, dims, strides);
            out[i] = Io<T>::store(Op::fwd(Io<T>::load(inp[j]), p));
        }
    }
}

template<typename Op, typename T>
__device__ __forceinline__ T unary_bwd_one(T x, T dy, const Param<typename Io<T>::C> &p) {
    // f'(x) rounded to T, then dy * f'(x) rounded once (the core's `dy.mul(derivative(x))`).
    const T g = Io<T>::store(Op::grad(Io<T>::load(x), p));
    return mul_rounded(dy, g);
}

template<typename Op, typename T>
__device__ __forceinline__ void unary_bwd_body(
    const size_t numel,
    const size_t num_dims,
    const size_t *info_x,
    const size_t *info_dy,
    const double param,
    const T *x,
    const T *dy,
    T *dx
) {
    typedef typename Io<T>::C C;
    const Param<C> p = make_param<C>(param);
    const bool x_cont = info_x == nullptr || is_contiguous(num_dims, info_x, info_x + num_dims);
    const bool dy_cont =
        info_dy == nullptr || is_contiguous(num_dims, info_dy, info_dy + num_dims);
    if (x_cont && dy_cont) {
        // Two elements' loads in flight per thread, as in the forward (`dy == dx` is safe).
        const size_t s = grid_stride();
        size_t i = thread_index();
        for (; i + s < numel; i += 2 * s) {
            const T xa = x[i], xb = x[i + s], da = dy[i], db = dy[i + s];
            dx[i] = unary_bwd_one<Op, T>(xa, da, p);
            dx[i + s] = unary_bwd_one<Op, T>(xb, db, p);
        }
        for (; i < numel; i += s) {
            dx[i] = unary_bwd_one<Op, T>(x[i], dy[i], p);
        }
    } else {
        for (size_t i = thread_index(); i < numel; i += grid_stride()) {
            const size_t jx =
                x_cont ? i : get_strided_index(i, num_dims, info_x, info_x + num_dims);
            const size_t jdy =
                dy_cont ? i : get_strided_index(i, num_dims, info_dy, info_dy + num_dims);
            dx[i] = unary_bwd_one<Op, T>(x[jx], dy[jdy], p);
        }
    }
}

#define RECT_UNARY(OP, TYPENAME, DTYPE)                                                      \
    extern "C" __global__ void u##OP##_##DTYPE(                                              \
        const size_t numel,                                                                  \
        const size_t num_dims,                                                               \
        const size_t *info,                                                                  \
        const double param,                                                                  \
        const TYPENAME *inp,                                                                 \
        TYPENAME *out                                                                        \
    ) {                                                                                      \
        unary_fwd_body<OP##_op, TYPENAME>(numel, num_dims, info, param, inp, out);           \
    }                                                                                        \
    extern "C" __global__ void OP##_bwd_##DTYPE(                                             \
        const size_t numel,                                                                  \
        const size_t num_dims,                                                               \
        const size_t *info_x,                                                                \
        const size_t *info_dy,                                                               \
        const double param,                                                                  \
        const TYPENAME *x,                                                                   \
        const TYPENAME *dy,                                                                  \
        TYPENAME *dx                                                                         \
    ) {                                                                                      \
        unary_bwd_body<OP##_op, TYPENAME>(numel, num_dims, info_x, info_dy, param, x, dy, dx); \
    }

#define RECT_ALL_DTYPES(OP)                                                                  \
    RECT_OP(OP)                                                                              \
    RECT_UNARY(OP, float, f32)                                                               \
    RECT_UNARY(OP, double, f64)                                                              \
    RECT_UNARY(OP, __half, f16)                                                              \
    RECT_UNARY(OP, __nv_bfloat16, bf16)                                                      \
    RECT_GATED(OP, float, f32)                                                               \
    RECT_GATED(OP, double, f64)                                                              \
    RECT_GATED(OP, __half, f16)                                                              \
    RECT_GATED(OP, __nv_bfloat16, bf16)

RECT_ALL_DTYPES(relu)
RECT_ALL_DTYPES(leaky_relu)
RECT_ALL_DTYPES(gelu)
RECT_ALL_DTYPES(gelu_tanh)
RECT_ALL_DTYPES(silu)
RECT_ALL_DTYPES(softplus)
RECT_ALL_DTYPES(softplus_approx)
RECT_ALL_DTYPES(elu)
RECT_ALL_DTYPES(srelu)
RECT_ALL_DTYPES(mish)
RECT_ALL_DTYPES(squareplus)

// ------------------------------------------------------------------ state shuffles

__device__ __forceinline__ size_t shfl_xor_size(size_t v, int o) {
    return (size_t)__shfl_xor_sync(0xffffffffu, (unsigned long long)v, o);
}

template<typename A>
__device__ __forceinline__ CompSum<A> shfl_xor_state(const CompSum<A> &v, int o) {
    CompSum<A> r;
    r.s = __shfl_xor_sync(0xffffffffu, v.s, o);
    r.c = __shfl_xor_sync(0xffffffffu, v.c, o);
    return r;
}

template<typename A>
__device__ __forceinline__ LseMax<A> shfl_xor_state(const LseMax<A> &v, int o) {
    LseMax<A> r;
    r.m = __shfl_xor_sync(0xffffffffu, v.m, o);
    r.at = shfl_xor_size(v.at, o);
    r.ninf = shfl_xor_size(v.ninf, o);
    r.nan = __shfl_xor_sync(0xffffffffu, v.nan, o);
    return r;
}

template<typename A>
__device__ __forceinline__ LsePart<A> shfl_xor_state(const LsePart<A> &v, int o) {
    LsePart<A> r;
    r.m = __shfl_xor_sync(0xffffffffu, v.m, o);
    r.at = shfl_xor_size(v.at, o);
    r.r = shfl_xor_state(v.r, o);
    r.ninf = shfl_xor_size(v.ninf, o);
    r.nan = __shfl_xor_sync(0xffffffffu, v.nan, o);
    return r;
}

// The merge rules of lse0_plus.cuh, and comp_merge for dalpha's sums (which may be inf or NaN).
struct LseMergeOp {
    template<typename S>
    static __device__ __forceinline__ void apply(S &a, const S &b) { lse_merge(a, b); }
};
struct CompMergeOp {
    static __device__ __forceinline__ void apply(CompSum<double> &a, const CompSum<double> &b) {
        comp_merge(a, b);
    }
};

// ------------------------------------------------------------------ PReLU
// x contiguous as [outer, C, inner]; the channel of element i is (i / inner) % C. With one
// alpha, channels = 1 and inner = 1. The backward's dalpha: see prelu.cuh.

template<typename T>
__device__ __forceinline__ void prelu_fwd_body(
    const size_t numel,
    const size_t channels,
    const size_t inner,
    const T *x,
    const T *alpha,
    T *y
) {
    for (size_t i = thread_index(); i < numel; i += grid_stride()) {
        const T xv = x[i];
        const T a = alpha[prelu_channel(i, channels, inner)];
        // `x > 0` is false for NaN: NaN * alpha is NaN.
        y[i] = Io<T>::load(xv) > 0.0f ? xv : mul_rounded(xv, a);
    }
}

// dx = dy * (x > 0 ? 1 : alpha) (NaN for NaN x), and x dy into the slot's sum where it counts.
template<typename T>
__device__ __forceinline__ T prelu_bwd_one(T xt, T dyt, T a, CompSum<double> &run) {
    const auto xv = Io<T>::load(xt);
    const T d = xv > 0 ? Io<T>::store(1.0f) : (xv <= 0 ? a : xt);
    prelu_dalpha_add(run, xv, Io<T>::load(dyt));
    return mul_rounded(dyt, d);
}

// Pass 1, element slots: thread t < `threads` (a multiple of channels * inner) takes the
// elements t, t + threads, ... (all of channel (t / inner) % C) and writes its sum to part[t].
template<typename T>
__device__ __forceinline__ void prelu_bwd_elems_body(
    const size_t numel,
    const size_t channels,
    const size_t inner,
    const size_t threads,
    const T *x,
    const T *alpha,
    const T *dy,
    T *dx,
    CompSum<double> *part
) {
    const size_t t = thread_index();
    if (t >= threads) return;
    const T a = alpha[prelu_channel(t, channels, inner)];
    CompSum<double> run = {0.0, 0.0};
    // Four elements' loads in flight before any store, as in the unary kernels.
    size_t i = t;
    for (; i + 3 * threads < numel; i += 4 * threads) {
        const T xa = x[i], xb = x[i + threads], xc = x[i + 2 * threads], xd = x[i + 3 * threads];
        const T da = dy[i], db = dy[i + threads], dc = dy[i + 2 * threads],
                dd = dy[i + 3 * threads];
        dx[i] = prelu_bwd_one(xa, da, a, run);
        dx[i + threads] = prelu_bwd_one(xb, db, a, run);
        dx[i + 2 * threads] = prelu_bwd_one(xc, dc, a, run);
        dx[i + 3 * threads] = prelu_bwd_one(xd, dd, a, run);
    }
    for (; i < numel; i += threads) {
        dx[i] = prelu_bwd_one(x[i], dy[i], a, run);
    }
    part[t] = run;
}

// Pass 1, row slots: block b (of exactly `slots` blocks, a multiple of channels * segs) takes
// the row segments b, b + slots, ... (segment u is segment u % segs of row u / segs, of
// seg_len elements but the last), all of channel (b / segs) % C, and writes the block's sum to
// part[b].
template<typename T>
__device__ __forceinline__ void prelu_bwd_rows_body(
    const size_t numel,
    const size_t channels,
    const size_t inner,
    const size_t segs,
    const size_t seg_len,
    const size_t slots,
    const T *x,
    const T *alpha,
    const T *dy,
    T *dx,
    CompSum<double> *part
) {
    const size_t b = blockIdx.x;
    const size_t step = blockDim.x;
    const T a = alpha[(b / segs) % channels];
    const size_t units = numel / inner * segs;
    CompSum<double> run = {0.0, 0.0};
    for (size_t u = b; u < units; u += slots) {
        const size_t lo = (u % segs) * seg_len;
        const size_t hi = min(inner, lo + seg_len);
        const size_t base = (u / segs) * inner;
        const T *xr = x + base;
        const T *dyr = dy + base;
        T *dxr = dx + base;
        size_t j = lo + threadIdx.x;
        for (; j + 3 * step < hi; j += 4 * step) {
            const T xa = xr[j], xb = xr[j + step], xc = xr[j + 2 * step], xd = xr[j + 3 * step];
            const T da = dyr[j], db = dyr[j + step], dc = dyr[j + 2 * step],
                    dd = dyr[j + 3 * step];
            dxr[j] = prelu_bwd_one(xa, da, a, run);
            dxr[j + step] = prelu_bwd_one(xb, db, a, run);
            dxr[j + 2 * step] = prelu_bwd_one(xc, dc, a, run);
            dxr[j + 3 * step] = prelu_bwd_one(xd, dd, a, run);
        }
        for (; j < hi; j += step) {
            dxr[j] = prelu_bwd_one(xr[j], dyr[j], a, run);
        }
    }
    const CompSum<double> total = block_reduce<CompMergeOp>(run);
    if (threadIdx.x == 0) part[b] = total;
}

// Pass 2: one block per channel (grid-stride); thread k sums the channel's slots k,
// k + blockDim.x, ... in order (prelu_slot), then the block's fixed-order tree; rounded once.
template<typename T>
__device__ __forceinline__ void prelu_dalpha_body(
    const size_t channels,
    const size_t w,
    const size_t q,
    const CompSum<double> *part,
    T *dalpha
) {
    const size_t per_channel = q * w;
    for (size_t c = blockIdx.x; c < channels; c += gridDim.x) {
        CompSum<double> run = {0.0, 0.0};
        for (size_t k = threadIdx.x; k < per_channel; k += blockDim.x) {
            comp_merge(run, part[prelu_slot(k, c, channels, w)]);
        }
        const CompSum<double> total = block_reduce<CompMergeOp>(run);
        if (threadIdx.x == 0) dalpha[c] = Io<T>::from_double(comp_value(total));
    }
}

#define RECT_PRELU(TYPENAME, DTYPE)                                                          \
    extern "C" __global__ void uprelu_##DTYPE(                                               \
        const size_t numel,                                                                  \
        const size_t channels,                                                               \
        const size_t inner,                                                                  \
        const TYPENAME *x,                                                                   \
        const TYPENAME *alpha,                                                               \
        TYPENAME *y                                                                          \
    ) {                                                                                      \
        prelu_fwd_body<TYPENAME>(numel, channels, inner, x, alpha, y);                       \
    }                                                                                        \
    extern "C" __global__ void prelu_bwd_elems_##DTYPE(                                      \
        const size_t numel,                                                                  \
        const size_t channels,                                                               \
        const size_t inner,                                                                  \
        const size_t threads,                                                                \
        const TYPENAME *x,                                                                   \
        const TYPENAME *alpha,                                                               \
        const TYPENAME *dy,                                                                  \
        TYPENAME *dx,                                                                        \
        CompSum<double> *part                                                                \
    ) {                                                                                      \
        prelu_bwd_elems_body<TYPENAME>(                                                      \
            numel, channels, inner, threads, x, alpha, dy, dx, part);                        \
    }                                                                                        \
    extern "C" __global__ void prelu_bwd_rows_##DTYPE(                                       \
        const size_t numel,                                                                  \
        const size_t channels,                                                               \
        const size_t inner,                                                                  \
        const size_t segs,                                                                   \
        const size_t seg_len,                                                                \
        const size_t slots,                                                                  \
        const TYPENAME *x,                                                                   \
        const TYPENAME *alpha,                                                               \
        const TYPENAME *dy,                                                                  \
        TYPENAME *dx,                                                                        \
        CompSum<double> *part                                                                \
    ) {                                                                                      \
        prelu_bwd_rows_body<TYPENAME>(                                                       \
            numel, channels, inner, segs, seg_len, slots, x, alpha, dy, dx, part);           \
    }                                                                                        \
    extern "C" __global__ void prelu_dalpha_##DTYPE(                                         \
        const size_t channels,                                                               \
        const size_t w,                                                                      \
        const size_t q,                                                                      \
        const CompSum<double> *part,                                                         \
        TYPENAME *dalpha                                                                     \
    ) {                                                                                      \
        prelu_dalpha_body<TYPENAME>(channels, w, q, part, dalpha);                           \
    }

RECT_PRELU(float, f32)
RECT_PRELU(double, f64)
RECT_PRELU(__half, f16)
RECT_PRELU(__nv_bfloat16, bf16)

// ------------------------------------------------------------------ LSE0+
// ln(1 + sum_i e^(x_i)) over the rows of a contiguous [rows, n], and its gradient; the
// arithmetic is in lse0_plus.cuh. Two launch shapes (src/launch.rs picks one from n):
// - cached (n <= LSE_CACHE * LSE_MAX_TPR): `tpr` threads per row, a power of two, each holding
//   up to LSE_CACHE of the row's elements in registers, so x is read once, forward and
//   backward. Up to 32 threads per row: several rows per block of 256 threads (a lane group
//   per row, shuffles only); beyond, one row per block of tpr threads.
// - split (longer rows): rows cut into chunks of LSE_CHUNK, one block per chunk. The forward
//   is lse0_plus_part (one pass, a running maximum) then lse0_plus_merge (per row, in chunk
//   order); the backward merges into a per-row state and lse0_plus_bwd_split reads x again.
// `vec` (a uniform argument): x (and dx) start 16-byte aligned and n is a multiple of the
// vector width, so that every row starts aligned and is loaded 16 bytes at a time.

// Row `row` (or an empty row if the thread's group has none: it still joins the shuffles)
// into `v`, widened; slot s holds element lse_slot_index(s), if below `len`.
template<typename T, bool VEC>
__device__ __forceinline__ void lse_load(
    const T *row,
    const size_t len,
    const unsigned lane,
    const unsigned tpr,
    typename Io<T>::C (&v)[LSE_CACHE]
) {
    if (VEC) {
        constexpr int N = LseVec<T>::N;
#pragma unroll
        for (int k = 0; k < LSE_CACHE / N; k++) {
            const size_t e = lse_slot_index<T, true>(k * N, lane, tpr);
            if (e < len) {
                const Vec16<T> r = vec16_load(row + e);
#pragma unroll
                for (int j = 0; j < N; j++) v[k * N + j] = Io<T>::load(r.v[j]);
            }
        }
    } else {
#pragma unroll
        for (int s = 0; s < LSE_CACHE; s++) {
            const size_t e = lse_slot_index<T, false>(s, lane, tpr);
            if (e < len) v[s] = Io<T>::load(row[e]);
        }
    }
}

// The max state of the cached elements, reduced over the row's threads.
template<typename T, bool VEC>
__device__ __forceinline__ LseMax<typename Io<T>::C> lse_row_max(
    const typename Io<T>::C (&v)[LSE_CACHE],
    const size_t len,
    const unsigned lane,
    const unsigned tpr
) {
    typedef typename Io<T>::C A;
    LseMax<A> st = lse_max_init<A>();
#pragma unroll
    for (int s = 0; s < LSE_CACHE; s++) {
        const size_t e = lse_slot_index<T, VEC>(s, lane, tpr);
        if (e < len) lse_max_add(st, v[s], e);
    }
    return tpr_reduce<LseMergeOp>(st, tpr);
}

template<typename T, bool VEC>
__device__ __forceinline__ void lse0_plus_fwd_cached(
    const size_t rows,
    const size_t n,
    const unsigned tpr,
    const T *x,
    T *y
) {
    typedef typename Io<T>::C A;
    const unsigned lane = threadIdx.x % tpr;
    const size_t per_block = blockDim.x / tpr;
    const size_t group = threadIdx.x / tpr;
    // `base` is uniform in the block: every thread stays in the loop for the shuffles.
    for (size_t base = blockIdx.x * per_block; base < rows; base += gridDim.x * per_block) {
        const size_t row = base + group;
        const size_t len = row < rows ? n : 0;
        A v[LSE_CACHE];
        lse_load<T, VEC>(x + row * n, len, lane, tpr, v);
        const LseMax<A> st = lse_row_max<T, VEC>(v, len, lane, tpr);
        CompSum<A> r = {A(0), A(0)};
        if (!st.nan && st.m != A(INFINITY)) {
#pragma unroll
            for (int s = 0; s < LSE_CACHE; s++) {
                const size_t e = lse_slot_index<T, VEC>(s, lane, tpr);
                if (e < len && e != st.at) comp_add_finite(r, exp_(v[s] - st.m));
            }
        }
        r = tpr_reduce<LseMergeOp>(r, tpr);
        if (lane == 0 && row < rows) y[row] = Io<T>::store(lse_value(st, r));
    }
}

// dx[r, i] = dy[r] e^(x_i - m) / (1 + r), from x (the rounded output would cost |y| ULP):
// the terms double as the sum's, as in the core.
template<typename T, bool VEC>
__device__ __forceinline__ void lse0_plus_bwd_cached(
    const size_t rows,
    const size_t n,
    const unsigned tpr,
    const T *x,
    const T *dy,
    T *dx
) {
    typedef typename Io<T>::C A;
    const unsigned lane = threadIdx.x % tpr;
    const size_t per_block = blockDim.x / tpr;
    const size_t group = threadIdx.x / tpr;
    for (size_t base = blockIdx.x * per_block; base < rows; base += gridDim.x * per_block) {
        const size_t row = base + group;
        const size_t len = row < rows ? n : 0;
        A v[LSE_CACHE];
        lse_load<T, VEC>(x + row * n, len, lane, tpr, v);
        const LseMax<A> st = lse_row_max<T, VEC>(v, len, lane, tpr);
        const bool finite = !st.nan && st.m != A(INFINITY);
        CompSum<A> r = {A(0), A(0)};
        if (finite) {
            // v becomes the gradient numerators.
#pragma unroll
            for (int s = 0; s < LSE_CACHE; s++) {
                const size_t e = lse_slot_index<T, VEC>(s, lane, tpr);
                if (e < len) {
                    v[s] = lse_grad_term(v[s], st.m);
                    if (e != st.at) comp_add_finite(r, v[s]);
                }
            }
        }
        r = tpr_reduce<LseMergeOp>(r, tpr);
        if (len == 0) continue;
        const A denom = lse_denominator(st, r);
        const A g_row = Io<T>::load(dy[row]);
        T *dxr = dx + row * n;
        if (VEC) {
            constexpr int N = LseVec<T>::N;
#pragma unroll
            for (int k = 0; k < LSE_CACHE / N; k++) {
                const size_t e = lse_slot_index<T, true>(k * N, lane, tpr);
                if (e < len) {
                    Vec16<T> o;
#pragma unroll
                    for (int j = 0; j < N; j++) {
                        o.v[j] = Io<T>::store(g_row * lse_grad(st, v[k * N + j], denom));
                    }
                    vec16_store(dxr + e, o);
                }
            }
        } else {
#pragma unroll
            for (int s = 0; s < LSE_CACHE; s++) {
                const size_t e = lse_slot_index<T, false>(s, lane, tpr);
                if (e < len) dxr[e] = Io<T>::store(g_row * lse_grad(st, v[s], denom));
            }
        }
    }
}

// Elements of a split chunk that each of the LSE_SPLIT_THREADS threads loads.
#define LSE_SPLIT_CACHE (LSE_CHUNK / LSE_SPLIT_THREADS)

// Chunk `c` of a row into `v`, widened: slot s holds the chunk's element
// lse_slot_index(s, threadIdx.x, LSE_SPLIT_THREADS), if below `len` (the chunk's length).
template<typename T, bool VEC>
__device__ __forceinline__ void lse_load_chunk(
    const T *chunk,
    const size_t len,
    typename Io<T>::C (&v)[LSE_SPLIT_CACHE]
) {
    if (VEC) {
        constexpr int N = LseVec<T>::N;
#pragma unroll
        for (int k = 0; k < LSE_SPLIT_CACHE / N; k++) {
            const size_t e = lse_slot_index<T, true>(k * N, threadIdx.x, LSE_SPLIT_THREADS);
            if (e < len) {
                const Vec16<T> r = vec16_load(chunk + e);
#pragma unroll
                for (int j = 0; j < N; j++) v[k * N + j] = Io<T>::load(r.v[j]);
            }
        }
    } else {
#pragma unroll
        for (int s = 0; s < LSE_SPLIT_CACHE; s++) {
            const size_t e = lse_slot_index<T, false>(s, threadIdx.x, LSE_SPLIT_THREADS);
            if (e < len) v[s] = Io<T>::load(chunk[e]);
        }
    }
}

// Split pass 1: part[row * chunks + c] = the state of chunk c of the row (blockDim.x =
// LSE_SPLIT_THREADS), all loads issued before the running maximum's dependent chain.
template<typename T, bool VEC>
__device__ __forceinline__ void lse0_plus_part_body(
    const size_t rows,
    const size_t n,
    const size_t chunks,
    const T *x,
    LsePart<typename Io<T>::C> *part
) {
    typedef typename Io<T>::C A;
    for (size_t item = blockIdx.x; item < rows * chunks; item += gridDim.x) {
        const size_t row = item / chunks;
        const size_t lo = (item % chunks) * LSE_CHUNK;
        const size_t len = min((size_t)LSE_CHUNK, n - lo);
        A v[LSE_SPLIT_CACHE];
        lse_load_chunk<T, VEC>(x + row * n + lo, len, v);
        LsePart<A> p = lse_part_init<A>();
#pragma unroll
        for (int s = 0; s < LSE_SPLIT_CACHE; s++) {
            const size_t e = lse_slot_index<T, VEC>(s, threadIdx.x, LSE_SPLIT_THREADS);
            if (e < len) lse_part_add(p, v[s], lo + e);
        }
        p = block_reduce<LseMergeOp>(p);
        if (threadIdx.x == 0) part[item] = p;
    }
}

// Split pass 2, one block per row: thread t folds the chunks t, t + blockDim.x, ... in order,
// then the block's tree. Writes y[row] (forward), or else the row's state (backward).
template<typename T>
__device__ __forceinline__ void lse0_plus_merge_body(
    const size_t rows,
    const size_t chunks,
    const LsePart<typename Io<T>::C> *part,
    T *y,
    LsePart<typename Io<T>::C> *row_state
) {
    typedef typename Io<T>::C A;
    for (size_t row = blockIdx.x; row < rows; row += gridDim.x) {
        LsePart<A> p = lse_part_init<A>();
        for (size_t c = threadIdx.x; c < chunks; c += blockDim.x) {
            lse_merge(p, part[row * chunks + c]);
        }
        p = block_reduce<LseMergeOp>(p);
        if (threadIdx.x == 0) {
            if (y != nullptr) {
                y[row] = Io<T>::store(lse_value(lse_part_max(p), p.r));
            } else {
                row_state[row] = p;
            }
        }
    }
}

// Split backward: dx for chunk c of the row from the row's merged state.
template<typename T, bool VEC>
__device__ __forceinline__ void lse0_plus_bwd_split_body(
    const size_t rows,
    const size_t n,
    const size_t chunks,
    const LsePart<typename Io<T>::C> *row_state,
    const T *x,
    const T *dy,
    T *dx
) {
    typedef typename Io<T>::C A;
    for (size_t item = blockIdx.x; item < rows * chunks; item += gridDim.x) {
        const size_t row = item / chunks;
        const size_t lo = (item % chunks) * LSE_CHUNK;
        const size_t len = min((size_t)LSE_CHUNK, n - lo);
        const LsePart<A> p = row_state[row];
        const LseMax<A> st = lse_part_max(p);
        const bool finite = !st.nan && st.m != A(INFINITY);
        const A denom = lse_denominator(st, p.r);
        const A g_row = Io<T>::load(dy[row]);
        A v[LSE_SPLIT_CACHE];
        lse_load_chunk<T, VEC>(x + row * n + lo, len, v);
        T *dxc = dx + row * n + lo;
        if (finite) {
#pragma unroll
            for (int s = 0; s < LSE_SPLIT_CACHE; s++) {
                const size_t e = lse_slot_index<T, VEC>(s, threadIdx.x, LSE_SPLIT_THREADS);
                if (e < len) v[s] = lse_grad_term(v[s], st.m);
            }
        }
        if (VEC) {
            constexpr int N = LseVec<T>::N;
#pragma unroll
            for (int k = 0; k < LSE_SPLIT_CACHE / N; k++) {
                const size_t e = lse_slot_index<T, true>(k * N, threadIdx.x, LSE_SPLIT_THREADS);
                if (e < len) {
                    Vec16<T> o;
#pragma unroll
                    for (int j = 0; j < N; j++) {
                        o.v[j] = Io<T>::store(g_row * lse_grad(st, v[k * N + j], denom));
                    }
                    vec16_store(dxc + e, o);
                }
            }
        } else {
#pragma unroll
            for (int s = 0; s < LSE_SPLIT_CACHE; s++) {
                const size_t e = lse_slot_index<T, false>(s, threadIdx.x, LSE_SPLIT_THREADS);
                if (e < len) dxc[e] = Io<T>::store(g_row * lse_grad(st, v[s], denom));
            }
        }
    }
}

#define RECT_LSE(TYPENAME, DTYPE)                                                            \
    extern "C" __global__ void __launch_bounds__(LSE_MAX_TPR)                                \
    lse0_plus_fwd_##DTYPE(                                                                   \
        const size_t rows,                                                                   \
        const size_t n,                                                                      \
        const unsigned tpr,                                                                  \
        const int vec,                                                                       \
        const TYPENAME *x,                                                                   \
        TYPENAME *y                                                                          \
    ) {                                                                                      \
        if (vec) {                                                                           \
            lse0_plus_fwd_cached<TYPENAME, true>(rows, n, tpr, x, y);                        \
        } else {                                                                             \
            lse0_plus_fwd_cached<TYPENAME, false>(rows, n, tpr, x, y);                       \
        }                                                                                    \
    }                                                                                        \
    extern "C" __global__ void __launch_bounds__(LSE_MAX_TPR)                                \
    lse0_plus_bwd_##DTYPE(                                                                   \
        const size_t rows,                                                                   \
        const size_t n,                                                                      \
        const unsigned tpr,                                                                  \
        const int vec,                                                                       \
        const TYPENAME *x,                                                                   \
        const TYPENAME *dy,                                                                  \
        TYPENAME *dx                                                                         \
    ) {                                                                                      \
        if (vec) {                                                                           \
            lse0_plus_bwd_cached<TYPENAME, true>(rows, n, tpr, x, dy, dx);                   \
        } else {                                                                             \
            lse0_plus_bwd_cached<TYPENAME, false>(rows, n, tpr, x, dy, dx);                  \
        }                                                                                    \
    }                                                                                        \
    extern "C" __global__ void __launch_bounds__(LSE_SPLIT_THREADS)                          \
    lse0_plus_part_##DTYPE(                                                                  \
        const size_t rows,                                                                   \
        const size_t n,                                                                      \
        const size_t chunks,                                                                 \
        const int vec,                                                                       \
        const TYPENAME *x,                                                                   \
        LsePart<Io<TYPENAME>::C> *part                                                       \
    ) {                                                                                      \
        if (vec) {                                                                           \
            lse0_plus_part_body<TYPENAME, true>(rows, n, chunks, x, part);                   \
        } else {                                                                             \
            lse0_plus_part_body<TYPENAME, false>(rows, n, chunks, x, part);                  \
        }                                                                                    \
    }                                                                                        \
    extern "C" __global__ void lse0_plus_merge_##DTYPE(                                      \
        const size_t rows,                                                                   \
        const size_t chunks,                                                                 \
        const LsePart<Io<TYPENAME>::C> *part,                                                \
        TYPENAME *y,                                                                         \
        LsePart<Io<TYPENAME>::C> *row_state                                                  \
    ) {                                                                                      \
        lse0_plus_merge_body<TYPENAME>(rows, chunks, part, y, row_state);                    \
    }                                                                                        \
    extern "C" __global__ void __launch_bounds__(LSE_SPLIT_THREADS)                          \
    lse0_plus_bwd_split_##DTYPE(                                                             \
        const size_t rows,                                                                   \
        const size_t n,                                                                      \
        const size_t chunks,                                                                 \
        const int vec,                                                                       \
        const LsePart<Io<TYPENAME>::C> *row_state,                                           \
        const TYPENAME *x,                                                                   \
        const TYPENAME *dy,                                                                  \
        TYPENAME *dx                                                                         \
    ) {                                                                                      \
        if (vec) {                                                                           \
            lse0_plus_bwd_split_body<TYPENAME, true>(rows, n, chunks, row_state, x, dy, dx); \
        } else {                                                                             \
            lse0_plus_bwd_split_body<TYPENAME, false>(                                       \
                rows, n, chunks, row_state, x, dy, dx);                                      \
        }                                                                                    \
    }

RECT_LSE(float, f32)
RECT_LSE(double, f64)
RECT_LSE(__half, f16)
RECT_LSE(__nv_bfloat16, bf16)
