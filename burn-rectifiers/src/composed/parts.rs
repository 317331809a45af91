//! The building blocks of the stable compositions: an exact split, `e^x` with its own argument
//! reduction, exact scaling by `2^n`, and the series that replace the device functions which are
//! inaccurate where these formulas need them.
//!
//! Measured on lavapipe (f32, against a correctly rounded reference): the device's `exp(x)`
//! errs by about 0.7 |x| ULP (63 at |x| = 87: it evaluates `exp2(x log2 e)`, whose product is
//! rounded) but by 3 ULP for |x| < 0.35; `ln(x)` by 42 ULP near 1; `log1p` by 400 ULP near 0 (it
//! is `ln(1 + x)`); `tanh` by 2048 ULP near 0; `sqrt` and `recip` by 0.5 ULP; `powf(2, n)` is
//! exact for every integer `n` whose power is normal. So `e^x` is reduced here to `2^n e^r` with
//! `|r| <= ln 2 / 2`, and `log1p`, `expm1` and `tanh` are not used.

use burn::backend::Backend;

use super::expr::V;

/// The constants of the compute type (f32, or f64 for f64 tensors).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Prec {
    /// Veltkamp's splitter `2^s + 1`, `s` half the significand.
    split: f64,
    /// Below this `e^x` is 0 in the compute type (callers clamp exponents up to it).
    pub(crate) exp_lo: f64,
    /// The largest finite value.
    pub(crate) max: f64,
}

impl Prec {
    /// `(hi, lo)` with `hi + lo = v` (to f64 precision) and `hi` short enough (16 bits in f32,
    /// 40 in f64) that its product with an integer below 256 (f32) or 4096 (f64) is exact on
    /// the device: the split of a reduction constant.
    pub(crate) fn split_host(&self, v: f64) -> (f64, f64) {
        let hi = if self.max > f32::MAX as f64 {
            f64::from_bits(v.to_bits() & !((1 << 13) - 1))
        } else {
            f32::from_bits((v as f32).to_bits() & !0xff) as f64
        };
        (hi, v - hi)
    }

    pub(crate) const F32: Prec = Prec {
        split: 4097.0,
        exp_lo: -104.0,
        max: f32::MAX as f64,
    };
    pub(crate) const F64: Prec = Prec {
        split: 134_217_729.0,
        exp_lo: -746.0,
        max: f64::MAX,
    };
}

/// `(hi, lo)` with `hi + lo = x` exactly and `hi` of half the significand, so `hi * hi` and
/// `hi * c` (for a `c` of half the significand) are exact (Veltkamp). Needs the device to keep
/// `c - (c - x)` as written (checked on lavapipe: every f32 in [-104, 89]).
pub(crate) fn split<B: Backend>(x: &V<B>, p: &Prec) -> (V<B>, V<B>) {
    let c = x * p.split;
    let hi = &c - (&c - x);
    let lo = x - &hi;
    (hi, lo)
}

/// `e^(k a) = e^r 2^n` as `(e^r, 2^(n + 64))`, for `k a` in `[exp_lo, 43]` (callers clamp)
/// and a constant `k > 0`.
///
/// The reduction is done on `a`, not on the rounded `k a`: `n = round(k a / ln 2)`, and with
/// `ln 2 / k = l_hi + l_lo` split on the host, `d = a - n l_hi` is exact, so neither the
/// rounding of `k a` nor the device's `exp` of a large argument reaches the result:
/// `e^r = e^(k d + b) e^(-n k l_lo)`, the second factor by its series (`|n k l_lo| < 2^-9`).
/// It is a product rather than `d - n l_lo` because shader compilers may rewrite
/// `(a - n l_hi) - n l_lo` as `a - n (l_hi + l_lo)` (lavapipe does: it factors `n` and folds
/// the constants), which brings back the rounding of `n ln 2`. The power is offset by 64 so
/// that it is normal where `2^n` alone would not be: [`down`] applies it.
pub(crate) fn exp_scaled<B: Backend>(a: &V<B>, k: f64, p: &Prec) -> (V<B>, V<B>) {
    let (e_d, pow, q) = exp_reduced(a, k, p);
    // e^-q = 1 - q + q^2/2 to within q^3/6 < 2^-30.
    let corr = &q * (&q * 0.5 - 1.0) + 1.0;
    (e_d * corr, pow)
}

