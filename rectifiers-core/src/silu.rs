//! SiLU (swish): `x sigmoid(x)`.

use crate::{
    Rectifier,
    support::{
        math::{TWO_M600, exp_up, sigmoid_pair},
        vmath,
        vmath32::{self, TWO_M64},
    },
};

/// The sigmoid linear unit `f(x) = x sigmoid(x)`;
/// `f'(x) = s (1 + x (1 - s))` with `s = sigmoid(x)`.
///
/// Evaluated as `x / (1 + e^-x)` while `e^-x` is finite and as `x e^x` below `x = -700` (with
/// `e^x` scaled by `2^600` so results near the underflow threshold keep every bit), so the far
/// left tail (`f(-100) = -3.7e-42`) is accurate instead of 0 or NaN. `1 - s` is
/// `sigmoid(-x)`, computed directly, never by subtraction.
///
/// ```
/// use rectifiers_core::{Rectifier, Silu};
/// // mpmath: -100/(1+exp(100)) = -3.7200759760208359e-42
/// assert_eq!(Silu.forward(-100.0_f64), -3.720075976020836e-42);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Silu;

impl Silu {
    /// The function's name, as in the functional APIs.
    pub const NAME: &'static str = "silu";
}

impl Rectifier for Silu {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    #[inline(always)]
    fn forward_f64(&self, x: f64) -> f64 {
        if x > -700.0 {
            x / (1.0 + (-x).exp())
        } else if x >= -1300.0 {
            // 1 + e^x == 1 here; e^x is scaled up so a normal result keeps every bit.
            (x * exp_up(x, 0.0)) * TWO_M600
        } else if x.is_nan() {
            x
        } else {
            -0.0
        }
    }
    #[inline(always)]
    fn derivative_f64(&self, x: f64) -> f64 {
        if x.abs() <= 700.0 {
            let (s, sm) = sigmoid_pair(x);
            s * (1.0 + x * sm)
        } else if x > 700.0 {
            1.0
        } else if x >= -1300.0 {
            // s = e^x, 1 - s = 1: f' = e^x (1 + x), scaled as in the forward.
            (exp_up(x, 0.0) * (1.0 + x)) * TWO_M600
        } else if x < -1300.0 {
            // e^x (1 + x) is a negative number below the smallest subnormal.
            -0.0
        } else {
            x
        }
    }
    /// In `f32` arithmetic (16 lanes under AVX-512), branch-free: with `e = e^-|x|` as
    /// `hi + lo` (`support::vmath32::exp_neg`), `x / (1 + e)` for `x >= 0` and `x e / (1 + e)`
    /// below, each sum and product carried with its rounding error and divided once
    /// (`vmath32::div2`). Within 1 ULP (faithful; exhaustive table in `ACCURACY.md`).
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        let (p_hi, p_lo, scale) = vmath32::exp_neg(x.abs());
        let e_hi = (p_hi * scale) * TWO_M64;
        let e_lo = (p_lo * scale) * TWO_M64;
        // 1 + e, e <= 1: Fast2Sum.
        let d_hi = 1.0 + e_hi;
        let d_lo = ((1.0 - d_hi) + e_hi) + e_lo;
        // The numerator: x, or x e^x = x p 2^n below 0 (scaled after the division, so a
        // result near the underflow threshold is rounded once).
        let pos = x >= 0.0;
        let (m_hi, m_lo) = if pos { (1.0, 0.0) } else { (p_hi, p_lo) };
        let n_hi = x * m_hi;
        let n_lo = x.mul_add(m_hi, -n_hi) + x * m_lo;
        let y = vmath32::div2(n_hi, n_lo, d_hi, d_lo);
        let y = if pos { y } else { (y * scale) * TWO_M64 };
        // Tails: f(x) = x above 80 (e^-80 x is below half an ULP of x), -0 below -110;
        // and f(+-0) = +-0.
        if x > 80.0 || x == 0.0 {
            x
        } else if x < -vmath32::EXP_NEG_MAX {
            -0.0
        } else {
            y
        }
    }
    #[inline(always)]
    fn derivative_f32(&self, x: f32) -> f32 {
        let x = x as f64;
        let (s, sm) = vmath::sigmoid_pair(x);
        let d = s * (1.0 + x * sm);
        // Tails: 1 - (x - 1) e^-x rounds to 1 above 200, e^x (1 + x) to -0 below -200.
        (if x > 200.0 {
            1.0
        } else if x < -200.0 {
            -0.0
        } else {
            d
        }) as f32
    }
}
