// The elementwise rectifiers: `<op>_fwd(x, p)` is f(x), `<op>_grad(x, p)` is f'(x), for the
// compute types float (f32, f16, bf16) and double (f64).
//
// rectifiers-core/src/<op>.rs is the single source of truth: the double versions follow the
// core's f64 paths line by line (the double-double corrections, and the far-left tails scaled
// by 2^600 with exp_up). The float versions keep the same stable structure in float arithmetic:
// every correction that carries the rounding of an exp/erfc argument (k x, x / sqrt 2,
// x / ln 2, v(x)) is kept, with fmaf for the exact products; thresholds move to where float
// under/overflows; the far-left tails, which the core's f32 path (evaluated in double) gets for
// free, are scaled by e^32 so they are rounded once (RECT_E_M32_F); and the derivatives that
// cross zero use a polynomial about the zero (see "float derivative zeros"). NaN in, NaN out;
// the derivative takes the left value at a kink.
//
// tests/kernel_formulas.rs compiles these formulas for the CPU and compares them with the core.
#pragma once

#include "math.cuh"

template<typename T> struct IsF64 { static constexpr bool value = false; };
template<> struct IsF64<double> { static constexpr bool value = true; };

// Constants as (hi, lo) pairs: the double pairs are the core's (mpmath, 200 bits); the float
// pairs are the nearest float and the float nearest to the remainder (mpmath, 300 bits).
template<typename T> struct K;
template<> struct K<double> {
    static constexpr double FRAC_1_SQRT_2_HI = 0x1.6a09e667f3bcdp-1;
    static constexpr double FRAC_1_SQRT_2_LO = -0x1.bdd3413b26456p-55;
    static constexpr double C1_HI = 0x1.9884533d43651p+0; // 2 sqrt(2/pi)
    static constexpr double C1_LO = -0x1.cbc0d30ebfd15p-54;
    static constexpr double C2_HI = 0x1.2444f2a4d8b4bp-4; // 2 * 0.044715 * sqrt(2/pi)
    static constexpr double C2_LO = -0x1.6c843a29d1c70p-61;
    static constexpr double LOG2_E_HI = 0x1.71547652b82fep+0;
    static constexpr double LOG2_E_LO = 0x1.777d0ffda0d24p-56;
};
template<> struct K<float> {
    static constexpr float FRAC_1_SQRT_2_HI = 0x1.6a09e6p-1f;
    static constexpr float FRAC_1_SQRT_2_LO = 0x1.9fcef4p-27f;
    static constexpr float C1_HI = 0x1.988454p+0f;
    static constexpr float C1_LO = -0x1.857936p-25f;
    static constexpr float C2_HI = 0x1.2444f2p-4f;
    static constexpr float C2_LO = 0x1.49b16ap-29f;
    static constexpr float LOG2_E_HI = 0x1.715476p+0f;
    static constexpr float LOG2_E_LO = 0x1.4ae0c0p-26f;
};

#define RECT_FRAC_2_SQRT_PI 1.1283791670955126
#define RECT_FRAC_1_SQRT_2PI 0.3989422804014327
#define RECT_GELU_TANH_C3 0.21406444881780073 /* 3 * C2, for v'(x) = C1 + C3 x^2 */
#define RECT_LN_2 0.6931471805599453
#define RECT_SPA_C12 0.12022458674074694 /* 1 / (12 ln 2) */
#define RECT_SPA_C6 0.2404491734814939   /* 1 / (6 ln 2) */
#define RECT_SPA_SERIES 1e-6
#define RECT_LN_SQRT_2PI_HI 0x1.d67f1c864beb5p-1 /* ln sqrt(2 pi), mpmath */
#define RECT_LN_SQRT_2PI_LO -3.8782941580672414e-17

// ---------------------------------------------------------------- float derivative zeros
// gelu', gelu_tanh', silu' and mish' each cross zero at a negative x0, where their formulas
// subtract two nearly equal terms: in float that leaves an absolute error of ~1e-8, i.e.
// thousands of ULP next to x0 (the core's f32 path avoids it by evaluating in double). Within
// |x - x0| <= 0.5 the float kernels instead use f'(x0 + h) = h (c0 + h P(h)), with h = x - x0
// (x0 as a float pair), Taylor coefficients about the exact zero (mpmath, 400 bits; degree
// chosen for truncation < 2^-27 on the window), rounded to float; c0 carries its rounding
// error. Outside the window the cancellation costs a few ULP at most.

