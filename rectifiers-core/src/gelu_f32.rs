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
//! ([`phi_pair`]); the forward `x Phi(x)` cancels nowhere, so [`phi_fast`] takes one piece for
//! every `x` to `2^-37`: `Phi(-a) = e^(-a^2/2) u G(u)` with `u = 1/(a + 5)` and `G` of degree 13,
//! one polynomial per element where `phi_pair` evaluates two and selects.

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

/// The forward's one-piece `Phi(-a) = e^(-a^2/2) u G(u)` for `a` in `[0, 16]`, with
/// `u = 1/(a + 5)` and `G` a polynomial in `(u - FAST_MILLS_C) * FAST_MILLS_INV_H`, highest
/// degree first: degree 13, relative error `4.7e-12` (`G` is the Mills ratio over
/// `sqrt(2 pi) u`, which stays within `[0.5, 2.5]` on the whole range).
const FAST_MILLS_SHIFT: f64 = 5.0;
const FAST_MILLS_C: f64 = 0.12380952380952381;
const FAST_MILLS_INV_H: f64 = 13.125;
const FAST_MILLS: [f64; 14] = [
    -1.9469727085998113e-07,
    -1.8978073081544965e-07,
    3.3897835595836285e-06,
    7.242667445378061e-06,
    -4.27310901301975e-05,
    -0.00022537113267587878,
    4.8671134498294896e-05,
    0.0046712446012671435,
    0.026074841950385272,
    0.08969299034763886,
    0.2281242777306408,
    0.4561340067904074,
    0.7349967962251996,
    0.9605150254673267,
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

/// `Phi(x)` for `|x| <= 16` (and NaN) to about `5e-12` relative, one polynomial for every `x`
/// ([`FAST_MILLS`]): `Phi(-a) = e^(-a^2/2) u G(u)` and `Phi(a) = 1 - Phi(-a)`.
#[inline(always)]
pub(crate) fn phi_fast(x: f64) -> f64 {
    let a = x.abs();
    let u = 1.0 / (a + FAST_MILLS_SHIFT);
    let g = vmath::poly((u - FAST_MILLS_C) * FAST_MILLS_INV_H, &FAST_MILLS);
    let q = vmath::exp(-0.5 * (a * a)) * (u * g);
    if x < 0.0 { q } else { 1.0 - q }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Gelu, Rectifier};

    /// The largest relative distance of `phi(x)` from the f64 GELU (checked against mpmath)
    /// divided by x, at f32 inputs (whose squares are exact, as in the f32 path) on
    /// `[-16, 16]`: the cut at 2 and the tails are where errors would show.
    fn worst_relative_error(phi: impl Fn(f64) -> f64) -> f64 {
        let mut worst = 0.0_f64;
        for i in -16_000..=16_000 {
            let x = (i as f32 * 1e-3 + 1.7e-5) as f64;
            let want = Gelu.forward_f64(x) / x;
            worst = worst.max(((phi(x) - want) / want).abs());
        }
        worst
    }

    #[test]
    fn phi_matches_the_f64_path() {
        let worst = worst_relative_error(|x| phi_pair(x).0);
        assert!(worst < 1e-14, "{worst:e}");
    }

    #[test]
    fn phi_fast_matches_the_f64_path() {
        let worst = worst_relative_error(phi_fast);
        assert!(worst < 2f64.powi(-36), "{worst:e}");
    }
}
