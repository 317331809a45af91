//! SiLU (swish): `x sigmoid(x)`.

use crate::{
    Rectifier,
    support::{
        math::{TWO_M600, exp_up, sigmoid_pair},
        vmath,
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
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        // Branch-free, with `vmath::exp`, so the kernels vectorise. Below -200 the result
        // (x e^x) is far below f32's smallest subnormal: -0.
        let x = x as f64;
        let y = x / (1.0 + vmath::exp(-x));
        (if x < -200.0 { -0.0 } else { y }) as f32
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