// gelu': zero at x0 = -0.75179152469356445746; f'(x0 + h) = h (c0 + h P(h)), |h| <= 0.5.
__constant__ float GELU_ZERO_POLY[12] = {
    0x1.8d9a94p-2f, -0x1.2a2efap-6f, -0x1.d2fa4cp-4f, -0x1.e40882p-7f, 0x1.3e346ep-6f,
    0x1.297b9ep-8f, -0x1.258a6ep-9f, -0x1.8680f8p-11f, 0x1.86c864p-13f, 0x1.69610ap-14f,
    -0x1.784acap-17f, -0x1.03fec6p-17f,
};
#define GELU_ZERO_X0_HI -0x1.80ead2p-1f
#define GELU_ZERO_X0 -0x1.80ead2p-1f, 0x1.a03fd4p-27f, 0x1.b9d99p-2f, -0x1.69737ap-28f
// gelu_tanh': zero at x0 = -0.75246142207101625849; f'(x0 + h) = h (c0 + h P(h)), |h| <= 0.5.
__constant__ float GELU_TANH_ZERO_POLY[12] = {
    0x1.8cd1a2p-2f, -0x1.029616p-6f, -0x1.d2b774p-4f, -0x1.104a84p-6f, 0x1.427996p-6f,
    0x1.58c9eep-8f, -0x1.3d8d64p-9f, -0x1.e63f2ap-11f, 0x1.14bf8ap-12f, 0x1.04937p-13f,
    -0x1.253bcep-15f, -0x1.0b9c94p-16f,
};
#define GELU_TANH_ZERO_X0_HI -0x1.8142ap-1f
#define GELU_TANH_ZERO_X0 -0x1.8142ap-1f, 0x1.85a06cp-27f, 0x1.b8bacep-2f, -0x1.a6d28ep-27f
// silu': zero at x0 = -1.2784645427610737951; f'(x0 + h) = h (c0 + h P(h)), |h| <= 0.5.
__constant__ float SILU_ZERO_POLY[10] = {
    0x1.2c5634p-3f, 0x1.353eb6p-6f, -0x1.f2d0e4p-7f, -0x1.b0f82cp-8f, 0x1.098e92p-13f,
    0x1.a2a7cap-11f, 0x1.8574d2p-13f, -0x1.57238ep-15f, -0x1.f2d898p-16f, -0x1.8af41p-19f,
};
#define SILU_ZERO_X0_HI -0x1.474974p+0f
#define SILU_ZERO_X0 -0x1.474974p+0f, 0x1.bdf6fap-27f, 0x1.be141p-3f, 0x1.1814ap-29f
// mish': zero at x0 = -1.1924312145154952121; f'(x0 + h) = h (c0 + h P(h)), |h| <= 0.5.
__constant__ float MISH_ZERO_POLY[11] = {
    0x1.a34a26p-3f, 0x1.574f12p-5f, -0x1.4c223p-6f, -0x1.03369ep-6f, -0x1.b87dep-9f,
    0x1.1e5e18p-10f, 0x1.037992p-10f, 0x1.0a7954p-12f, -0x1.5fffap-15f, -0x1.d453aep-15f,
    -0x1.223bcep-16f,
};
#define MISH_ZERO_X0_HI -0x1.31432cp+0f
#define MISH_ZERO_X0 -0x1.31432cp+0f, -0x1.a25b08p-29f, 0x1.115accp-2f, -0x1.7b5fe8p-27f

__device__ __forceinline__ bool near_zero(float x, float x0_hi) {
    return fabsf(x - x0_hi) <= 0.5f;
}

template<int N>
__device__ __forceinline__ float near_zero_grad(
    float x, float x0_hi, float x0_lo, float c0_hi, float c0_lo, const float (&c)[N]
) {
    const float h = (x - x0_hi) - x0_lo;
    float p = c[N - 1];
#pragma unroll
    for (int k = N - 2; k >= 0; k--) {
        p = fmaf(p, h, c[k]);
    }
    return h * (fmaf(p, h, c0_hi) + c0_lo);
}