/// The parts of [`exp_scaled`] before its last product: `(e^(k d), 2^(n + 64), q)` with
/// `e^(k a) = e^(k d) e^-q 2^n`, for a caller that folds `-q` into an exponential of its own.
pub(crate) fn exp_reduced<B: Backend>(a: &V<B>, k: f64, p: &Prec) -> (V<B>, V<B>, V<B>) {
    let (l_hi, l_lo) = p.split_host(core::f64::consts::LN_2 / k);
    // n = floor(k a log2 e + 1/2), the argument offset to be positive: Burn's remainder is
    // floor-based when it runs alone but truncates inside a fused kernel, and the two agree on
    // positive numbers only.
    let t = a * (k * core::f64::consts::LOG2_E) + 256.5;
    let n = &t - t.fract() - 256.0;
    let d = a - &n * l_hi;
    let r = if k == 1.0 { d } else { d * k };
    let q = &n * (k * l_lo);
    (exp_small(&r, p), (n + 64.0).exp2_int(), q)
}

/// `e^r` for `|r| <= 0.36`: the device's `exp`, which is accurate there (3 ULP on lavapipe in
/// f32). A polynomial would be 1 ULP, but costs 13 more operations, and the elementwise fuser
/// takes 64 per kernel: the activation, its neighbours and its backward must fit.
pub(crate) fn exp_small<B: Backend>(r: &V<B>, _p: &Prec) -> V<B> {
    r.exp()
}

/// `v 2^n` from the power of [`exp_scaled`], exactly where the result is normal; for `n <= 63`
/// (the left tails, where `2^n` alone may be subnormal while `v 2^n` is not).
pub(crate) fn down<B: Backend>(v: &V<B>, pow: &V<B>) -> V<B> {
    v * pow * 2f64.powi(-64)
}

/// `log1p(u) / u` for `u` in `[0, 1]` (1 at `u = 0`, also when `u` underflowed): with
/// `w = u / (2 + u) <= 1/3`, `log1p(u) = 2 atanh(w)`, by its series (8 terms: truncation below
/// 2^-30 relative), divided by `u` as `1 / (2 + u)`. The device's `log1p` is `ln(1 + u)`, which
/// loses all of a small `u`.
pub(crate) fn log1p_ratio<B: Backend>(u: &V<B>) -> V<B> {
    let d = u + 2.0;
    let w = u / &d;
    let w2 = &w * &w;
    // 2 (1 + w^2/3 + ... + w^14/15), Horner in w^2.
    let mut s = &w2 * (2.0 / 15.0) + 2.0 / 13.0;
    for k in [11.0, 9.0, 7.0, 5.0, 3.0] {
        s = &w2 * s + 2.0 / k;
    }
    (&w2 * s + 2.0) / d
}

/// `(e^h - 1) / h` for `|h| <= 1` (1 at 0): the Taylor series to `h^10` (truncation below
/// 2^-25 relative).
pub(crate) fn expm1_ratio<B: Backend>(h: &V<B>) -> V<B> {
    // 1 + h/2! + h^2/3! + ... + h^10/11!, Horner.
    let mut s = h * (1.0 / 39_916_800.0) + 1.0 / 3_628_800.0;
    for c in [362_880.0, 40_320.0, 5040.0, 720.0, 120.0, 24.0, 6.0, 2.0] {
        s = h * s + 1.0 / c;
    }
    h * s + 1.0
}
