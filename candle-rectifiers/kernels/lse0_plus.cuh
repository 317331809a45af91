// LSE0+ row statistics: what one thread accumulates over its elements of a row, how two
// threads' statistics merge, and the final value and gradient. No CUDA intrinsics here, so
// tests/kernel_reductions.rs compiles this file for the CPU and checks, in ULP against
// rectifiers-core, the exact arithmetic and merge order that the kernels in rectifiers.cu run
// (those add only the shuffles and shared memory that carry the states between threads).
//
// As rectifiers-core/src/lse0_plus.rs: m = max(0, max_i x_i), `at` the first index reaching m if
// m > 0, and r = e^(-m) + sum over i != at of e^(x_i - m), so that lse0+ = m + log1p(r) and
// 1 + sum_j e^(x_j) = e^m (1 + r). r is a compensated sum, in float for f32/f16/bf16 and double
// for f64. Two ways to get there:
// - rows cached in registers (up to LSE_CACHE elements per thread): the max first (LseMax),
//   then the sum of e^(x_i - m) with the row's m (CompSum), so every term is the core's;
// - rows too long for that: one pass with a running maximum (LsePart, "online" log-sum-exp),
//   each state rescaled when its maximum grows, merged across threads and blocks.
#pragma once

#include "math.cuh"

// "No index" for `at`.
#define RECT_NO_INDEX (~(size_t)0)

// Elements of a row that one thread keeps in registers: 16 (4 float4 loads for f32, 8 double2
// for f64, 2 loads of 8 halves for f16/bf16).
#define LSE_CACHE 16

// Threads per row at most on the cached path (one block per row): rows up to
// LSE_CACHE * LSE_MAX_TPR = 8192 elements are read once. 512 threads keep the 16 cached
// values and the state within 128 registers, the most that lets a 512-thread block run.
#define LSE_MAX_TPR 512

// Threads per block of the split (long-row) kernels, and elements per block: each block
// streams one chunk of a row.
#define LSE_SPLIT_THREADS 256
#define LSE_CHUNK 8192

// The 16-byte vector of T that the kernels load where rows are aligned.
template<typename T>
struct LseVec {
    static constexpr int N = 16 / sizeof(T);
};

// Index within the row of cache slot `s` of the thread `lane` of `tpr`: vector k = s / N of
// the thread is the row's vector k * tpr + lane, so that each load instruction of a group
// reads consecutive vectors (coalesced). Slots come in increasing index order.
template<typename T, bool VEC>
__device__ __forceinline__ size_t lse_slot_index(int s, unsigned lane, unsigned tpr) {
    if (VEC) {
        constexpr int N = LseVec<T>::N;
        return ((size_t)(s / N) * tpr + lane) * N + (size_t)(s % N);
    }
    return (size_t)s * tpr + lane;
}

// ---------------------------------------------------------------- cached rows: max, then sum

template<typename A>
struct LseMax {
    A m;          // max(0, max x_i) over the elements seen
    size_t at;    // first index reaching m if m > 0, else RECT_NO_INDEX
    size_t ninf;  // +inf count (used when m = +inf)
    int nan;      // a NaN was seen
};

template<typename A>
__device__ __forceinline__ LseMax<A> lse_max_init() {
    LseMax<A> s;
    s.m = A(0);
    s.at = RECT_NO_INDEX;
    s.ninf = 0;
    s.nan = 0;
    return s;
}

// Elements must come in increasing index order (so `at` is the first).
template<typename A>
__device__ __forceinline__ void lse_max_add(LseMax<A> &s, A v, size_t i) {
    if (v > s.m) {
        s.m = v;
        s.at = i;
    }
    s.nan |= isnan_(v) ? 1 : 0;
    s.ninf += v == A(INFINITY) ? 1 : 0;
}

// Exact and symmetric (the larger max, the smaller index on ties): any merge order gives the
// same state.
template<typename A>
__device__ __forceinline__ void lse_merge(LseMax<A> &a, const LseMax<A> &b) {
    if (b.m > a.m || (b.m == a.m && b.at < a.at)) {
        a.m = b.m;
        a.at = b.at;
    }
    a.nan |= b.nan;
    a.ninf += b.ninf;
}

// Neumaier addition without the non-finite guard of comp_add: for the LSE terms, which lie in
// [0, 1] (the row maximum is finite and the row holds no NaN when they are summed).
template<typename A>
__device__ __forceinline__ void comp_add_finite(CompSum<A> &a, A v) {
    const A t = a.s + v;
    a.c += abs_(a.s) >= abs_(v) ? (a.s - t) + v : (v - t) + a.s;
    a.s = t;
}

template<typename A>
__device__ __forceinline__ void lse_merge(CompSum<A> &a, const CompSum<A> &b) {
    comp_add_finite(a, b.s);
    comp_add_finite(a, b.c);
}

// The forward from the row's max state and its sum over i != at of e^(x_i - m) (only summed
// when the row has no NaN and a finite max). The zero logit's e^(-m) is added last.
template<typename A>
__device__ __forceinline__ A lse_value(const LseMax<A> &s, CompSum<A> r) {
    if (s.nan) return A(NAN);
    if (s.m == A(INFINITY)) return s.m;
    if (s.at != RECT_NO_INDEX) comp_add_finite(r, exp_(-s.m));
    return s.m + log1p_(comp_value(r));
}

