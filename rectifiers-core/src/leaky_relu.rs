//! Leaky ReLU: `x` for `x > 0`, else `s x`.

use crate::{ParamError, Rectifier};

/// Leaky ReLU with negative slope `s`: `f(x) = x` for `x > 0`, else `s x`;
/// `f'(x) = 1` for `x > 0`, else `s` (the left value at 0).
///
/// `s` defaults to 0.01 (PyTorch's `negative_slope`) and may be any finite number.
///
/// ```
/// use rectifiers_core::{LeakyRelu, Rectifier};
/// let leaky = LeakyRelu::new(0.1)?;
/// assert_eq!(leaky.forward(-2.0_f64), -0.2);
/// assert!(LeakyRelu::new(f64::NAN).is_err());
/// # Ok::<(), rectifiers_core::ParamError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeakyRelu {
    slope: f64,
}

impl LeakyRelu {
    /// The function's name, as in the functional APIs.
    pub const NAME: &'static str = "leaky_relu";

    /// PyTorch's default negative slope.
    pub const DEFAULT_SLOPE: f64 = 0.01;

    /// Leaky ReLU with negative slope `slope`, which must be finite.
    pub fn new(slope: f64) -> Result<Self, ParamError> {
        if slope.is_finite() {
            Ok(Self { slope })
        } else {
            Err(ParamError::new(
                Self::NAME,
                "negative_slope",
                slope,
                "a finite negative_slope",
            ))
        }
    }

    /// The negative slope `s`.
    pub fn slope(&self) -> f64 {
        self.slope
    }
}

impl Default for LeakyRelu {
    fn default() -> Self {
        Self {
            slope: Self::DEFAULT_SLOPE,
        }
    }
}

impl Rectifier for LeakyRelu {
    fn name(&self) -> &'static str {
        Self::NAME
    }
    const PARALLEL_MIN_LEN: usize = crate::kernel::CHEAP_PARALLEL_MIN_LEN;

    #[inline(always)]
    fn forward_f64(&self, x: f64) -> f64 {
        if x > 0.0 { x } else { self.slope * x }
    }
    #[inline(always)]
    fn derivative_f64(&self, x: f64) -> f64 {
        if x > 0.0 {
            1.0
        } else if x <= 0.0 {
            self.slope
        } else {
            x
        }
    }
    #[inline(always)]
    fn forward_f32(&self, x: f32) -> f32 {
        // The product of the f64 slope and an f32 is rounded once, to f32.
        self.forward_f64(x as f64) as f32
    }
    #[inline(always)]
    fn derivative_f32(&self, x: f32) -> f32 {
        self.derivative_f64(x as f64) as f32
    }
}
