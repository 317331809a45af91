// CUDA kernels of candle-rectifiers, compiled to PTX by build.rs and loaded by src/cuda.rs.
//
// Kernel names (dtype suffix: f32, f64, f16, bf16; candle's `DType::as_str`):
//   u<op>_<dtype>       forward of an elementwise op, candle's unary.cu convention plus `param`:
//                       (numel, num_dims, info, param, inp, out)
//   <op>_bwd_<dtype>    its backward from the saved input: dx = dy * f'(x)
//                       (numel, num_dims, info_x, info_dy, param, x, dy, dx)
//   uprelu_<dtype>      (numel, channels, inner, x, alpha, y)
//   prelu_bwd_<dtype>   (numel, channels, inner, x, alpha, dy, dx, dalpha_acc, use_shared)
//   prelu_dalpha_<dtype> (channels, dalpha_acc, dalpha)
//   lse0_plus_fwd_<dtype> (rows, n, x, y)
//   lse0_plus_bwd_<dtype> (rows, n, x, dy, dx)
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

#define RECT_OP(OP)                                                                          \
    struct OP##_op {                                                                         \
        template<typename C>                                                                 \
        static __device__ __forceinline__ C fwd(C x, const Param<C> &p) {                    \
            return OP##_fwd(x, p);                                                           \
        }                                                                                    \
        template<typename C>                                                                 \
        static __device__ __forceinline__ C grad(C x, const Param<C> &p) {                   \
            return OP##_grad(x, p);                                                          \
        }                                                                                    \
    };

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
    RECT_UNARY(OP, __nv_bfloat16, bf16)

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

// ------------------------------------------------------------------ PReLU
// x contiguous as [outer, C, inner]; the channel of element i is (i / inner) % C. With one
// alpha, channels = 1 (inner is then irrelevant). inner >= 1.

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
        const T a = alpha[(i / inner) % channels];
        // `x > 0` is false for NaN: NaN * alpha is NaN.
        y[i] = Io<T>::load(xv) > 0.0f ? xv : mul_rounded(xv, a);
    }
}

// dx = dy * (x > 0 ? 1 : alpha[c]) (NaN for NaN x); dalpha_acc[c] += sum of x dy over the
// elements of channel c where !(x > 0), in double (x dy is exact in double for f32/f16/bf16).
// Each thread sums a run of same-channel elements in registers (compensated, as the core's
// Neumaier sum) and flushes it when the channel changes. Flushes go to a per-block shared
// array (use_shared != 0: dynamic shared memory of `channels` doubles) or straight to global
// memory; the shared partials are then added to dalpha_acc with one atomicAdd per channel and
// block. The order of the atomic additions is not deterministic, and they are not compensated:
// dalpha may differ between runs, and from the core, in the last bits.
extern __shared__ double rect_prelu_shared_acc[];

template<typename T>
__device__ __forceinline__ void prelu_bwd_body(
    const size_t numel,
    const size_t channels,
    const size_t inner,
    const T *x,
    const T *alpha,
    const T *dy,
    T *dx,
    double *dalpha_acc,
    const int use_shared
) {
    double *acc = use_shared ? rect_prelu_shared_acc : dalpha_acc;
    if (use_shared) {
        for (size_t c = threadIdx.x; c < channels; c += blockDim.x) {
            rect_prelu_shared_acc[c] = 0.0;
        }
        __syncthreads();
    }
    const size_t none = ~(size_t)0;
    size_t cur = none;
    CompSum<double> run = {0.0, 0.0};
    for (size_t i = thread_index(); i < numel; i += grid_stride()) {
        const T xt = x[i];
        const T dyt = dy[i];
        const size_t c = (i / inner) % channels;
        const auto xv = Io<T>::load(xt);
        const T d = xv > 0 ? Io<T>::store(1.0f) : (xv <= 0 ? alpha[c] : xt);
        dx[i] = mul_rounded(dyt, d);
        // Negated so that a NaN input propagates into dalpha.
        if (!(xv > 0)) {
            if (c != cur) {
                if (cur != none) atomicAdd(&acc[cur], comp_value(run));
                cur = c;
                run = {0.0, 0.0};
            }
            comp_add(run, (double)xv * (double)Io<T>::load(dyt));
        }
    }
    if (cur != none) atomicAdd(&acc[cur], comp_value(run));
    if (use_shared) {
        __syncthreads();
        for (size_t c = threadIdx.x; c < channels; c += blockDim.x) {
            const double v = rect_prelu_shared_acc[c];
            if (v != 0.0 || isnan(v)) atomicAdd(&dalpha_acc[c], v);
        }
    }
}

