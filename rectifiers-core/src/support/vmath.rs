//! Branch-free `f64` `exp`, `expm1` and `log1p` for the `f32` paths, written so that LLVM
//! vectorises the kernel loops that call them (`std`'s `exp` is a call into the C library,
//! which stops vectorisation: one element at a time).
//!
//! Relative error below `2e-15` over the arguments the `f32` paths pass (checked against
//! `std` in the tests below, and through the exhaustive `f32` tests of every function). An
//! `f32` result rounded once from an `f64` value this close is correctly rounded except
//! within `~2^-20` ULP of a midpoint, so the `f32` paths stay within their 2-ULP contract
//! (the exhaustive table in `ACCURACY.md` measures 0.500).
//!
//! The polynomials and the argument reduction use `mul_add` (one rounding, the same bits on
//! every CPU: the FMA instruction at the kernels' AVX2 and AVX-512 levels, the C library's
//! `fma` elsewhere on `x86_64`); it halves their instructions and rounds less.

use core::f64::consts::LOG2_E;

/// `ln 2` split so that `n * LN2_HI` is exact for `|n| < 2^20` (fdlibm's constants).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // 6.93147180369123816490e-01
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // 1.90821492927058770002e-10
/// `1.5 * 2^52`: adding it rounds to an integer, kept in the low bits of the sum.
const SHIFT: f64 = 6_755_399_441_055_744.0;

/// `1/n!` for `n = 12, 11, ..., 2` (highest first, for Horner); `n!` is exact in f64.
const INV_FACT_12_TO_2: [f64; 11] = {
    let mut out = [0.0; 11];
    let mut i = 0;
    while i < 11 {
        let n = 12 - i;
        let mut fact = 1.0;
        let mut k = 2;
        while k <= n {
            fact *= k as f64;
            k += 1;
        }
        out[i] = 1.0 / fact;
        i += 1;
    }
    out
};

/// The polynomial with coefficients `c`, highest degree first, at `x`: four Horner chains of
/// fused multiply-adds in `x^4`, interleaved, so that a vector loop is not bound by the
/// latency of one long chain.
#[inline(always)]
pub(crate) fn poly<const N: usize>(x: f64, c: &[f64; N]) -> f64 {
    let x2 = x * x;
    let x4 = x2 * x2;
    // acc[j] collects the coefficients of x^k with k = j mod 4, highest first.
    let mut acc = [0.0_f64; 4];
    let mut i = 0;
    while i < N {
        let k = N - 1 - i;
        acc[k % 4] = acc[k % 4].mul_add(x4, c[i]);
        i += 1;
    }
    x2.mul_add(x.mul_add(acc[3], acc[2]), x.mul_add(acc[1], acc[0]))
}

/// `(e^r - 1 - r) / r^2` by its Taylor series, for `|r| <= 0.35` (remainder below
/// `0.35^11 / 13! < 1e-15` relative).
#[inline(always)]
fn expm1mx_over_r2(r: f64) -> f64 {
    poly(r, &INV_FACT_12_TO_2)
}

/// `e^x`. Arguments below -707 give `e^-707 ~ 9e-308` instead of a subnormal or 0 (no `f32`
/// path needs more: such values vanish when rounded to `f32`); above 709.78, `+inf`. NaN gives
/// NaN.
#[inline(always)]
pub(crate) fn exp(x: f64) -> f64 {
    // `clamp` keeps NaN (two comparisons, which vectorise; `min`/`max` would drop NaN).
    let x = x.clamp(-707.0, 710.0);
    // x = n ln 2 + r, |r| <= ln 2 / 2; the integer n sits in the low bits of t.
    let t = x.mul_add(LOG2_E, SHIFT);
    let n = t - SHIFT;
    // x - n LN2_HI is exact (LN2_HI has 32 bits, n 11), then one rounding for LN2_LO.
    let r = n.mul_add(-LN2_LO, n.mul_add(-LN2_HI, x));
    let e_r = 1.0 + (r * r).mul_add(expm1mx_over_r2(r), r);
    let n_bits = t.to_bits().wrapping_sub(SHIFT.to_bits());
    // 2^(n-1) from its exponent field (n is in [-1020, 1024]), then * 2, which overflows to
    // +inf exactly when e^x does.
    let scale = f64::from_bits(n_bits.wrapping_add(1022) << 52);
    (e_r * scale) * 2.0
}

/// `e^x - 1`, with full relative accuracy near 0. Clamped like [`exp`]: `-1` below -707.
#[inline(always)]
pub(crate) fn expm1(x: f64) -> f64 {
    // `x + x^2 p` is +0 at x = -0: keep the sign of a zero.
    let series = if x == 0.0 {
        x
    } else {
        (x * x).mul_add(expm1mx_over_r2(x), x)
    };
    // For |x| > 0.35, e^x >= 1.4 or <= 0.7: the subtraction loses under 3 bits.
    let big = exp(x) - 1.0;
    if x.abs() <= 0.35 { series } else { big }
}

