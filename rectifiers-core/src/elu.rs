//! ELU: `x` for `x > 0`, else `a (e^x - 1)`.

use crate::{ParamError, Rectifier, error::non_negative, support::vmath};

/// The exponential linear unit: `f(x) = x` for `x > 0`, else `a (e^x - 1)`, `a >= 0`
/// (default 1); `f'(x) = 1` for `x > 0`, else `a e^x`.
///
/// Evaluated with `expm1`, so `f` keeps full relative accuracy near 0. The derivative is taken
/// from the input: from the output, `y + a` would cancel for `x << 0`.
///
/// ```
/// use rectifiers_core::{Elu, Rectifier};
/// let elu = Elu::default();
/// // mpmath: expm1(-1e-10) = -9.9999999995000000000e-11
/// assert_eq!(elu.forward(-1e-10_f64), -9.999999999500001e-11);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Elu {
    alpha: f64,
}

impl Elu {
    /// The function's name, as in the functional APIs.
    pub const NAME: &'static str = "elu";

    /// The default `alpha`.
    pub const DEFAULT_ALPHA: f64 = 1.0;

    /// ELU with scale `alpha`, which must be finite and `>= 0`.
    pub fn new(alpha: f64) -> Result<Self, ParamError> {
        non_negative(Self::NAME, "alpha", alpha, "a finite alpha >= 0").map(|alpha| Self { alpha })
    }

    /// The scale `alpha` of the negative part.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
}

impl Default for Elu {
    fn default() -> Self {
        Self {
            alpha: Self::DEFAULT_ALPHA,
        }
    }
}

impl Rectifier for Elu {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    #[inline(always)]
    fn forward_f64(&self, x: f64) -> f64 {
        if x > 0.0 { x } else { self.alpha * x.exp_m1() }
    }
    #[inline(always)]
    fn derivative_f64(&self, x: f64) -> f64 {
        if x > 0.0 { 1.0 } else { self.alpha * x.exp() }
    }
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        // The f64 formula with `vmath`, whose branches are selects: the kernels vectorise.
        let x = x as f64;
        let left = self.alpha * vmath::expm1(x);
        (if x > 0.0 { x } else { left }) as f32
    }
    #[inline(always)]
    fn derivative_f32(&self, x: f32) -> f32 {
        let x = x as f64;
        let left = self.alpha * vmath::exp(x);
        (if x > 0.0 { 1.0 } else { left }) as f32
    }
}
