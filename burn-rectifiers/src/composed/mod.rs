//! The family composed from Burn's own tensor operations, in two forms.
//!
//! - **Stable** ([`stable`], [`stable_backward`]): each function and derivative evaluated the way
//!   the core does (no cancellation, no overflow, no premature underflow), from operations the
//!   elementwise fuser of Burn's Fusion backends accepts. These are the default bodies of
//!   [`RectifierBackend`](crate::RectifierBackend)'s elementwise methods: on `Fusion<B>` (the
//!   wgpu, vulkan and cuda devices) they are what runs, fused with the operations around them,
//!   and any backend without kernels of its own falls back to them.
//! - **Textbook** ([`elementwise`], [`prelu`], [`lse0_plus`]): the forms a user would write
//!   (`(x + sqrt(x^2 + b)) / 2` for squareplus), the "composed" variant of the benchmarks.
//!
//! ```
//! use burn::tensor::{Device, Tensor};
//! use burn_rectifiers::{Elementwise, composed};
//! use rectifiers_core::Squareplus;
//!
//! let f = Elementwise::Squareplus(Squareplus::new(4.0)?);
//! let x = Tensor::<1>::from_floats([-1.0e4, 0.0, 3.0], &Device::default());
//! let textbook = composed::elementwise(x.clone(), f).into_data().to_vec::<f32>().unwrap();
//! let stable = composed::stable(x, f).into_data().to_vec::<f32>().unwrap();
//! assert_eq!(textbook[0], 0.0); // x + sqrt(x^2 + b) cancels
//! assert!((stable[0] - 1.0e-4).abs() < 1.0e-10); // b / (2 (sqrt(x^2 + b) - x))
//! # Ok::<(), burn_rectifiers::ParamError>(())
//! ```

mod expr;
mod naive;
mod parts;
mod stable;

use burn::backend::Dispatch;
use burn::tensor::Tensor;
use rectifiers_core::Elementwise;

pub(crate) use naive::{lse0_plus_backward, lse0_plus_dispatch, prelu_backward, prelu_dispatch};
pub(crate) use stable::{backward as stable_backward_dispatch, forward as stable_dispatch};

use burn::backend::{Backend, tensor::FloatTensor};

/// `f(gate) * up` by the stable composition: the default body of `fused_gated`.
pub(crate) fn gated_dispatch<B: Backend>(
    f: Elementwise,
    gate: FloatTensor<B>,
    up: FloatTensor<B>,
) -> FloatTensor<B> {
    B::float_mul(stable::forward::<B>(f, gate), up)
}

/// `(grad up f'(gate), grad f(gate))` by the stable composition.
pub(crate) fn gated_backward_dispatch<B: Backend>(
    f: Elementwise,
    gate: FloatTensor<B>,
    up: FloatTensor<B>,
    grad: FloatTensor<B>,
) -> (FloatTensor<B>, FloatTensor<B>) {
    let d_up = B::float_mul(grad.clone(), stable::forward::<B>(f, gate.clone()));
    let d_gate = stable::backward::<B>(f, gate, B::float_mul(grad, up));
    (d_gate, d_up)
}

/// `f(x)`, the stable composition (what the Fusion backends run).
pub fn stable<const D: usize>(x: Tensor<D>, f: Elementwise) -> Tensor<D> {
    Tensor::from_dispatch(stable::forward::<Dispatch>(f, x.into_dispatch()))
}

/// `f'(x) grad`, the stable composition of the derivative.
pub fn stable_backward<const D: usize>(x: Tensor<D>, grad: Tensor<D>, f: Elementwise) -> Tensor<D> {
    Tensor::from_dispatch(stable::backward::<Dispatch>(
        f,
        x.into_dispatch(),
        grad.into_dispatch(),
    ))
}

/// `f(x)` in its textbook form.
pub fn elementwise<const D: usize>(x: Tensor<D>, f: Elementwise) -> Tensor<D> {
    Tensor::from_dispatch(naive::forward::<Dispatch>(f, x.into_dispatch()))
}

/// `f(gate) * up` in its textbook form (the "composed" gated activation: `f`, then a multiply).
pub fn gated<const D: usize>(gate: Tensor<D>, up: Tensor<D>, f: Elementwise) -> Tensor<D> {
    elementwise(gate, f) * up
}

/// `f(gate) * up` by the stable composition.
pub fn stable_gated<const D: usize>(gate: Tensor<D>, up: Tensor<D>, f: Elementwise) -> Tensor<D> {
    Tensor::from_dispatch(gated_dispatch::<Dispatch>(
        f,
        gate.into_dispatch(),
        up.into_dispatch(),
    ))
}

/// PReLU in its textbook form (`alpha` as in [`crate::prelu`]).
pub fn prelu<const D: usize>(x: Tensor<D>, alpha: Tensor<1>) -> Tensor<D> {
    Tensor::from_dispatch(naive::prelu_dispatch::<Dispatch>(
        x.into_dispatch(),
        alpha.into_dispatch(),
    ))
}

/// LSE0+ in its textbook form (`dim` kept, as in [`crate::lse0_plus`]).
pub fn lse0_plus<const D: usize>(x: Tensor<D>, dim: usize) -> Tensor<D> {
    Tensor::from_dispatch(naive::lse0_plus_dispatch::<Dispatch>(
        x.into_dispatch(),
        dim,
    ))
}