// e^(x_i - m) with the rounding of x_i - m carried (the core's gradient numerator), and 0 for
// x_i = -inf: there two_sum's correction is NaN (-inf - -inf), which would make the whole row's
// gradient NaN through the sum. (rectifiers-core 0.x does get NaN for such rows.)
template<typename A>
__device__ __forceinline__ A lse_grad_term(A v, A m) {
    if (v == A(-INFINITY)) return A(0);
    const Dd<A> d = two_sum(v, -m);
    return exp_(d.hi) * (A(1) + d.lo);
}

// 1 + r, the gradient's denominator, from the sum over i != at of the gradient terms.
template<typename A>
__device__ __forceinline__ A lse_denominator(const LseMax<A> &s, CompSum<A> r) {
    if (s.at != RECT_NO_INDEX) comp_add_finite(r, exp_(-s.m));
    return A(1) + comp_value(r);
}

// The gradient at one element. `v` is the element's term (lse_grad_term) when the row is
// finite (no NaN, a finite max), else the element itself: the kernels overwrite the cached x
// with the terms, and a row with +inf needs x (each +inf gets 1 / count).
template<typename A>
__device__ __forceinline__ A lse_grad(const LseMax<A> &s, A v, A denom) {
    if (s.nan) return A(NAN);
    if (s.m == A(INFINITY)) return v == s.m ? A(1) / A(s.ninf) : A(0);
    return v / denom;
}

// ---------------------------------------------------------------- long rows: one pass

// A partial state over some elements of a row, the zero logit not included: m and `at` as in
// LseMax (m = 0 and no `at` if every element is <= 0), r = sum over i != at of e^(x_i - m).
// Stored in global memory between the split kernels (the host sizes that buffer as
// LSE_PART_BYTES per state).
template<typename A>
struct LsePart {
    A m;
    size_t at;
    CompSum<A> r;
    size_t ninf;
    int nan;
};
#define LSE_PART_BYTES 48
static_assert(sizeof(LsePart<double>) <= LSE_PART_BYTES, "LsePart grew: update LSE_PART_BYTES");
static_assert(sizeof(LsePart<float>) <= LSE_PART_BYTES, "LsePart grew: update LSE_PART_BYTES");

template<typename A>
__device__ __forceinline__ LsePart<A> lse_part_init() {
    LsePart<A> p;
    p.m = A(0);
    p.at = RECT_NO_INDEX;
    p.r.s = A(0);
    p.r.c = A(0);
    p.ninf = 0;
    p.nan = 0;
    return p;
}

// r <- (r + [at exists]) e^(m_old - m_new): the old maximum's own term (1) joins the sum and
// everything is rescaled to the new maximum (both compensation words, so the error is one
// rounding of each).
template<typename A>
__device__ __forceinline__ void lse_part_rescale(LsePart<A> &p, A m_new) {
    if (p.at != RECT_NO_INDEX) comp_add_finite(p.r, A(1));
    const A k = exp_(p.m - m_new);
    p.r.s *= k;
    p.r.c *= k;
}

// Elements must come in increasing index order.
template<typename A>
__device__ __forceinline__ void lse_part_add(LsePart<A> &p, A v, size_t i) {
    if (isnan_(v)) {
        p.nan = 1;
    } else if (v == A(INFINITY)) {
        if (p.ninf++ == 0) {
            p.m = v;
            p.at = i;
        }
    } else if (p.m == A(INFINITY)) {
        // Finite values no longer matter.
    } else if (v > p.m) {
        lse_part_rescale(p, v);
        p.m = v;
        p.at = i;
    } else {
        comp_add_finite(p.r, exp_(v - p.m));
    }
}

// Merges b into a. The result does not depend on which holds the lower indices; the rounding
// does depend on the order, which the kernels fix (see rectifiers.cu).
template<typename A>
__device__ __forceinline__ void lse_merge(LsePart<A> &a, LsePart<A> b) {
    a.nan |= b.nan;
    a.ninf += b.ninf;
    if (a.m == A(INFINITY) || b.m == A(INFINITY)) {
        if (b.m == A(INFINITY) && (a.m != A(INFINITY) || b.at < a.at)) {
            a.m = b.m;
            a.at = b.at;
        }
        return;
    }
    // w: the state holding the maximum (the smaller index on ties); l the other, rescaled.
    const bool b_wins = b.m > a.m || (b.m == a.m && b.at < a.at);
    LsePart<A> l = b_wins ? a : b;
    if (b_wins) {
        a.m = b.m;
        a.at = b.at;
        a.r = b.r;
    }
    lse_part_rescale(l, a.m);
    lse_merge(a.r, l.r);
}

// The row's final state as a (LseMax, sum) pair, for lse_value / lse_denominator / lse_grad.
template<typename A>
__device__ __forceinline__ LseMax<A> lse_part_max(const LsePart<A> &p) {
    LseMax<A> s;
    s.m = p.m;
    s.at = p.at;
    s.ninf = p.ninf;
    s.nan = p.nan;
    return s;
}