template<typename T>
__device__ __forceinline__ void prelu_dalpha_body(
    const size_t channels,
    const double *dalpha_acc,
    T *dalpha
) {
    for (size_t c = thread_index(); c < channels; c += grid_stride()) {
        dalpha[c] = Io<T>::from_double(dalpha_acc[c]);
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
    extern "C" __global__ void prelu_bwd_##DTYPE(                                            \
        const size_t numel,                                                                  \
        const size_t channels,                                                               \
        const size_t inner,                                                                  \
        const TYPENAME *x,                                                                   \
        const TYPENAME *alpha,                                                               \
        const TYPENAME *dy,                                                                  \
        TYPENAME *dx,                                                                        \
        double *dalpha_acc,                                                                  \
        const int use_shared                                                                 \
    ) {                                                                                      \
        prelu_bwd_body<TYPENAME>(                                                            \
            numel, channels, inner, x, alpha, dy, dx, dalpha_acc, use_shared);               \
    }                                                                                        \
    extern "C" __global__ void prelu_dalpha_##DTYPE(                                         \
        const size_t channels,                                                               \
        const double *dalpha_acc,                                                            \
        TYPENAME *dalpha                                                                     \
    ) {                                                                                      \
        prelu_dalpha_body<TYPENAME>(channels, dalpha_acc, dalpha);                           \
    }

RECT_PRELU(float, f32)
RECT_PRELU(double, f64)
RECT_PRELU(__half, f16)
RECT_PRELU(__nv_bfloat16, bf16)

// ------------------------------------------------------------------ LSE0+
// ln(1 + sum_i e^(x_i)) over the rows of a contiguous [rows, n]; one block per row (grid-stride
// over rows), blockDim.x a multiple of 32, at most 1024. As rectifiers-core/src/lse0_plus.rs:
// m = max(0, max_i x_i), `at` the first index reaching m if m > 0, and
// r = e^(-m) + sum over i != at of e^(x_i - m), so that lse0+ = m + log1p(r) and
// 1 + sum_j e^(x_j) = e^m (1 + r). r is a compensated sum, in float for f32/f16/bf16 and
// double for f64; the summation order differs from the core's, so results may differ in the
// last bit.

template<typename A>
struct RowStats {
    A m;           // max(0, max_i x_i)
    A r;           // see above
    size_t ninf;   // number of +inf entries (used when m = inf)
    bool nan;      // the row holds a NaN
};

template<typename A>
__device__ __forceinline__ void argmax_combine(A &m, size_t &at, A om, size_t oat) {
    if (om > m || (om == m && oat < at)) {
        m = om;
        at = oat;
    }
}

template<typename T>
__device__ RowStats<typename Io<T>::C> lse0_plus_row_stats(const T *row, const size_t n) {
    typedef typename Io<T>::C A;
    __shared__ A s_m[32];
    __shared__ size_t s_at[32];
    __shared__ size_t s_ninf[32];
    __shared__ int s_nan[32];
    __shared__ A s_sum[32];
    __shared__ A s_comp[32];
    const size_t none = ~(size_t)0;
    const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    const unsigned warps = blockDim.x / 32;

    A m = A(0);
    size_t at = none, ninf = 0;
    int nan = 0;
    for (size_t i = threadIdx.x; i < n; i += blockDim.x) {
        const A v = Io<T>::load(row[i]);
        if (v > m) {
            m = v;
            at = i;
        }
        nan |= isnan_(v);
        ninf += v == A(INFINITY);
    }
    for (int o = 16; o > 0; o >>= 1) {
        const A om = __shfl_xor_sync(0xffffffffu, m, o);
        const size_t oat = __shfl_xor_sync(0xffffffffu, at, o);
        argmax_combine(m, at, om, oat);
        nan |= __shfl_xor_sync(0xffffffffu, nan, o);
        ninf += __shfl_xor_sync(0xffffffffu, ninf, o);
    }
    if (lane == 0) {
        s_m[warp] = m;
        s_at[warp] = at;
        s_nan[warp] = nan;
        s_ninf[warp] = ninf;
    }
    __syncthreads();
    m = s_m[0];
    at = s_at[0];
    nan = s_nan[0];
    ninf = s_ninf[0];
    for (unsigned w = 1; w < warps; w++) {
        argmax_combine(m, at, s_m[w], s_at[w]);
        nan |= s_nan[w];
        ninf += s_ninf[w];
    }
    __syncthreads();

    CompSum<A> part = {A(0), A(0)};
    if (!nan && m != A(INFINITY)) {
        if (threadIdx.x == 0 && at != none) comp_add(part, exp_(-m));
        for (size_t i = threadIdx.x; i < n; i += blockDim.x) {
            if (i != at) comp_add(part, exp_(Io<T>::load(row[i]) - m));
        }
    }
    // Called by every thread (the branch above is block-uniform): it synchronises.
    const A r = block_comp_sum(part, s_sum, s_comp);

    RowStats<A> s;
    s.m = m;
    s.r = r;
    s.ninf = ninf;
    s.nan = nan != 0;
    return s;
}

