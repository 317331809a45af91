//! The functional API: one function per rectifier on [`Tensor`], for any backend and device.
//!
//! Scalar parameters are `f64`, as in Burn's own `leaky_relu(x, 0.01)`. An invalid parameter
//! panics with a message naming it (`squareplus: invalid parameter b = -1.0: expected a finite
//! b >= 0`), as Burn's functions do; the modules' configs offer `try_init` to get it as an error.
//! On an autodiff device the result is differentiable: the backward is one fused pass that
//! saves only the input. On a backend without this crate's kernels (see
//! [`runs_kernels`](crate::runs_kernels)) the functions run the composed fallback.

use burn::backend::Dispatch;
use burn::tensor::Tensor;

use rectifiers_core::{
    Elementwise, Elu, Gelu, GeluTanh, LeakyRelu, Mish, ParamError, Relu, SRelu, Silu, Softplus,
    SoftplusApprox, Squareplus,
};

use crate::{RectifierBackend, route};

/// `f(x)` for an elementwise function chosen at run time, fused.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::{Elementwise, apply};
///
/// let x = Tensor::<1>::from_floats([-1.5, 0.0], &Device::default());
/// let f: Elementwise = "squareplus(b=4)".parse().unwrap();
/// let y = apply(x, f);
/// assert_eq!(y.into_data().try_to_vec::<f32>().unwrap(), [0.5, 1.0]);
/// ```
pub fn apply<const D: usize>(x: Tensor<D>, f: Elementwise) -> Tensor<D> {
    let x = x.into_dispatch();
    if !route::has_kernels(&x) {
        return route::elementwise(Tensor::from_dispatch(x), f);
    }
    Tensor::from_dispatch(<Dispatch as RectifierBackend>::fused_elementwise(x, f))
}

/// The function, or a panic with the core's message naming the invalid parameter.
#[track_caller]
fn valid<R: Into<Elementwise>>(r: Result<R, ParamError>) -> Elementwise {
    r.unwrap_or_else(|e| panic!("{e}")).into()
}

/// max(0, x).
///
/// Derivative: 1 for x > 0, else 0. Fused on NdArray, Flex and the cubecl backends.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::relu;
///
/// let x = Tensor::<1>::from_floats([-1.0, 0.0, 2.0], &Device::default());
/// let y = relu(x);
/// assert_eq!(y.into_data().try_to_vec::<f32>().unwrap(), [0.0, 0.0, 2.0]);
/// ```
pub fn relu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    apply(x, Elementwise::Relu(Relu))
}

/// x for x > 0, else negative_slope * x.
///
/// Derivative: 1 or negative_slope. Fused on NdArray, Flex and the cubecl backends.
///
/// # Panics
///
/// If `negative_slope` is not finite.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::leaky_relu;
///
/// let x = Tensor::<1>::from_floats([-1.0, 2.0], &Device::default());
/// let y = leaky_relu(x, 0.01);
/// assert_eq!(y.into_data().try_to_vec::<f32>().unwrap(), [-0.01, 2.0]);
/// ```
#[track_caller]
pub fn leaky_relu<const D: usize>(x: Tensor<D>, negative_slope: f64) -> Tensor<D> {
    apply(x, valid(LeakyRelu::new(negative_slope)))
}

/// x Φ(x) = x/2 erfc(-x/√2).
///
/// Derivative: Φ(x) + x φ(x). Fused on NdArray, Flex and the cubecl backends.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::gelu;
///
/// let x = Tensor::<1>::from_floats([0.0, 1.0], &Device::default());
/// let y = gelu(x);
/// assert_eq!(y.dims(), [2]);
/// ```
pub fn gelu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    apply(x, Elementwise::Gelu(Gelu))
}

