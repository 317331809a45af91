// Scalar building blocks, written once for float and double: overloads of the libdevice
// functions, double-double (here: float-float too) helpers, sigmoid and expm1mx.
// These mirror rectifiers-core/src/{dd,math}.rs; read those for the why.
#pragma once

#include <math.h>

// Overloads so that templates pick expf/exp, etc. Never compiled with fast math: expf,
// expm1f, log1pf are the accurate (<= 2 ULP) libdevice versions.
__device__ __forceinline__ float exp_(float x) { return expf(x); }
__device__ __forceinline__ double exp_(double x) { return exp(x); }
__device__ __forceinline__ float expm1_(float x) { return expm1f(x); }
__device__ __forceinline__ double expm1_(double x) { return expm1(x); }
__device__ __forceinline__ float log1p_(float x) { return log1pf(x); }
__device__ __forceinline__ double log1p_(double x) { return log1p(x); }
__device__ __forceinline__ float erfc_(float x) { return erfcf(x); }
__device__ __forceinline__ double erfc_(double x) { return erfc(x); }
__device__ __forceinline__ float sqrt_(float x) { return sqrtf(x); }
__device__ __forceinline__ double sqrt_(double x) { return sqrt(x); }
__device__ __forceinline__ float fma_(float a, float b, float c) { return fmaf(a, b, c); }
__device__ __forceinline__ double fma_(double a, double b, double c) { return fma(a, b, c); }
__device__ __forceinline__ float abs_(float x) { return fabsf(x); }
__device__ __forceinline__ double abs_(double x) { return fabs(x); }
__device__ __forceinline__ float max_(float a, float b) { return fmaxf(a, b); }
__device__ __forceinline__ double max_(double a, double b) { return fmax(a, b); }
__device__ __forceinline__ bool isnan_(float x) { return isnan(x); }
__device__ __forceinline__ bool isnan_(double x) { return isnan(x); }
__device__ __forceinline__ bool isfinite_(float x) { return isfinite(x); }
__device__ __forceinline__ bool isfinite_(double x) { return isfinite(x); }

// A function's parameter (kernels receive it as a double): `hi` is it in T, `lo` the rounding
// error of that conversion (0 for double), `d` the exact double. Float paths carry `lo`
// wherever the parameter multiplies an argument that feeds exp/erfc, because those turn a
// relative error e of their argument p into |p| e of the result.
template<typename T>
struct Param {
    T hi;
    T lo;
    double d;
};

template<typename T>
__device__ __forceinline__ Param<T> make_param(double p) {
    Param<T> r;
    r.hi = (T)p;
    r.lo = (T)(p - (double)r.hi);
    r.d = p;
    return r;
}

// `v * param`, rounded once from the exact double product, as the core's f32 paths do
// (`(param * x as f64) as f32`); a single double multiply, cheap next to the memory traffic.
__device__ __forceinline__ float scale_by_param(float v, const Param<float> &p) {
    return (float)(p.d * (double)v);
}
__device__ __forceinline__ double scale_by_param(double v, const Param<double> &p) {
    return p.d * v;
}

// ---- double-double / float-float (rectifiers-core/src/dd.rs) ----

template<typename T>
struct Dd {
    T hi;
    T lo;
};

// a * b = hi + lo exactly (barring overflow).
template<typename T>
__device__ __forceinline__ Dd<T> two_prod(T a, T b) {
    const T hi = a * b;
    return {hi, fma_(a, b, -hi)};
}

// x * (c_hi + c_lo), for a constant given as a pair.
template<typename T>
__device__ __forceinline__ Dd<T> mul_const(T x, T c_hi, T c_lo) {
    const Dd<T> p = two_prod(x, c_hi);
    return {p.hi, p.lo + x * c_lo};
}

// a + b = s + e exactly (Knuth's TwoSum).
template<typename T>
__device__ __forceinline__ Dd<T> two_sum(T a, T b) {
    const T s = a + b;
    const T bb = s - a;
    return {s, (a - (s - bb)) + (b - bb)};
}

template<typename T>
__device__ __forceinline__ Dd<T> mul_dd(Dd<T> a, Dd<T> b) {
    const Dd<T> p = two_prod(a.hi, b.hi);
    const T e = p.lo + (a.hi * b.lo + a.lo * b.hi);
    const T s = p.hi + e;
    return {s, e - (s - p.hi)};
}

template<typename T>
__device__ __forceinline__ Dd<T> add_dd(Dd<T> a, Dd<T> b) {
    const Dd<T> s = two_sum(a.hi, b.hi);
    const T e = s.lo + a.lo + b.lo;
    const T t = s.hi + e;
    return {t, e - (t - s.hi)};
}

// ---- rectifiers-core/src/math.rs ----

// (sigmoid(v), sigmoid(-v)): one exp of -|v| (cannot overflow) and one division.
template<typename T>
__device__ __forceinline__ void sigmoid_pair(T v, T &s, T &sm) {
    const T e = exp_(-abs_(v));
    const T r = T(1) / (T(1) + e);
    const T q = e * r;
    if (v >= T(0)) {
        s = r;
        sm = q;
    } else {
        s = q;
        sm = r;
    }
}