template<typename T>
__device__ __forceinline__ void lse0_plus_fwd_body(
    const size_t rows,
    const size_t n,
    const T *x,
    T *y
) {
    typedef typename Io<T>::C A;
    for (size_t row = blockIdx.x; row < rows; row += gridDim.x) {
        const RowStats<A> s = lse0_plus_row_stats(x + row * n, n);
        if (threadIdx.x == 0) {
            A v;
            if (s.nan) {
                v = A(NAN);
            } else if (s.m == A(INFINITY)) {
                v = s.m;
            } else {
                v = s.m + log1p_(s.r);
            }
            y[row] = Io<T>::store(v);
        }
    }
}

// dx[r, i] = dy[r] e^(x_i - m) / (1 + r), recomputed from x (the rounded output would cost
// |y| ULP), the rounding of x_i - m carried; with +inf entries each gets dy / count.
template<typename T>
__device__ __forceinline__ void lse0_plus_bwd_body(
    const size_t rows,
    const size_t n,
    const T *x,
    const T *dy,
    T *dx
) {
    typedef typename Io<T>::C A;
    for (size_t row = blockIdx.x; row < rows; row += gridDim.x) {
        const T *xr = x + row * n;
        T *dxr = dx + row * n;
        const RowStats<A> s = lse0_plus_row_stats(xr, n);
        const A g_row = Io<T>::load(dy[row]);
        const A denom = A(1) + s.r;
        for (size_t i = threadIdx.x; i < n; i += blockDim.x) {
            const A v = Io<T>::load(xr[i]);
            A g;
            if (s.nan) {
                g = A(NAN);
            } else if (s.m == A(INFINITY)) {
                g = v == s.m ? A(1) / A(s.ninf) : A(0);
            } else {
                const Dd<A> d = two_sum(v, -s.m);
                g = exp_(d.hi) * (A(1) + d.lo) / denom;
            }
            dxr[i] = Io<T>::store(g_row * g);
        }
    }
}

#define RECT_LSE(TYPENAME, DTYPE)                                                            \
    extern "C" __global__ void lse0_plus_fwd_##DTYPE(                                        \
        const size_t rows,                                                                   \
        const size_t n,                                                                      \
        const TYPENAME *x,                                                                   \
        TYPENAME *y                                                                          \
    ) {                                                                                      \
        lse0_plus_fwd_body<TYPENAME>(rows, n, x, y);                                         \
    }                                                                                        \
    extern "C" __global__ void lse0_plus_bwd_##DTYPE(                                        \
        const size_t rows,                                                                   \
        const size_t n,                                                                      \
        const TYPENAME *x,                                                                   \
        const TYPENAME *dy,                                                                  \
        TYPENAME *dx                                                                         \
    ) {                                                                                      \
        lse0_plus_bwd_body<TYPENAME>(rows, n, x, dy, dx);                                    \
    }

RECT_LSE(float, f32)
RECT_LSE(double, f64)
RECT_LSE(__half, f16)
RECT_LSE(__nv_bfloat16, bf16)