/// x σ(v), v = 2 √(2/π) (x + 0.044715 x³): the tanh approximation of GELU.
///
/// Derivative: σ(v) (1 + x (1 - σ(v)) v'). Fused on NdArray, Flex and the cubecl backends.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::gelu_tanh;
///
/// let x = Tensor::<1>::from_floats([0.0, 1.0], &Device::default());
/// let y = gelu_tanh(x);
/// assert_eq!(y.dims(), [2]);
/// ```
pub fn gelu_tanh<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    apply(x, Elementwise::GeluTanh(GeluTanh))
}

/// x σ(x).
///
/// Derivative: σ(x) (1 + x (1 - σ(x))). Fused on NdArray, Flex and the cubecl backends.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::silu;
///
/// let x = Tensor::<1>::from_floats([0.0, 1.0], &Device::default());
/// let y = silu(x);
/// assert_eq!(y.dims(), [2]);
/// ```
pub fn silu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    apply(x, Elementwise::Silu(Silu))
}

/// ln(1 + e^{β x}) / β, the sharp softplus with sharpness `beta` (Burn's and PyTorch's name;
/// β = 1 is the usual one).
///
/// Derivative: σ(β x). Fused on NdArray, Flex and the cubecl backends. Exact at every x: no
/// `threshold` above which x is returned, as Burn's and PyTorch's have.
///
/// # Panics
///
/// If `beta` is not finite and > 0.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::softplus;
///
/// let x = Tensor::<1>::from_floats([0.0, 100.0], &Device::default());
/// let y = softplus(x, 1.0);
/// assert_eq!(y.dims(), [2]);
/// ```
#[track_caller]
pub fn softplus<const D: usize>(x: Tensor<D>, beta: f64) -> Tensor<D> {
    let f = Softplus::new(beta).map_err(|e| e.renamed("beta", "a finite beta > 0"));
    apply(x, valid(f))
}

/// x / (1 - e^{-x/ln 2}), and ln 2 at 0.
///
/// Derivative: its exact derivative, 1/2 at 0. Fused on NdArray, Flex and the cubecl backends.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::softplus_approx;
///
/// let x = Tensor::<1>::from_floats([0.0, 100.0], &Device::default());
/// let y = softplus_approx(x);
/// assert_eq!(y.dims(), [2]);
/// ```
pub fn softplus_approx<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    apply(x, Elementwise::SoftplusApprox(SoftplusApprox))
}

/// x for x > 0, else alpha (e^x - 1).
///
/// Derivative: 1 or alpha e^x. Fused on NdArray, Flex and the cubecl backends.
///
/// # Panics
///
/// If `alpha` is not finite and >= 0.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::elu;
///
/// let x = Tensor::<1>::from_floats([0.0, 2.0], &Device::default());
/// let y = elu(x, 1.0);
/// assert_eq!(y.into_data().try_to_vec::<f32>().unwrap(), [0.0, 2.0]);
/// ```
#[track_caller]
pub fn elu<const D: usize>(x: Tensor<D>, alpha: f64) -> Tensor<D> {
    apply(x, valid(Elu::new(alpha)))
}

/// max(-a, x), the shifted ReLU.
///
/// Derivative: 1 for x > -a, else 0. Fused on NdArray, Flex and the cubecl backends.
///
/// # Panics
///
/// If `a` is not finite and >= 0.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::srelu;
///
/// let x = Tensor::<1>::from_floats([-3.0, -0.5, 2.0], &Device::default());
/// let y = srelu(x, 1.0);
/// assert_eq!(y.into_data().try_to_vec::<f32>().unwrap(), [-1.0, -0.5, 2.0]);
/// ```
#[track_caller]
pub fn srelu<const D: usize>(x: Tensor<D>, a: f64) -> Tensor<D> {
    apply(x, valid(SRelu::new(a)))
}

/// x tanh(softplus(x)).
///
/// Derivative: tanh(sp) + x sech²(sp) σ(x). Fused on NdArray, Flex and the cubecl backends.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::mish;
///
/// let x = Tensor::<1>::from_floats([0.0, 1.0], &Device::default());
/// let y = mish(x);
/// assert_eq!(y.dims(), [2]);
/// ```
pub fn mish<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    apply(x, Elementwise::Mish(Mish))
}

