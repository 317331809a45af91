//! ReLU: `max(0, x)`.

use crate::Rectifier;

/// The rectified linear unit, `f(x) = max(0, x)`; `f'(x) = 1` for `x > 0`, else `0`.
///
/// `relu(-0) = +0`; NaN in, NaN out (also for the derivative).
///
/// ```
/// use rectifiers_core::{Rectifier, Relu};
/// assert_eq!(Relu.forward(-2.0_f32), 0.0);
/// assert_eq!(Relu.forward(3.0_f64), 3.0);
/// assert_eq!(Relu.derivative(0.0_f64), 0.0); // the left value at the kink
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Relu;

impl Relu {
    /// The function's name, as in the functional APIs.
    pub const NAME: &'static str = "relu";
}

impl Rectifier for Relu {
    fn name(&self) -> &'static str {
        Self::NAME
    }
    const PARALLEL_MIN_LEN: usize = crate::kernel::CHEAP_PARALLEL_MIN_LEN;

    #[inline(always)]
    fn forward_f64(&self, x: f64) -> f64 {
        // `x <= 0` is false for NaN, so NaN passes through; -0 becomes +0.
        if x <= 0.0 { 0.0 } else { x }
    }
    #[inline(always)]
    fn derivative_f64(&self, x: f64) -> f64 {
        if x > 0.0 {
            1.0
        } else if x <= 0.0 {
            0.0
        } else {
            x
        }
    }
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        if x <= 0.0 { 0.0 } else { x }
    }
    #[inline(always)]
    fn derivative_f32(&self, x: f32) -> f32 {
        if x > 0.0 {
            1.0
        } else if x <= 0.0 {
            0.0
        } else {
            x
        }
    }
}
