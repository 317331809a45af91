//! SReLU, the shifted ReLU: `max(-a, x)`.

use crate::{ParamError, Rectifier, error::non_negative};

/// The shifted ReLU `f(x) = max(-a, x)`, `a >= 0` (default 1); `f'(x) = 1` for `x > -a`,
/// else `0` (the left value at the kink). NaN in, NaN out.
///
/// ```
/// use rectifiers_core::{Rectifier, SRelu};
/// let srelu = SRelu::new(1.0)?;
/// assert_eq!(srelu.forward(-3.0_f32), -1.0);
/// assert_eq!(srelu.forward(-0.5_f32), -0.5);
/// # Ok::<(), rectifiers_core::ParamError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SRelu {
    a: f64,
}

impl SRelu {
    /// The function's name, as in the functional APIs.
    pub const NAME: &'static str = "srelu";

    /// The default shift.
    pub const DEFAULT_A: f64 = 1.0;

    /// SReLU with floor `-a`; `a` must be finite and `>= 0`.
    pub fn new(a: f64) -> Result<Self, ParamError> {
        non_negative(Self::NAME, "a", a, "a finite a >= 0").map(|a| Self { a })
    }

    /// The shift `a` (the output's floor is `-a`).
    pub fn a(&self) -> f64 {
        self.a
    }
}

impl Default for SRelu {
    fn default() -> Self {
        Self { a: Self::DEFAULT_A }
    }
}

impl Rectifier for SRelu {
    fn name(&self) -> &'static str {
        Self::NAME
    }
    const PARALLEL_MIN_LEN: usize = crate::kernel::CHEAP_PARALLEL_MIN_LEN;

    #[inline(always)]
    fn forward_f64(&self, x: f64) -> f64 {
        // `x <= -a` is false for NaN, so NaN passes through.
        if x <= -self.a { -self.a } else { x }
    }
    #[inline(always)]
    fn derivative_f64(&self, x: f64) -> f64 {
        if x > -self.a {
            1.0
        } else if x <= -self.a {
            0.0
        } else {
            x
        }
    }
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        // The comparison is exact in f64; `-a` is rounded once to f32.
        self.forward_f64(x as f64) as f32
    }
    #[inline(always)]
    fn derivative_f32(&self, x: f32) -> f32 {
        self.derivative_f64(x as f64) as f32
    }
}