#define RECT_NEAR_ZERO_GRAD(NAME, x)                                                         \
    if constexpr (!IsF64<T>::value) {                                                        \
        if (near_zero(x, NAME##_ZERO_X0_HI)) {                                               \
            return near_zero_grad(x, NAME##_ZERO_X0, NAME##_ZERO_POLY);                      \
        }                                                                                    \
    }

// ---------------------------------------------------------------- relu (relu.rs)

template<typename T>
__device__ __forceinline__ T relu_fwd(T x, const Param<T> &) {
    // `x <= 0` is false for NaN, so NaN passes through; -0 becomes +0.
    return x <= T(0) ? T(0) : x;
}

template<typename T>
__device__ __forceinline__ T relu_grad(T x, const Param<T> &) {
    return x > T(0) ? T(1) : (x <= T(0) ? T(0) : x);
}

// ---------------------------------------------------------------- leaky_relu (leaky_relu.rs)
// param = negative slope.

template<typename T>
__device__ __forceinline__ T leaky_relu_fwd(T x, const Param<T> &p) {
    return x > T(0) ? x : scale_by_param(x, p);
}

template<typename T>
__device__ __forceinline__ T leaky_relu_grad(T x, const Param<T> &p) {
    return x > T(0) ? T(1) : (x <= T(0) ? (T)p.d : x);
}

// ---------------------------------------------------------------- gelu (gelu.rs)

// erfc(-x / sqrt 2) for x < 0, the product's rounding error carried to first order.
template<typename T>
__device__ __forceinline__ T gelu_erfc_neg(T x) {
    const Dd<T> t = mul_const(-x, K<T>::FRAC_1_SQRT_2_HI, K<T>::FRAC_1_SQRT_2_LO);
    const T e = erfc_(t.hi);
    // erfc(t + t_lo) = erfc(t) - 2/sqrt(pi) e^(-t^2) t_lo + O(t_lo^2)
    return e - T(RECT_FRAC_2_SQRT_PI) * exp_(-t.hi * t.hi) * t.lo;
}

// e^(-x^2 / 2) with x^2 split exactly.
template<typename T>
__device__ __forceinline__ T gelu_gauss(T x) {
    const Dd<T> s = two_prod(x, x);
    return exp_(T(-0.5) * s.hi) * (T(1) - T(0.5) * s.lo);
}

// Double, x in [-40, -30): phi(x) 2^600 from one exp of a double-double argument, and the
// asymptotic series S(x) = sum_n (-1)^n (2n-1)!! / x^(2n) of |x| Phi(x) / phi(x).
__device__ __forceinline__ double gelu_phi_up(double x) {
    const Dd<double> s = two_prod(x, x);
    const Dd<double> a = two_sum(-0.5 * s.hi, -RECT_LN_SQRT_2PI_HI);
    return exp_up(a.hi, a.lo - 0.5 * s.lo - RECT_LN_SQRT_2PI_LO);
}

__device__ __forceinline__ double gelu_tail_series(double x) {
    const double z = 1.0 / (x * x);
    const double c[8] = {2027025.0, -135135.0, 10395.0, -945.0, 105.0, -15.0, 3.0, -1.0};
    double s = 0.0;
#pragma unroll
    for (int i = 0; i < 8; i++) {
        s = (s + c[i]) * z;
    }
    return 1.0 + s;
}

// Float, x in [-40, -13) (t = -x/sqrt 2 > 9.19): erfc(t) is subnormal in float. There
// erfc(t) = erfcx(t) e^(-x^2/2), with erfcx well conditioned (so t's rounding is harmless) and
// x^2/2 split exactly; e^(-x^2/2) is taken at 32 - x^2/2 (exact) and scaled back last.
__device__ __forceinline__ float gelu_scaled_gauss_f(float x) {
    const Dd<float> s = two_prod(x, x);
    return expf(32.0f - 0.5f * s.hi) * (1.0f - 0.5f * s.lo);
}

__device__ __forceinline__ double gelu_fwd(double x, const Param<double> &) {
    if (x >= 0.0) {
        // erfc(-t) is in [1, 2]: the argument's rounding costs nothing here.
        return x > 40.0 ? x : 0.5 * x * erfc(-x * K<double>::FRAC_1_SQRT_2_HI);
    }
    if (x >= -30.0) return 0.5 * x * gelu_erfc_neg(x);
    // x Phi(x) = -phi(x) S(x): erfc would be subnormal before f is.
    if (x >= -40.0) return -(gelu_phi_up(x) * gelu_tail_series(x)) * RECT_TWO_M600;
    if (isnan(x)) return x;
    return -0.0;
}

__device__ __forceinline__ float gelu_fwd(float x, const Param<float> &) {
    if (x >= 0.0f) {
        return x > 40.0f ? x : 0.5f * x * erfcf(-x * K<float>::FRAC_1_SQRT_2_HI);
    }
    if (x >= -13.0f) return 0.5f * x * gelu_erfc_neg(x);
    if (x >= -40.0f) {
        const float cx = erfcxf(-x * K<float>::FRAC_1_SQRT_2_HI);
        return (0.5f * x * cx * gelu_scaled_gauss_f(x)) * RECT_E_M32_F;
    }
    if (isnan(x)) return x;
    return -0.0f;
}

__device__ __forceinline__ double gelu_grad(double x, const Param<double> &) {
    if (x >= 0.0) {
        if (x > 40.0) return 1.0;
        return 0.5 * erfc(-x * K<double>::FRAC_1_SQRT_2_HI)
            + x * RECT_FRAC_1_SQRT_2PI * gelu_gauss(x);
    }
    if (x >= -30.0) return 0.5 * gelu_erfc_neg(x) + x * RECT_FRAC_1_SQRT_2PI * gelu_gauss(x);
    // Phi + x phi = phi (x - S / x): no cancellation this far left.
    if (x >= -40.0) return (gelu_phi_up(x) * (x - gelu_tail_series(x) / x)) * RECT_TWO_M600;
    if (isnan(x)) return x;
    return -0.0;
}

__device__ __forceinline__ float gelu_grad(float x, const Param<float> &) {
    if (near_zero(x, GELU_ZERO_X0_HI)) return near_zero_grad(x, GELU_ZERO_X0, GELU_ZERO_POLY);
    if (x >= 0.0f) {
        if (x > 40.0f) return 1.0f;
        return 0.5f * erfcf(-x * K<float>::FRAC_1_SQRT_2_HI)
            + x * float(RECT_FRAC_1_SQRT_2PI) * gelu_gauss(x);
    }
    if (x >= -13.0f) {
        return 0.5f * gelu_erfc_neg(x) + x * float(RECT_FRAC_1_SQRT_2PI) * gelu_gauss(x);
    }
    if (x >= -40.0f) {
        // Phi(x) + x phi(x) = e^(-x^2/2) (erfcx(t)/2 + x/sqrt(2 pi)): no cancellation.
        const float cx = erfcxf(-x * K<float>::FRAC_1_SQRT_2_HI);
        const float w = 0.5f * cx + x * float(RECT_FRAC_1_SQRT_2PI);
        return (w * gelu_scaled_gauss_f(x)) * RECT_E_M32_F;
    }
    if (isnan(x)) return x;
    return -0.0f;
}

// ---------------------------------------------------------------- gelu_tanh (gelu_tanh.rs)
// x sigmoid(v), v = x (C1 + C2 x^2), v in double-double (float-float): sigmoid(v) for very
// negative v turns the argument's rounding into |v| ULP otherwise. Where sigmoid(v) = e^v
// (v < -700 in double, -80 in float) e^v is scaled so results near underflow stay exact.

template<typename T>
__device__ __forceinline__ Dd<T> gelu_tanh_v(T x) {
    const Dd<T> x2 = two_prod(x, x);
    const Dd<T> w = add_dd(mul_dd(Dd<T>{K<T>::C2_HI, K<T>::C2_LO}, x2),
                           Dd<T>{K<T>::C1_HI, K<T>::C1_LO});
    return mul_dd(w, Dd<T>{x, T(0)});
}

// Beyond |x| = 30, sigmoid(v) is 0 or 1 (also in float): f is x or -0, f' is 1 or -0.
template<typename T>
__device__ __forceinline__ T gelu_tanh_tail(T x, T right) {
    if (x > T(0)) return right;
    if (isnan_(x)) return x;
    return T(-0.0);
}

// e^(v + v_lo), scaled up: 2^600 in double (exp_up), e^32 in float (v + 32 is exact for
// |v| < 2^13). Callers multiply by the matching scale_down().
__device__ __forceinline__ double exp_scaled(double v, double v_lo) { return exp_up(v, v_lo); }
__device__ __forceinline__ float exp_scaled(float v, float v_lo) {
    return expf(v + 32.0f) * (1.0f + v_lo);
}
template<typename T> struct Scale;
template<> struct Scale<double> {
    static constexpr double TAIL = -700.0;
    static __device__ __forceinline__ double down(double v) { return v * RECT_TWO_M600; }
};
template<> struct Scale<float> {
    static constexpr float TAIL = -80.0f;
    static __device__ __forceinline__ float down(float v) { return v * RECT_E_M32_F; }
};

template<typename T>
__device__ __forceinline__ T gelu_tanh_fwd(T x, const Param<T> &) {
    if (abs_(x) <= T(30)) {
        const Dd<T> v = gelu_tanh_v(x);
        if (v.hi < Scale<T>::TAIL) {
            // sigmoid(v) = e^v.
            return Scale<T>::down(x * exp_scaled(v.hi, v.lo));
        }
        T s, sm;
        sigmoid_pair(v.hi, s, sm);
        // sigmoid(v + v_lo) = s (1 + (1 - s) v_lo)
        return x * (s * (T(1) + sm * v.lo));
    }
    return gelu_tanh_tail(x, x);
}

template<typename T>
__device__ __forceinline__ T gelu_tanh_grad(T x, const Param<T> &) {
    RECT_NEAR_ZERO_GRAD(GELU_TANH, x)
    if (abs_(x) <= T(30)) {
        const Dd<T> v = gelu_tanh_v(x);
        const T dv = T(RECT_GELU_TANH_C3) * x * x + K<T>::C1_HI;
        if (v.hi < Scale<T>::TAIL) {
            // s = e^v, 1 - s = 1: f' = e^(v + v_lo) (1 + x v').
            return Scale<T>::down(exp_scaled(v.hi, v.lo) * (T(1) + x * dv));
        }
        T s, sm;
        sigmoid_pair(v.hi, s, sm);
        const T s_c = s * (T(1) + sm * v.lo);
        const T sm_c = sm * (T(1) - s * v.lo);
        return s_c * (T(1) + x * sm_c * dv);
    }
    return gelu_tanh_tail(x, T(1));
}

// ---------------------------------------------------------------- silu (silu.rs)
// x / (1 + e^-x) while e^-x is finite; beyond, x e^x with e^x scaled (exp_up in double,
// x + 32 in float) so results near the underflow threshold keep every bit.

__device__ __forceinline__ double silu_fwd(double x, const Param<double> &) {
    if (x > -700.0) return x / (1.0 + exp(-x));
    // 1 + e^x == 1 here.
    if (x >= -1300.0) return (x * exp_up(x, 0.0)) * RECT_TWO_M600;
    if (isnan(x)) return x;
    return -0.0;
}

__device__ __forceinline__ float silu_fwd(float x, const Param<float> &) {
    if (x > -80.0f) return x / (1.0f + expf(-x));
    if (x >= -200.0f) return (x * expf(x + 32.0f)) * RECT_E_M32_F;
    if (isnan(x)) return x;
    return -0.0f;
}

__device__ __forceinline__ double silu_grad(double x, const Param<double> &) {
    if (fabs(x) <= 700.0) {
        double s, sm;
        sigmoid_pair(x, s, sm);
        return s * (1.0 + x * sm);
    }
    if (x > 700.0) return 1.0;
    // s = e^x, 1 - s = 1: f' = e^x (1 + x), scaled as in the forward.
    if (x >= -1300.0) return (exp_up(x, 0.0) * (1.0 + x)) * RECT_TWO_M600;
    if (x < -1300.0) return -0.0; // e^x (1 + x) is a negative number below the smallest subnormal
    return x;
}

__device__ __forceinline__ float silu_grad(float x, const Param<float> &) {
    if (near_zero(x, SILU_ZERO_X0_HI)) return near_zero_grad(x, SILU_ZERO_X0, SILU_ZERO_POLY);
    if (fabsf(x) <= 80.0f) {
        float s, sm;
        sigmoid_pair(x, s, sm);
        return s * (1.0f + x * sm);
    }
    if (x > 80.0f) return 1.0f;
    // 1 + x is exact here.
    if (x >= -200.0f) return ((1.0f + x) * expf(x + 32.0f)) * RECT_E_M32_F;
    if (x < -200.0f) return -0.0f;
    return x;
}

// ---------------------------------------------------------------- softplus (softplus.rs)
// param = sharpness k > 0. f = x + log1p(e^-kx)/k for kx > 0, log1p(e^kx)/k otherwise, with
// the rounding of p = k x (and, in float, of k itself) carried to first order.

__device__ __forceinline__ double softplus_fwd(double x, const Param<double> &prm) {
    const double k = prm.d;
    const Dd<double> p = two_prod(k, x);
    if (p.hi > 0.0) {
        if (p.hi > 745.0) return x; // e^-p underflows; also p = inf, where p_lo is NaN
        const double e = exp(-p.hi);
        // log1p(e^-(p + p_lo)) = log1p(e^-p) - sigmoid(-p) p_lo
        const double l = log1p(e) - e / (1.0 + e) * p.lo;
        return x + l / k;
    } else if (p.hi >= -700.0) {
        const double e = exp(p.hi);
        // log1p(e^(p + p_lo)) = log1p(e^p) + sigmoid(p) p_lo
        const double l = log1p(e) + e / (1.0 + e) * p.lo;
        return l / k;
    } else if (p.hi >= -1300.0) {
        // log1p(e^p) = e^p: scaled so a normal result (small k) keeps every bit.
        return (exp_up(p.hi, p.lo) / k) * RECT_TWO_M600;
    } else if (isnan(p.hi)) {
        return p.hi;
    }
    return 0.0;
}

__device__ __forceinline__ Dd<float> softplus_p(float x, const Param<float> &prm) {
    // k x = (k_hi + k_lo) x = p + p_lo, with p_lo exact for the k_hi part (fmaf).
    const float p = prm.hi * x;
    return {p, fmaf(prm.hi, x, -p) + prm.lo * x};
}

__device__ __forceinline__ float softplus_fwd(float x, const Param<float> &prm) {
    const float k = prm.hi;
    const Dd<float> p = softplus_p(x, prm);
    if (p.hi > 0.0f) {
        if (p.hi > 100.0f) return x; // e^-p underflows; also p = inf
        const float e = expf(-p.hi);
        const float l = log1pf(e) - e / (1.0f + e) * p.lo;
        return x + l / k;
    } else if (p.hi >= -64.0f) {
        const float e = expf(p.hi);
        const float l = log1pf(e) + e / (1.0f + e) * p.lo;
        return l / k;
    } else if (p.hi >= -200.0f) {
        // log1p(e^p) = e^p in float; scaled so that e^p is not rounded to a subnormal before
        // the division by k.
        return ((expf(p.hi + 32.0f) * (1.0f + p.lo)) / k) * RECT_E_M32_F;
    } else if (isnan(p.hi)) {
        return p.hi;
    }
    return 0.0f;
}

__device__ __forceinline__ double softplus_grad(double x, const Param<double> &prm) {
    const Dd<double> p = two_prod(prm.d, x);
    if (fabs(p.hi) <= 700.0) {
        double s, sm;
        sigmoid_pair(p.hi, s, sm);
        // sigmoid(p + p_lo) = s (1 + (1 - s) p_lo)
        return s * (1.0 + sm * p.lo);
    }
    if (p.hi > 700.0) return 1.0;
    if (p.hi >= -1300.0) return exp_up(p.hi, p.lo) * RECT_TWO_M600;
    if (p.hi < -1300.0) return 0.0;
    return p.hi;
}

__device__ __forceinline__ float softplus_grad(float x, const Param<float> &prm) {
    const Dd<float> p = softplus_p(x, prm);
    // sigmoid(p) for p < -87 is a subnormal e^p itself, with nothing to amplify its rounding.
    if (fabsf(p.hi) <= 120.0f) {
        float s, sm;
        sigmoid_pair(p.hi, s, sm);
        return s * (1.0f + sm * p.lo);
    }
    if (p.hi > 120.0f) return 1.0f;
    if (p.hi < -120.0f) return 0.0f;
    return p.hi;
}

// ------------------------------------------------------- softplus_approx (softplus_approx.rs)
// f = x / -expm1(-x / ln 2), with f(0) = ln 2 via a two-term series near 0; far left
// (x < -480 in double, -44 in float) f = -x e^u and f' = e^u (-1 - u), u = x / ln 2, with e^u
// scaled.

__device__ __forceinline__ double softplus_approx_fwd(double x, const Param<double> &) {
    if (fabs(x) < RECT_SPA_SERIES) return (x * RECT_SPA_C12 + 0.5) * x + RECT_LN_2;
    // e^(-x/ln 2) is 0 or overflows in the tails; this covers the infinities too.
    if (x > 1100.0) return x;
    if (x < -600.0) return 0.0;
    if (x < -480.0) {
        // 1 - e^u = 1 for u = x / ln 2 < -692.
        const Dd<double> u = mul_const(x, K<double>::LOG2_E_HI, K<double>::LOG2_E_LO);
        return (-x * exp_up(u.hi, u.lo)) * RECT_TWO_M600;
    }
    const Dd<double> q = mul_const(-x, K<double>::LOG2_E_HI, K<double>::LOG2_E_LO);
    double m = expm1(q.hi);
    // expm1(q + q_lo) = expm1(q) + e^q q_lo (q <= 692 here: no overflow).
    m = m + (1.0 + m) * q.lo;
    return x / -m;
}

__device__ __forceinline__ float softplus_approx_fwd(float x, const Param<float> &) {
    if (fabsf(x) < float(RECT_SPA_SERIES)) {
        return (x * float(RECT_SPA_C12) + 0.5f) * x + float(RECT_LN_2);
    }
    if (x > 1100.0f) return x;
    if (x < -600.0f) return 0.0f;
    const Dd<float> q = mul_const(-x, K<float>::LOG2_E_HI, K<float>::LOG2_E_LO);
    if (q.hi <= 64.0f) {
        float m = expm1f(q.hi);
        m = m + (1.0f + m) * q.lo;
        return x / -m;
    }
    // x < -44: expm1(q) = e^q to float precision, f = -x e^-(q + q_lo); 32 - q is exact.
    return ((-x * expf(32.0f - q.hi)) * (1.0f - q.lo)) * RECT_E_M32_F;
}

__device__ __forceinline__ double softplus_approx_grad(double x, const Param<double> &) {
    if (fabs(x) < RECT_SPA_SERIES) return 0.5 + x * RECT_SPA_C6;
    if (x > 30.0) return 1.0;
    if (x < -600.0) return 0.0;
    const Dd<double> u = mul_const(x, K<double>::LOG2_E_HI, K<double>::LOG2_E_LO);
    if (fabs(u.hi) < 0.5) {
        // The Bernoulli series of d/du u / (1 - e^-u), as in the core.
        const double u2 = u.hi * u.hi;
        double p = 0.0;
        p = (p + 1.545491170130012e-13) * u2;
        p = (p + -5.423488474116132e-12) * u2;
        p = (p + 1.873555114295855e-10) * u2;
        p = (p + -6.3410281664249915e-09) * u2;
        p = (p + 2.08767569878681e-07) * u2;
        p = (p + -6.613756613756614e-06) * u2;
        p = (p + 0.0001984126984126984) * u2;
        p = (p + -0.005555555555555556) * u2;
        return 0.5 + (u.hi * (p + 1.0 / 6.0) + u.lo / 6.0);
    }
    if (u.hi > 2.0) {
        // 1 - ((u - 1) + u/m)/m, m = e^u - 1: the correction is small.
        const double m = expm1(u.hi);
        return 1.0 - ((u.hi - 1.0) + u.hi / m) / m;
    }
    // f' = e^u (-1 - u) to f64 precision here.
    if (x < -480.0) return (exp_up(u.hi, u.lo) * (-1.0 - u.hi)) * RECT_TWO_M600;
    double e = exp(u.hi);
    double m = expm1(u.hi);
    double r = expm1mx(u.hi);
    // First-order corrections for u_lo: d/du e^u = e^u, d/du expm1 = e^u, d/du (e^u-1-u) = m.
    e = e * (1.0 + u.lo);
    r = r + m * u.lo;
    m = m + e * u.lo;
    return (e / m) * (r / m);
}

__device__ __forceinline__ float softplus_approx_grad(float x, const Param<float> &) {
    if (fabsf(x) < float(RECT_SPA_SERIES)) return 0.5f + x * float(RECT_SPA_C6);
    if (x > 30.0f) return 1.0f;
    if (x < -600.0f) return 0.0f;
    const Dd<float> u = mul_const(x, K<float>::LOG2_E_HI, K<float>::LOG2_E_LO);
    if (fabsf(u.hi) < 0.5f) {
        // The Bernoulli series of d/du u / (1 - e^-u) to u^11 (enough for float).
        const float u2 = u.hi * u.hi;
        float p = 0.0f;
        p = (p + -6.3410281664249915e-09f) * u2;
        p = (p + 2.08767569878681e-07f) * u2;
        p = (p + -6.613756613756614e-06f) * u2;
        p = (p + 0.0001984126984126984f) * u2;
        p = (p + -0.005555555555555556f) * u2;
        return 0.5f + (u.hi * (p + 1.0f / 6.0f) + u.lo / 6.0f);
    }
    if (u.hi > 2.0f) {
        const float m = expm1f(u.hi);
        return 1.0f - ((u.hi - 1.0f) + u.hi / m) / m;
    }
    if (u.hi >= -64.0f) {
        float e = expf(u.hi);
        float m = expm1f(u.hi);
        float r = expm1mx(u.hi);
        e = e * (1.0f + u.lo);
        r = r + m * u.lo;
        m = m + e * u.lo;
        return (e / m) * (r / m);
    }
    // e^u < 2^-92: m = -1, r = -1 - u (exact), f' = e^(u + u_lo) (r - u_lo); scaled.
    return (((-1.0f - u.hi) - u.lo) * (expf(u.hi + 32.0f) * (1.0f + u.lo))) * RECT_E_M32_F;
}

// ---------------------------------------------------------------- elu (elu.rs)
// param = alpha >= 0. From the input: from the output, y + alpha cancels for x << 0.

template<typename T>
__device__ __forceinline__ T elu_fwd(T x, const Param<T> &p) {
    return x > T(0) ? x : scale_by_param(expm1_(x), p);
}

__device__ __forceinline__ double elu_grad(double x, const Param<double> &p) {
    return x > 0.0 ? 1.0 : p.d * exp(x);
}

__device__ __forceinline__ float elu_grad(float x, const Param<float> &p) {
    if (x > 0.0f) return 1.0f;
    // Below -80, e^x would be subnormal before the scaling by alpha: take e^(x + 32) and apply
    // alpha e^-32 in double, rounding once.
    if (x < -80.0f) return (float)((double)expf(x + 32.0f) * (p.d * 1.2664165549094176e-14));
    return scale_by_param(expf(x), p);
}

// ---------------------------------------------------------------- srelu (srelu.rs)
// param = a >= 0: max(-a, x). Compared in double (exact for float x), -a rounded once.

template<typename T>
__device__ __forceinline__ T srelu_fwd(T x, const Param<T> &p) {
    return (double)x <= -p.d ? (T)(-p.d) : x;
}

template<typename T>
__device__ __forceinline__ T srelu_grad(T x, const Param<T> &p) {
    const double xd = (double)x;
    return xd > -p.d ? T(1) : (xd <= -p.d ? T(0) : x);
}

// ---------------------------------------------------------------- mish (mish.rs)
// e = e^x, n = e (e + 2): tanh(softplus(x)) = n / (n + 2), sech^2 = 4 (n + 1) / (n + 2)^2.

template<typename T>
__device__ __forceinline__ T mish_fwd_core(T x) {
    const T e = exp_(x);
    const T n = e * (e + T(2));
    return x * (n / (n + T(2)));
}

template<typename T>
__device__ __forceinline__ T mish_grad_core(T x) {
    const T e = exp_(x);
    const T n = e * (e + T(2));
    const T d = n + T(2);
    const T t = n / d;
    const T sig = e / (T(1) + e);
    // x sech^2 sigmoid = x sigma 4 (n + 1) / d^2
    const T rest = (x * sig) * (T(4) * (n + T(1)) / d) / d;
    return t + rest;
}

// x < 0: over one denominator, f' = e (e^3 + 4 e^2 + (6 + 4x) e + 4 (1 + x)) / d^2 with
// d = e^2 + 2e + 2, which leaves only the cancellation at the zero near -1.19 (as the core).
template<typename T>
__device__ __forceinline__ T mish_grad_neg(T x) {
    const T e = exp_(x);
    const T d = (e + T(2)) * e + T(2);
    const T num = ((e + T(4)) * e + (T(6) + T(4) * x)) * e + T(4) * (T(1) + x);
    return (e * num) / (d * d);
}

__device__ __forceinline__ double mish_fwd(double x, const Param<double> &) {
    if (x > 30.0) return x;
    if (x >= -700.0) return mish_fwd_core(x);
    // tanh(sp) = e (1 + O(e)): f = x e^x, with e^x scaled so it stays normal.
    if (x >= -1300.0) return (x * exp_up(x, 0.0)) * RECT_TWO_M600;
    if (isnan(x)) return x;
    return -0.0;
}

__device__ __forceinline__ float mish_fwd(float x, const Param<float> &) {
    if (x > 30.0f) return x;
    if (x >= -80.0f) return mish_fwd_core(x);
    // tanh(softplus(x)) = e^x in float: f = x e^x, scaled (see RECT_E_M32_F).
    if (x >= -200.0f) return (x * expf(x + 32.0f)) * RECT_E_M32_F;
    if (isnan(x)) return x;
    return -0.0f;
}

__device__ __forceinline__ double mish_grad(double x, const Param<double> &) {
    if (x > 30.0) return 1.0;
    if (x >= 0.0) return mish_grad_core(x);
    if (x >= -700.0) return mish_grad_neg(x);
    // f' = e^x (1 + x) (1 + O(e^x)).
    if (x >= -1300.0) return (exp_up(x, 0.0) * (1.0 + x)) * RECT_TWO_M600;
    if (isnan(x)) return x;
    return -0.0; // e^x (1 + x) < 0, below the smallest subnormal
}

__device__ __forceinline__ float mish_grad(float x, const Param<float> &) {
    if (near_zero(x, MISH_ZERO_X0_HI)) return near_zero_grad(x, MISH_ZERO_X0, MISH_ZERO_POLY);
    if (x > 30.0f) return 1.0f;
    if (x >= 0.0f) return mish_grad_core(x);
    if (x >= -80.0f) return mish_grad_neg(x);
    // t = e^x, x sech^2 sigmoid = x e^x in float: f' = e^x (1 + x), scaled.
    if (x >= -200.0f) return ((1.0f + x) * expf(x + 32.0f)) * RECT_E_M32_F;
    if (isnan(x)) return x;
    return -0.0f;
}

// ---------------------------------------------------------------- squareplus (squareplus.rs)
// param = b >= 0. For x < 0, f = b / (2 (s - x)) and f' = b / (2 s (s - x)), s = sqrt(x^2 + b):
// no cancellation; halves are taken before sums where a sum would overflow.

// sqrt(x^2 + b) without overflow of x^2. Double: the core's hypot_f64.
__device__ __forceinline__ double squareplus_hypot(double x, double b) {
    const double ax = fabs(x);
    if (ax < 1e-150 && b == 0.0) return ax; // x^2 would underflow
    if (ax < 1e150) return sqrt(x * x + b);
    return ax * sqrt(1.0 + b / ax / ax);
}

// Float: x^2 leaves float's normal range below |x| = 1e-18 and overflows above 1e18 (the
// core's f32 path squares in double instead).
__device__ __forceinline__ float squareplus_hypot(float x, float b) {
    const float ax = fabsf(x);
    if (ax < 1e-18f) {
        // If b >= 2^-80, x^2 < 2^-119 does not matter; else scale x by 2^100 and b by 2^200
        // (exact; even a subnormal x squares to a normal number) and scale back once.
        if (b >= 0x1p-80f) return sqrtf(b);
        const float xs = x * 0x1p100f;
        return fmaxf(sqrtf(xs * xs + (b * 0x1p100f) * 0x1p100f) * 0x1p-100f, ax);
    }
    if (ax < 1e18f) return sqrtf(x * x + b);
    return ax * sqrtf(1.0f + b / ax / ax);
}

// (s - x) / 2: halved after the sum so subnormal x stays exact, before it where the sum would
// overflow (x near -MAX).
template<typename T>
__device__ __forceinline__ T squareplus_half_gap(T x, T s) {
    const T d = s - x;
    return isfinite_(d) ? T(0.5) * d : T(0.5) * s - T(0.5) * x;
}

template<typename T>
__device__ __forceinline__ T squareplus_fwd(T x, const Param<T> &p) {
    const T b = p.hi;
    const T s = squareplus_hypot(x, b);
    if (x >= T(0) || isnan_(x)) {
        // (x + s) / 2 keeps subnormal x exact; halving first avoids overflow near MAX.
        const T sum = x + s;
        return isfinite_(sum) ? T(0.5) * sum : T(0.5) * x + T(0.5) * s;
    }
    return (T(0.25) * b) / squareplus_half_gap(x, s);
}

// f' from x and s = sqrt(x^2 + b) (the core's `slope`).
template<typename T>
__device__ __forceinline__ T squareplus_slope(T x, T s, T b) {
    // x = +inf gives inf/inf; b = 0 and x = 0 give 0/0 (ReLU's left value is 0).
    if (x == T(INFINITY)) return T(1);
    if (s == T(0)) return T(0);
    if (x > T(0) || isnan_(x)) return T(0.5) + T(0.5) * (x / s);
    return (T(0.25) * (b / s)) / squareplus_half_gap(x, s);
}

// Where x^2 is a normal number: 1e+-150 in double (the core's), 1e+-18 in float.
template<typename T> struct SqpRange;
template<> struct SqpRange<double> { static constexpr double LO = 1e-150, HI = 1e150; };
template<> struct SqpRange<float> { static constexpr float LO = 1e-18f, HI = 1e18f; };

template<typename T>
__device__ __forceinline__ T squareplus_grad(T x, const Param<T> &p) {
    const T b = p.hi;
    const T ax = abs_(x);
    if (!(ax >= SqpRange<T>::LO && ax < SqpRange<T>::HI) || b == T(0)) {
        return squareplus_slope(x, squareplus_hypot(x, b), b);
    }
    // s = sqrt(x^2 + b) as a double-double (float-float), so the few roundings left stay
    // under 2 ULP.
    const Dd<T> x2 = two_prod(x, x);
    const Dd<T> hb = two_sum(x2.hi, b);
    const T h = hb.hi;
    const T l = x2.lo + hb.lo;
    const T sh = sqrt_(h);
    const T s_lo = (fma_(-sh, sh, h) + l) / (T(2) * sh);
    if (x > T(-0.5) * sh) {
        // 1 + x/s does not cancel here.
        const T q = x / sh;
        return T(0.5) + T(0.5) * (q - q * (s_lo / sh));
    }
    // b / (2 s (s - x)), the product in double-double, one division.
    const Dd<T> d = two_sum(sh, -x);
    const Dd<T> pr = mul_dd(Dd<T>{sh, s_lo}, Dd<T>{d.hi, d.lo + s_lo});
    const T r = b / (T(2) * pr.hi);
    return r - r * (pr.lo / pr.hi);
}

// The op type of a function, as the kernels take it (`Op::fwd`, `Op::grad`): `OP##_op`.
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
