//! GELU's `f32` path: `Phi` without `erfc`, branch-free, so the kernels vectorise.
//!
//! `Phi(x) = 1/2 + phi(x) S(x)` with `S(x) = x + x^3/3 + x^5/15 + ... = sum x^(2n+1)/(2n+1)!!`
//! (Marsaglia 2004) for `|x| <= 2`, and `Phi(-a) = phi(a) R(a)` with the Mills ratio `R`
//! fitted on `[2, 16]` (relative error below `1e-17`; `Phi` is within `1e-14` relative, from
//! the cancellation in `1/2 - phi S` near `x = -2`; `phi(a) = e^(-a^2/2)/sqrt(2 pi)` with
//! `a^2/2` exact in `f64` for an `f32` `a`). Both are computed and one is selected. The
//! coefficients come from `tools/gelu_fit.py` (mpmath, 200 bits).
//!
//! The derivative `Phi + x phi` has a zero near `x = -0.75` and needs that precision
//! ([`phi_pair`]); the forward `x Phi(x)` cancels nowhere, so [`phi_fast`] uses the series
//! and the Mills ratio cut to `2^-38` (20 and 17 coefficients instead of 27 and 26).

use crate::support::{math::FRAC_1_SQRT_2PI, vmath};

/// `1/(2n+1)!!`, highest `n` first, for `S(x) = x sum (x^2)^n / (2n+1)!!`: 27 terms, the
/// last `4^n / (2n+1)!!` is `2.9e-20`.
const S_SERIES: [f64; 27] = [
    6.33103409349752e-36,
    3.3554480695536855e-34,
    1.7112785154723796e-32,
    8.38526472581466e-31,
    3.9410744211328905e-29,
    1.7734834895098008e-27,
    7.625979004892143e-26,
    3.1266513920057783e-24,
    1.2193940428822536e-22,
    4.5117579586643385e-21,
    1.5791152855325184e-19,
    5.211080442257311e-18,
    1.6154349370997664e-16,
    4.684761317589322e-15,
    1.264885555749117e-13,
    3.1622138893727926e-12,
    7.273091945557423e-11,
    1.5273493085670588e-09,
    2.901963686277412e-08,
    4.9333382666716e-07,
    7.4000074000074e-06,
    9.62000962000962e-05,
    0.0010582010582010583,
    0.009523809523809525,
    0.06666666666666667,
    0.3333333333333333,
    1.0,
];
/// The centre and inverse half-width of `1/a` over `[1/16, 1/2]`.
const MILLS_C: f64 = 0.28125;
const MILLS_INV_H: f64 = 4.571428571428571;
/// The Mills ratio `R(a) = Q(a) / phi(a)` on `[2, 16]` as a polynomial in
/// `u = (1/a - MILLS_C) * MILLS_INV_H`, highest degree first: degree 25, absolute error
/// `2.6e-19`, relative `4.2e-18`.
const MILLS: [f64; 26] = [
    2.2343113265570495e-11,
    -3.963859666439683e-11,
    -1.0582412876896547e-10,
    2.929685317699595e-10,
    -1.2531457973803731e-10,
    -1.630227878797389e-10,
    4.609981791003527e-10,
    -2.15371677209014e-09,
    6.165734238744208e-09,
    -9.736888498889807e-09,
    2.497489270270245e-09,
    4.2071493254627046e-08,
    -1.6787056280015905e-07,
    3.7888660818258696e-07,
    -4.0510139272067613e-07,
    -8.642202082830491e-07,
    6.026078342856725e-06,
    -1.7350110437556396e-05,
    2.2692887862302283e-05,
    5.3824070076086005e-05,
    -0.0004425285520415798,
    0.0013676276772835428,
    -0.000522023473372084,
    -0.02248333260796536,
    0.18049167876225208,
    0.2628936336749886,
];

/// [`S_SERIES`] cut for the forward: its 20 lowest terms, the last `4^n / (2n+1)!!` is
/// `8.6e-13`.
const FAST_S_SERIES: [f64; 20] = {
    let mut out = [0.0; 20];
    let mut i = 0;
    while i < 20 {
        out[i] = S_SERIES[S_SERIES.len() - 20 + i];
        i += 1;
    }
    out
};
/// The Mills ratio fitted for the forward: degree 16, absolute error `8.3e-14`, relative
/// `1.3e-12` (same `u` as [`MILLS`]).
const FAST_MILLS: [f64; 17] = [
    -1.5962098683127164e-08,
    2.859011706508402e-08,
    5.0187663513314256e-08,
    -2.1176922537492348e-07,
    3.728554863453718e-07,
    -3.6561567636402067e-07,
    -8.615294946242798e-07,
    6.005678337311934e-06,
    -1.7350820705625572e-05,
    2.269890718353423e-05,
    5.3824173189470325e-05,
    -0.0004425294989493174,
    0.0013676276703323987,
    -0.0005220234061950971,
    -0.022483332607824126,
    0.18049167876085653,
    0.2628936336749886,
];

/// `(Phi(x), phi(x))` for `|x| <= 16` (and NaN); callers select their tails beyond.
#[inline(always)]
pub(crate) fn phi_pair(x: f64) -> (f64, f64) {
    let a = x.abs();
    let phi = vmath::exp(-0.5 * (a * a)) * FRAC_1_SQRT_2PI;
    let x2 = x * x;
    let s = vmath::poly(x2, &S_SERIES);
    let near = 0.5 + phi * (x * s);
    let u = (1.0 / a - MILLS_C) * MILLS_INV_H;
    let r = vmath::poly(u, &MILLS);
    let q = phi * r;
    let far = if x < 0.0 { q } else { 1.0 - q };
    (if a <= 2.0 { near } else { far }, phi)
}

/// `Phi(x)` for `|x| <= 16` (and NaN) to about `1e-11` relative: [`phi_pair`] with the
/// forward's shorter polynomials.
#[inline(always)]
pub(crate) fn phi_fast(x: f64) -> f64 {
    let a = x.abs();
    let phi = vmath::exp(-0.5 * (a * a)) * FRAC_1_SQRT_2PI;
    let s = vmath::poly(x * x, &FAST_S_SERIES);
    let near = phi.mul_add(x * s, 0.5);
    let u = (1.0 / a - MILLS_C) * MILLS_INV_H;
    let q = phi * vmath::poly(u, &FAST_MILLS);
    let far = if x < 0.0 { q } else { 1.0 - q };
    if a <= 2.0 { near } else { far }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phi_matches_the_f64_path() {
        // The f64 GELU (checked against mpmath) divided by x, at f32 inputs (whose squares are
        // exact, as in the f32 path); the cut at 2 and the tails are where errors would show.
        use crate::{Gelu, Rectifier};
        let mut worst = 0.0_f64;
        for i in -16_000..=16_000 {
            let x = (i as f32 * 1e-3 + 1.7e-5) as f64;
            let want = Gelu.forward_f64(x) / x;
            let (got, _) = phi_pair(x);
            worst = worst.max(((got - want) / want).abs());
        }
        assert!(worst < 1e-14, "{worst:e}");
    }

    #[test]
    fn phi_fast_matches_the_f64_path() {
        use crate::{Gelu, Rectifier};
        let mut worst = 0.0_f64;
        for i in -16_000..=16_000 {
            let x = (i as f32 * 1e-3 + 1.7e-5) as f64;
            let want = Gelu.forward_f64(x) / x;
            worst = worst.max(((phi_fast(x) - want) / want).abs());
        }
        assert!(worst < 2f64.powi(-36), "{worst:e}");
    }
}
