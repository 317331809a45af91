//! The error returned when a parameter is out of its domain.

use core::fmt;

/// An invalid parameter value, reported when a function's parameter type is built.
///
/// The message names the function, the parameter, its value and the allowed range:
///
/// ```
/// use rectifiers_core::Squareplus;
///
/// let err = Squareplus::new(-1.0).unwrap_err();
/// assert_eq!(err.param(), "b");
/// assert_eq!(
///     err.to_string(),
///     "squareplus: invalid parameter b = -1.0: expected a finite b >= 0"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamError {
    function: &'static str,
    param: &'static str,
    value: f64,
    allowed: &'static str,
}

impl ParamError {
    pub(crate) const fn new(
        function: &'static str,
        param: &'static str,
        value: f64,
        allowed: &'static str,
    ) -> Self {
        Self {
            function,
            param,
            value,
            allowed,
        }
    }

    /// The function whose parameter was rejected, e.g. `"squareplus"`.
    pub fn function(&self) -> &'static str {
        self.function
    }

    /// The name of the rejected parameter, e.g. `"b"`.
    pub fn param(&self) -> &'static str {
        self.param
    }

    /// The rejected value.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The allowed range, in words, e.g. `"a finite b >= 0"`.
    pub fn allowed(&self) -> &'static str {
        self.allowed
    }

    /// The same error under the name a caller's API gives the parameter, with the allowed
    /// range in that name (Burn's and PyTorch's softplus call the core's `k` `beta`).
    ///
    /// ```
    /// use rectifiers_core::Softplus;
    ///
    /// let err = Softplus::new(0.0).unwrap_err().renamed("beta", "a finite beta > 0");
    /// assert_eq!(err.to_string(), "softplus: invalid parameter beta = 0.0: expected a finite beta > 0");
    /// ```
    pub fn renamed(self, param: &'static str, allowed: &'static str) -> Self {
        Self {
            param,
            allowed,
            ..self
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{:?}` keeps tiny and huge values short (`-1e-300`, not 300 zeros).
        write!(
            f,
            "{}: invalid parameter {} = {:?}: expected {}",
            self.function, self.param, self.value, self.allowed
        )
    }
}

impl std::error::Error for ParamError {}

/// Accepts a finite `value >= 0`.
pub(crate) fn non_negative(
    function: &'static str,
    param: &'static str,
    value: f64,
    allowed: &'static str,
) -> Result<f64, ParamError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(ParamError::new(function, param, value, allowed))
    }
}
