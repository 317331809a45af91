//! Branch-free `f32` building blocks with an extra-precision low part, for the `f32` paths
//! that run in `f32` arithmetic (16 lanes under AVX-512 instead of 8 for `f64`).
//!
//! Each returns an unevaluated sum `hi + lo` whose error is a small fraction of an `f32` ULP,
//! so the caller can round its result once more and stay within 1 ULP. Every fused
//! multiply-add is `mul_add` (one rounding, the same bits on every CPU; see
//! [`crate::kernel::simd_level`] for the levels that have it in hardware).

/// `1.5 * 2^23`: adding it rounds an `f32` below `2^22` to an integer, kept in the low bits.
const SHIFT: f32 = 12_582_912.0;
/// `ln 2` split: `LN2_HI` has 16 significant bits, so `n * LN2_HI` is exact for `|n| < 2^8`.
const LN2_HI: f32 = f32::from_bits(0x3f31_7200); // 0.693145751953125
const LN2_LO: f32 = f32::from_bits(0x35bf_be8e); // 1.42860677e-6 (ln 2 - LN2_HI)
/// `(e^r - 1 - r) / r^2 = 1/2 + r/6 + ...`: Taylor coefficients `1/n!`, `n = 8..=2`, highest
/// first. For `|r| <= ln 2 / 2` the remainder `r^9 / 9!` is below `2^-31` of `e^r`.
const EXPM1MX_OVER_R2: [f32; 7] = [
    1.0 / 40_320.0,
    1.0 / 5_040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    0.5,
];
/// `2^-64`: scales [`exp_neg`]'s result down after the caller has used its mantissa.
pub(crate) const TWO_M64: f32 = f32::from_bits((127 - 64) << 23);
/// Largest argument [`exp_neg`] takes: `e^-110 = 1.7e-48` vanishes in every product the
/// callers round to `f32`.
pub(crate) const EXP_NEG_MAX: f32 = 110.0;

/// `e^-a` for `0 <= a <= EXP_NEG_MAX` as `(hi + lo) * scale * 2^-64`, with `hi + lo` in
/// `[0.7, 1.42]` accurate to about `2^-27` relative (the rounding of `r^2 q(r)`) and `scale = 2^(n + 64)` a normal
/// power of two (`n >= -159`). Larger `a` are clamped; NaN gives NaN in `hi`.
///
/// `-a = n ln 2 + r + r_lo`, `|r| <= ln 2 / 2` (`-a - n LN2_HI` is
/// exact, `r = r_hi - n LN2_LO` rounds and `r_lo` is its error); `e^r = s + (s_lo + r^2 q(r))`
/// with `s + s_lo = 1 + r` split exactly (Fast2Sum), then times `1 + r_lo`.
#[inline(always)]
pub(crate) fn exp_neg(a: f32) -> (f32, f32, f32) {
    // `min` would turn NaN into the bound: keep NaN (it compares false).
    let x = if a > EXP_NEG_MAX { -EXP_NEG_MAX } else { -a };
    let t = x.mul_add(core::f32::consts::LOG2_E, SHIFT);
    let n = t - SHIFT;
    let r_hi = n.mul_add(-LN2_HI, x);
    let r = n.mul_add(-LN2_LO, r_hi);
    // The rounding error of `r`, exact: `r_hi - n LN2_LO - r`.
    let r_lo = n.mul_add(-LN2_LO, r_hi - r);
    let mut q = EXPM1MX_OVER_R2[0];
    let mut i = 1;
    while i < EXPM1MX_OVER_R2.len() {
        q = q.mul_add(r, EXPM1MX_OVER_R2[i]);
        i += 1;
    }
    let s = 1.0 + r;
    let s_lo = (1.0 - s) + r;
    // e^r = s + lo0; e^(r + r_lo) = e^r (1 + r_lo) to 2^-50.
    let lo0 = (r * r).mul_add(q, s_lo);
    let lo = r_lo.mul_add(s + lo0, lo0);
    let hi = s + lo;
    let lo = (s - hi) + lo;
    // n in [-159, 0]: 2^(n + 64) from its exponent field.
    let n_bits = t.to_bits().wrapping_sub(SHIFT.to_bits());
    let scale = f32::from_bits(n_bits.wrapping_add(127 + 64) << 23);
    (hi, lo, scale)
}

/// `(a_hi + a_lo) / (b_hi + b_lo)` rounded to `f32`, for `b_hi` in `[1, 2]` and `|b_lo|`,
/// `|a_lo|` below an ULP of their high parts: one division and an exact remainder
/// (`fma`), so the result is within about `0.5 + 2^-20` ULP of the quotient of the sums.
#[inline(always)]
pub(crate) fn div2(a_hi: f32, a_lo: f32, b_hi: f32, b_lo: f32) -> f32 {
    let inv = 1.0 / b_hi;
    let q = a_hi * inv;
    let rem = (-q).mul_add(b_hi, a_hi);
    let rem = (-q).mul_add(b_lo, rem) + a_lo;
    rem.mul_add(inv, q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_neg_matches_std_to_2_pow_minus_26() {
        let mut worst = 0.0_f64;
        let mut at = 0.0;
        for i in 0..=1_100_000 {
            let a = i as f32 * 1e-4;
            let (hi, lo, scale) = exp_neg(a);
            let got = (hi as f64 + lo as f64) * scale as f64 * 2f64.powi(-64);
            let want = (-(a as f64)).exp();
            let err = ((got - want) / want).abs();
            if err > worst {
                (worst, at) = (err, a);
            }
        }
        assert!(worst < 2f64.powi(-26), "{worst:e} at {at:e}");
        assert!(exp_neg(f32::NAN).0.is_nan());
        let (hi, _, scale) = exp_neg(f32::INFINITY);
        assert_eq!((hi * scale * TWO_M64) as f64, 0.0);
    }

    #[test]
    fn div2_rounds_the_quotient_of_the_sums() {
        // a / b for a = 1 + 2^-30, b = 1.5 - 2^-30 (in f64 as the reference).
        let (a_hi, a_lo, b_hi, b_lo) = (1.0_f32, 2f32.powi(-30), 1.5_f32, -(2f32.powi(-30)));
        let want = (a_hi as f64 + a_lo as f64) / (b_hi as f64 + b_lo as f64);
        assert_eq!(div2(a_hi, a_lo, b_hi, b_lo), want as f32);
    }
}