// 1/n! for n < 28, each the double nearest to the ratio 1/(fl(n!)), as the core's table.
__constant__ double INV_FACT_D[28] = {
    0x1.0000000000000p+0, 0x1.0000000000000p+0, 0x1.0000000000000p-1, 0x1.5555555555555p-3,
    0x1.5555555555555p-5, 0x1.1111111111111p-7, 0x1.6c16c16c16c17p-10, 0x1.a01a01a01a01ap-13,
    0x1.a01a01a01a01ap-16, 0x1.71de3a556c734p-19, 0x1.27e4fb7789f5cp-22, 0x1.ae64567f544e4p-26,
    0x1.1eed8eff8d898p-29, 0x1.6124613a86d09p-33, 0x1.93974a8c07c9dp-37, 0x1.ae7f3e733b81fp-41,
    0x1.ae7f3e733b81fp-45, 0x1.952c77030ad4ap-49, 0x1.6827863b97d97p-53, 0x1.2f49b46814157p-57,
    0x1.e542ba4020225p-62, 0x1.71b8ef6dcf572p-66, 0x1.0ce396db7f853p-70, 0x1.761b413163819p-75,
    0x1.f2cf01972f578p-80, 0x1.3f3ccdd165fa9p-84, 0x1.88e85fc6a4e59p-89, 0x1.d1ab1c2dccea3p-94,
};

// Terms of the expm1mx series on [-1, 2]: the core's 27 for double (2^-60 at u = 2); for float
// 15 (the remainder 2^15/15! / (2^2/2) < 2^-26 at u = 2).
template<typename T> struct SeriesLen;
template<> struct SeriesLen<double> { static constexpr int N = 27; };
template<> struct SeriesLen<float> { static constexpr int N = 15; };

// e^u - 1 - u, accurate also where the terms cancel (small u). Unlike the core's f32 path,
// which can afford a short series to 0.01 because it works in double, the float version keeps
// the full [-1, 2] series: `expm1f(u) - u` in float loses log2(2/u) bits.
template<typename T>
__device__ __forceinline__ T expm1mx(T u) {
    if (u >= T(-1) && u <= T(2)) {
        constexpr int N = SeriesLen<T>::N;
        T p = (T)INV_FACT_D[N];
#pragma unroll
        for (int n = N - 1; n >= 2; n--) {
            p = p * u + (T)INV_FACT_D[n];
        }
        return p * u * u;
    } else if (u > T(2)) {
        return expm1_(u) - u;
    } else {
        return exp_(u) + (T(-1) - u);
    }
}

// Neumaier-compensated sum, as rectifiers-core/src/sum.rs: the error is about one rounding of
// the result, whatever the count (so float accumulation is enough for f32/f16/bf16 rows).
template<typename A>
struct CompSum {
    A s;
    A c;
};

template<typename A>
__device__ __forceinline__ void comp_add(CompSum<A> &a, A v) {
    const A t = a.s + v;
    if (!isfinite_(t)) {
        // An infinity or NaN: the compensation would turn inf - inf into NaN.
        a.s = t;
        return;
    }
    if (abs_(a.s) >= abs_(v)) {
        a.c += (a.s - t) + v;
    } else {
        a.c += (v - t) + a.s;
    }
    a.s = t;
}

template<typename A>
__device__ __forceinline__ void comp_merge(CompSum<A> &a, const CompSum<A> &o) {
    comp_add(a, o.s);
    comp_add(a, o.c);
}

template<typename A>
__device__ __forceinline__ A comp_value(const CompSum<A> &a) {
    return isfinite_(a.s) ? a.s + a.c : a.s;
}

// ---- rectifiers-core/src/math.rs: exp_up ----

// 600 ln 2 as a double-double (mpmath, 200 bits), and 2^-600.
#define RECT_SHIFT_HI 0x1.9fe3682cd3be4p+8
#define RECT_SHIFT_LO 0x1.4aa84b6b3b125p-46
#define RECT_TWO_M600 0x1p-600

// e^(x + x_lo) * 2^600: the exponential of a double-double argument, scaled so that it stays
// normal down to x = -1300. Callers finish with `* RECT_TWO_M600`, so a result that is normal
// keeps full precision even though e^x alone would be subnormal (or 0) there.
__device__ __forceinline__ double exp_up(double x, double x_lo) {
    const Dd<double> s = two_sum(x, RECT_SHIFT_HI);
    return exp(s.hi) * (1.0 + (s.lo + RECT_SHIFT_LO + x_lo));
}

// e^-32, to scale float tails: below x ~ -87, e^x is subnormal in float and has lost
// significant bits, while x e^x (or e^x / k) may still be a subnormal with more bits. So those
// tails evaluate e^(x + 32) (x + 32 is exact there) and multiply by e^-32 last: the result is
// rounded once to the subnormal grid instead of an intermediate.
#define RECT_E_M32_F 0x1.c8465p-47f