/// (x + √(x² + b)) / 2 (b = 0 is ReLU).
///
/// Derivative: (1 + x / √(x² + b)) / 2. Fused on NdArray, Flex and the cubecl backends.
///
/// # Panics
///
/// If `b` is not finite and >= 0.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::squareplus;
///
/// let x = Tensor::<1>::from_floats([0.0, -1.5], &Device::default());
/// let y = squareplus(x, 4.0);
/// assert_eq!(y.into_data().try_to_vec::<f32>().unwrap(), [1.0, 0.5]);
/// ```
#[track_caller]
pub fn squareplus<const D: usize>(x: Tensor<D>, b: f64) -> Tensor<D> {
    apply(x, valid(Squareplus::new(b)))
}

/// PReLU, `x` for `x > 0`, else `alpha_c x`, with a learned slope per channel.
///
/// `alpha` has shape `[1]` (one slope) or `[C]`, the channels being dim 1 of `x` (PyTorch's
/// layout: `[N, C, ...]`). Gradients flow to both `x` and `alpha`; `dalpha_c` is the sum of
/// `x dy` over the elements of channel `c` with `x <= 0`.
///
/// # Panics
///
/// If `alpha` is not `[1]` or `[C]` with `C = x.dims()[1]`.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::prelu;
///
/// let device = Device::default();
/// let x = Tensor::<2>::from_floats([[-1.0, 2.0], [-4.0, -1.0]], &device);
/// let alpha = Tensor::<1>::from_floats([0.25, 0.5], &device);
/// let y = prelu(x, alpha);
/// assert_eq!(y.into_data().try_to_vec::<f32>().unwrap(), [-0.25, 2.0, -1.0, -0.5]);
/// ```
#[track_caller]
pub fn prelu<const D: usize>(x: Tensor<D>, alpha: Tensor<1>) -> Tensor<D> {
    let [c] = alpha.dims();
    let dims = x.dims();
    assert!(
        c == 1 || (D >= 2 && dims[1] == c),
        "prelu: alpha has {c} elements, expected 1 or the channel count (dim 1 of x, shape {dims:?})"
    );
    let x = x.into_dispatch();
    if !route::has_kernels(&x) {
        return crate::composed::prelu(Tensor::from_dispatch(x), alpha);
    }
    Tensor::from_dispatch(<Dispatch as RectifierBackend>::fused_prelu(
        x,
        alpha.into_dispatch(),
    ))
}

/// LSE0+, `ln(1 + Σ_i e^{x_i})` over `dim`: log-sum-exp with an extra zero logit, a smooth
/// upper bound of `max(0, max_i x_i)`.
///
/// The dim is kept with size 1, as [`Tensor::sum_dim`] does. Gradient: the softmax of `x`
/// with the zero logit, `e^{x_i} / (1 + Σ_j e^{x_j})`.
///
/// # Panics
///
/// If `dim >= D`.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::lse0_plus;
///
/// let x = Tensor::<2>::from_floats([[0.0, 0.0, 0.0], [1000.0, 0.0, -1000.0]], &Device::default());
/// let y = lse0_plus(x, 1);
/// assert_eq!(y.dims(), [2, 1]);
/// let y = y.into_data().try_to_vec::<f32>().unwrap();
/// assert_eq!(y, [4.0_f32.ln(), 1000.0]);
/// ```
#[track_caller]
pub fn lse0_plus<const D: usize>(x: Tensor<D>, dim: usize) -> Tensor<D> {
    assert!(
        dim < D,
        "lse0_plus: dim {dim} is out of range for a tensor of rank {D}"
    );
    let x = x.into_dispatch();
    if !route::has_kernels(&x) {
        return crate::composed::lse0_plus(Tensor::from_dispatch(x), dim);
    }
    Tensor::from_dispatch(<Dispatch as RectifierBackend>::fused_lse0_plus(x, dim))
}
