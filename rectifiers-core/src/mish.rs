//! Mish: `x tanh(softplus(x))`.

use crate::{
    Rectifier,
    support::{
        math::{TWO_M600, exp_up},
        vmath,
    },
};

/// Mish, `f(x) = x tanh(ln(1 + e^x))`;
/// `f'(x) = tanh(sp) + x sech^2(sp) sigmoid(x)` with `sp = ln(1 + e^x)`.
///
/// With `e = e^x` and `n = e (e + 2)`, `tanh(sp) = n / (n + 2)` and
/// `sech^2(sp) = 4 (n + 1) / (n + 2)^2`: one `exp`, no `log`, no `tanh`, and no cancellation
/// for `x << 0` (where `f(x) ~ x e^x`). Above `x = 30`, `tanh(sp)` rounds to 1 and
/// `f(x) = x`, `f'(x) = 1`.
/// For `x < 0` the derivative's two terms have opposite signs; there it is evaluated over one
/// denominator, `e (e^3 + 4 e^2 + (6 + 4x) e + 4 (1 + x)) / (e^2 + 2e + 2)^2`.
///
/// ```
/// use rectifiers_core::{Mish, Rectifier};
/// // mpmath: x*tanh(log1p(exp(x))) at x = 1: 0.86509838826731033
/// assert_eq!(Mish.forward(1.0_f64), 0.8650983882673103);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Mish;

impl Mish {
    /// The function's name, as in the functional APIs.
    pub const NAME: &'static str = "mish";
}

impl Rectifier for Mish {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    #[inline(always)]
    fn forward_f64(&self, x: f64) -> f64 {
        if x > 30.0 {
            x
        } else if x >= -700.0 {
            let e = x.exp();
            let n = e * (e + 2.0);
            x * (n / (n + 2.0))
        } else if x >= -1300.0 {
            // tanh(sp) = e (1 + O(e)): f = x e^x, with e^x scaled so it stays normal.
            (x * exp_up(x, 0.0)) * TWO_M600
        } else if x.is_nan() {
            x
        } else {
            -0.0
        }
    }
    #[inline(always)]
    fn derivative_f64(&self, x: f64) -> f64 {
        if x > 30.0 {
            1.0
        } else if x >= 0.0 {
            let e = x.exp();
            let n = e * (e + 2.0);
            let d = n + 2.0;
            let t = n / d;
            let sig = e / (1.0 + e);
            // x sech^2 sigmoid = x sigma 4 (n + 1) / d^2; both terms positive here.
            let rest = (x * sig) * (4.0 * (n + 1.0) / d) / d;
            t + rest
        } else if x >= -700.0 {
            // Over one denominator, f' = e (e^3 + 4 e^2 + (6 + 4x) e + 4 (1 + x)) / d^2 with
            // d = e^2 + 2e + 2: for x < 0 the two terms above have opposite signs, and this
            // form leaves only the cancellation at the zero near -1.19.
            let e = x.exp();
            let d = (e + 2.0) * e + 2.0;
            let num = ((e + 4.0) * e + (6.0 + 4.0 * x)) * e + 4.0 * (1.0 + x);
            (e * num) / (d * d)
        } else if x >= -1300.0 {
            // f' = e^x (1 + x) (1 + O(e^x)).
            (exp_up(x, 0.0) * (1.0 + x)) * TWO_M600
        } else if x.is_nan() {
            x
        } else {
            // e^x (1 + x) < 0, below the smallest subnormal.
            -0.0
        }
    }
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        // The f64 formulas with `vmath::exp`, every branch computed and selected, so the
        // kernels vectorise. Below -200, x e^x is -0 in f32.
        let x = x as f64;
        let e = vmath::exp(x);
        let n = e * (e + 2.0);
        let y = x * (n / (n + 2.0));
        (if x > 30.0 {
            x
        } else if x < -200.0 {
            -0.0
        } else {
            y
        }) as f32
    }
    #[inline(always)]
    fn derivative_f32(&self, x: f32) -> f32 {
        let x = x as f64;
        let e = vmath::exp(x);
        // x >= 0: tanh(sp) + x sigmoid(x) sech^2(sp), both terms positive.
        let n = e * (e + 2.0);
        let d = n + 2.0;
        let right = n / d + (x * (e / (1.0 + e))) * (4.0 * (n + 1.0) / d) / d;
        // x < 0: over one denominator, as in the f64 path.
        let dl = (e + 2.0) * e + 2.0;
        let num = ((e + 4.0) * e + (6.0 + 4.0 * x)) * e + 4.0 * (1.0 + x);
        let left = (e * num) / (dl * dl);
        (if x > 30.0 {
            1.0
        } else if x >= 0.0 {
            right
        } else if x < -200.0 {
            -0.0
        } else {
            left
        }) as f32
    }
}
