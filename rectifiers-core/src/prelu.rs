//! PReLU's scalar form: a leaky ReLU whose slope is learned, one per channel.

use crate::Float;

/// `x` for `x > 0`, else `alpha x` (one rounding). NaN in, NaN out.
///
/// The slice kernels [`prelu_forward`](crate::kernel::prelu_forward) and
/// [`prelu_backward`](crate::kernel::prelu_backward) apply it per channel, PyTorch's layout:
/// the channel is dimension 1, `alpha` has one element or one per channel (initialised to
/// 0.25), and `dalpha[c] = sum of x dy where x <= 0`.
///
/// ```
/// use rectifiers_core::prelu::prelu;
/// assert_eq!(prelu(-2.0_f32, 0.25), -0.5);
/// assert_eq!(prelu(3.0_f32, 0.25), 3.0);
/// ```
#[inline(always)]
pub fn prelu<T: Float>(x: T, alpha: T) -> T {
    if x > T::ZERO { x } else { x.mul(alpha) }
}

/// `d prelu / dx`: 1 for `x > 0`, else `alpha` (the left value at 0); NaN for NaN.
#[inline(always)]
pub fn prelu_derivative<T: Float>(x: T, alpha: T) -> T {
    if x > T::ZERO {
        T::from_f64(1.0)
    } else if x <= T::ZERO {
        alpha
    } else {
        x
    }
}

/// The elements per channel of a tensor of shape `dims` in PyTorch's layout `[N, C, ...]`: the
/// product of the dims after the channel (1 for a rank-2 or lower tensor), the `inner` argument
/// of the slice kernels.
///
/// ```
/// assert_eq!(rectifiers_core::prelu::inner_len(&[8, 3, 4, 5]), 20);
/// assert_eq!(rectifiers_core::prelu::inner_len(&[8, 3]), 1);
/// ```
pub fn inner_len(dims: &[usize]) -> usize {
    dims.iter().skip(2).product()
}

/// PyTorch's initial slope, `torch.nn.PReLU(init=0.25)`.
pub const DEFAULT_INIT: f64 = 0.25;

/// Checks a PReLU layer's configuration: `num_parameters >= 1` slopes, all starting at a
/// finite `init`.
///
/// ```
/// use rectifiers_core::prelu::check_init;
/// assert!(check_init(3, 0.25).is_ok());
/// assert_eq!(
///     check_init(0, 0.25).unwrap_err().to_string(),
///     "prelu: invalid parameter num_parameters = 0.0: expected num_parameters >= 1"
/// );
/// assert_eq!(check_init(1, f64::NAN).unwrap_err().param(), "alpha");
/// ```
pub fn check_init(num_parameters: usize, init: f64) -> Result<(), crate::ParamError> {
    use crate::ParamError;
    if num_parameters == 0 {
        return Err(ParamError::new(
            "prelu",
            "num_parameters",
            0.0,
            "num_parameters >= 1",
        ));
    }
    if !init.is_finite() {
        return Err(ParamError::new("prelu", "alpha", init, "a finite alpha"));
    }
    Ok(())
}
