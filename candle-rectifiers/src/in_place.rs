//! The in-place variants of the elementwise functions: `squareplus_(&xs, 4.0)?` overwrites `xs`
//! with `squareplus(&xs, 4.0)?`, bit for bit on the CPU, without allocating an output. What
//! "in place" means for a candle tensor (shared storage, no gradient, layouts, devices) is in
//! the [crate docs](crate#in-place).

use candle_core::{Result, Tensor, bail};
use rectifiers_core::{
    Elementwise, Elu, Gelu, GeluTanh, LeakyRelu, Mish, Relu, SRelu, Silu, Softplus, SoftplusApprox,
    Squareplus,
};

use crate::elementwise::InPlace;
use crate::ops::valid;

/// [`apply`](crate::apply) in place: `xs = f(xs)` for any elementwise function. See
/// [In place](crate#in-place).
pub fn apply_(xs: &Tensor, f: Elementwise) -> Result<()> {
    if xs.track_op() {
        bail!(
            "{name}_: the tensor tracks gradients (a Var, or computed from one), and an in-place \
             op records none and may overwrite values saved for backward; use {name} instead",
            name = f.name()
        );
    }
    xs.inplace_op1(&InPlace(f))
}

/// [`relu`](crate::relu) in place: `xs = max(0, xs)`. See [In place](crate#in-place).
pub fn relu_(xs: &Tensor) -> Result<()> {
    apply_(xs, Elementwise::Relu(Relu))
}

/// [`leaky_relu`](crate::leaky_relu) in place. See [In place](crate#in-place).
pub fn leaky_relu_(xs: &Tensor, negative_slope: f64) -> Result<()> {
    apply_(xs, valid(LeakyRelu::new(negative_slope))?)
}

/// [`gelu`](crate::gelu) (erf) in place. See [In place](crate#in-place).
pub fn gelu_(xs: &Tensor) -> Result<()> {
    apply_(xs, Elementwise::Gelu(Gelu))
}

/// [`gelu_tanh`](crate::gelu_tanh) in place. See [In place](crate#in-place).
pub fn gelu_tanh_(xs: &Tensor) -> Result<()> {
    apply_(xs, Elementwise::GeluTanh(GeluTanh))
}

/// [`silu`](crate::silu) in place. See [In place](crate#in-place).
pub fn silu_(xs: &Tensor) -> Result<()> {
    apply_(xs, Elementwise::Silu(Silu))
}

/// [`softplus`](crate::softplus) in place, sharpness `k > 0`. See [In place](crate#in-place).
pub fn softplus_(xs: &Tensor, k: f64) -> Result<()> {
    apply_(xs, valid(Softplus::new(k))?)
}

/// [`softplus_approx`](crate::softplus_approx) in place. See [In place](crate#in-place).
pub fn softplus_approx_(xs: &Tensor) -> Result<()> {
    apply_(xs, Elementwise::SoftplusApprox(SoftplusApprox))
}

/// [`elu`](crate::elu) in place, `alpha >= 0`. See [In place](crate#in-place).
pub fn elu_(xs: &Tensor, alpha: f64) -> Result<()> {
    apply_(xs, valid(Elu::new(alpha))?)
}

/// [`srelu`](crate::srelu) in place, `a >= 0`. See [In place](crate#in-place).
pub fn srelu_(xs: &Tensor, a: f64) -> Result<()> {
    apply_(xs, valid(SRelu::new(a))?)
}

/// [`mish`](crate::mish) in place. See [In place](crate#in-place).
pub fn mish_(xs: &Tensor) -> Result<()> {
    apply_(xs, Elementwise::Mish(Mish))
}

/// [`squareplus`](crate::squareplus) in place, `b >= 0`. See [In place](crate#in-place).
///
/// ```
/// use candle_core::{Device, Tensor};
/// let x = Tensor::new(&[0.0f32, 1.5], &Device::Cpu)?;
/// candle_rectifiers::squareplus_(&x, 4.0)?;
/// assert_eq!(x.to_vec1::<f32>()?, [1.0, 2.0]);
/// let err = candle_rectifiers::squareplus_(&x, -1.0).unwrap_err();
/// assert!(err.to_string().contains("b = -1"));
/// assert_eq!(x.to_vec1::<f32>()?, [1.0, 2.0]); // unchanged by the failed call
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn squareplus_(xs: &Tensor, b: f64) -> Result<()> {
    apply_(xs, valid(Squareplus::new(b))?)
}