/// `e^x - 1 - x`, with full relative accuracy near 0 (where it is `x^2/2`).
#[inline(always)]
pub(crate) fn expm1mx(x: f64) -> f64 {
    let series = x * x * expm1mx_over_r2(x);
    // For |x| > 0.35 the result is >= 0.058 against terms below ~e^|x|: few bits lost.
    let big = (exp(x) - 1.0) - x;
    if x.abs() <= 0.35 { series } else { big }
}

/// `1/(2n+1)` for `n = 15..=1`, highest first.
const ATANH_SERIES: [f64; 15] = {
    let mut out = [0.0; 15];
    let mut i = 0;
    while i < 15 {
        let n = 15 - i;
        out[i] = 1.0 / (2 * n + 1) as f64;
        i += 1;
    }
    out
};

/// `ln(1 + e)` for `0 <= e <= 1` (and NaN), as `2 atanh(s)`, `s = e / (2 + e) <= 1/3`:
/// the series `2 s (1 + s^2/3 + s^4/5 + ...)` to `s^31` leaves `9^-16 / 33 < 2e-17`.
#[inline(always)]
pub(crate) fn log1p_unit(e: f64) -> f64 {
    let s = e / (2.0 + e);
    let s2 = s * s;
    let p = poly(s2, &ATANH_SERIES);
    let two_s = s + s;
    two_s.mul_add(s2 * p, two_s)
}

/// `(sigmoid(v), sigmoid(-v))`, as [`crate::support::math::sigmoid_pair`] but with [`exp`]: one `exp`
/// of `-|v|` (at least `e^-707`, so `sigmoid(-inf)` is `9e-308`, not 0; both vanish in
/// `f32`) and one division.
#[inline(always)]
pub(crate) fn sigmoid_pair(v: f64) -> (f64, f64) {
    let e = exp(-v.abs());
    let r = 1.0 / (1.0 + e);
    let s = e * r;
    if v >= 0.0 { (r, s) } else { (s, r) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative distance, treating equal values (and both NaN) as 0.
    fn rel(got: f64, want: f64) -> f64 {
        if got == want || (got.is_nan() && want.is_nan()) {
            0.0
        } else {
            ((got - want) / want).abs()
        }
    }

    /// Points from -708 to 710 dense near 0, where the series and the reductions meet.
    fn points() -> impl Iterator<Item = f64> {
        let near_zero = (-4000..=4000).map(|i| i as f64 * 1e-4);
        let wide = (-70_700..=70_970).map(|i| i as f64 * 0.01 + 0.003);
        let tiny =
            (-300..=300).map(|i| 10f64.powi(i / 10 - 30) * if i % 2 == 0 { 1.0 } else { -1.0 });
        near_zero.chain(wide).chain(tiny)
    }

    // The reference is the platform's `exp`/`exp_m1`/`ln_1p` (glibc's are correctly rounded
    // or within 1 ULP): a mismatch here of more than a few 1e-16 is a bug.
    #[test]
    fn exp_matches_std() {
        let worst = points().map(|x| rel(exp(x), x.exp())).fold(0.0, f64::max);
        assert!(worst < 1e-15, "{worst:e}");
        assert_eq!(exp(f64::NEG_INFINITY), exp(-707.0));
        assert_eq!(exp(709.7), 709.7f64.exp());
        assert_eq!(exp(709.8), f64::INFINITY);
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(709.0), 709f64.exp());
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn expm1_matches_std() {
        let worst = points()
            .map(|x| rel(expm1(x), x.exp_m1()))
            .fold(0.0, f64::max);
        assert!(worst < 2e-15, "{worst:e}");
        assert_eq!(expm1(f64::NEG_INFINITY), -1.0);
        assert_eq!(expm1(-0.0).to_bits(), (-0.0f64).to_bits());
        assert!(expm1(f64::NAN).is_nan());
    }

    #[test]
    fn expm1mx_matches_core_series() {
        let worst = points()
            .filter(|x| x.abs() < 700.0)
            .map(|x| rel(expm1mx(x), crate::support::math::expm1mx(x)))
            .fold(0.0, f64::max);
        assert!(worst < 1e-14, "{worst:e}");
    }

    #[test]
    fn log1p_unit_matches_std() {
        let worst = (0..=100_000)
            .map(|i| i as f64 * 1e-5)
            .chain((0..=600).map(|i| 10f64.powf(-(i as f64) * 0.5)))
            .map(|e| rel(log1p_unit(e), e.ln_1p()))
            .fold(0.0, f64::max);
        assert!(worst < 1e-15, "{worst:e}");
        assert_eq!(log1p_unit(0.0), 0.0);
        assert!(log1p_unit(f64::NAN).is_nan());
    }
}
