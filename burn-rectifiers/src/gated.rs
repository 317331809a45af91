//! The gated activations, `f(gate) * up`: SwiGLU (SiLU), GeGLU (GELU), ReGLU (ReLU) and the same
//! gate with every other function of the family, fused forward and backward.
//!
//! Precision: `f(gate)` as the plain function gives it, then one multiplication (f32: at most
//! 1.5 ULP where the result and `f(gate)` are normal; f16/bf16 on Flex computed in f32 and
//! rounded to the type at the end, where a composed half-precision evaluation rounds `f(gate)`
//! to the half type before multiplying). On `Fusion<CubeBackend>` (Burn's wgpu, vulkan and cuda
//! devices) the stable composition's `f(gate)` times `up` is recorded as operations that fuse
//! into one kernel (the fused path's ULP budget, `accuracy`); plain `CubeBackend` launches one
//! cubecl kernel forward and one for both gradients, on the formulas of its elementwise kernels
//! (the kernel path's budget, plus the product's rounding). Under autodiff the backward saves
//! `gate` and `up` only (two tensors; a composed `f(gate) * up` saves three) and gives both
//! gradients in one pass.

use burn::backend::Dispatch;
use burn::tensor::Tensor;
use rectifiers_core::{Elementwise, Gelu, GeluTanh, Relu, Silu};

use crate::{RectifierBackend, route};

/// `f(gate) * up` for an elementwise function of the family, fused.
///
/// `gate` and `up` must have the same shape (expand `up` first to broadcast it).
///
/// # Panics
///
/// If the shapes differ.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::{Elementwise, gated};
///
/// let device = Device::default();
/// let gate = Tensor::<1>::from_floats([-1.5, 0.0, 2.0], &device);
/// let up = Tensor::<1>::from_floats([2.0, 3.0, 0.5], &device);
/// let f: Elementwise = "squareplus(b=4)".parse().unwrap(); // Squareplus-GLU
/// let y = gated(gate, up, f);
/// assert_eq!(y.into_data().to_vec::<f32>().unwrap(), [1.0, 3.0, 1.2071068]);
/// ```
#[track_caller]
pub fn gated<const D: usize>(gate: Tensor<D>, up: Tensor<D>, f: Elementwise) -> Tensor<D> {
    let (gs, us) = (gate.dims(), up.dims());
    assert_eq!(
        gs, us,
        "{f}-gated: gate has shape {gs:?}, up has shape {us:?}: they must be the same"
    );
    let gate = gate.into_dispatch();
    if !route::has_kernels(&gate) {
        return route::elementwise(Tensor::from_dispatch(gate), f) * up;
    }
    Tensor::from_dispatch(<Dispatch as RectifierBackend>::fused_gated(
        gate,
        up.into_dispatch(),
        f,
    ))
}

/// `f(a) * b` where `a` and `b` are the first and second halves of the last dim of `x`
/// (candle-nn's `swiglu` convention, and Burn's `SwiGlu` with its two projections stacked).
/// PyTorch's `F.glu` gates with the *second* half: `F.glu(x)` is `sigmoid(b) * a`.
///
/// # Panics
///
/// If the last dim is odd.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::{Elementwise, gated_split};
///
/// let x = Tensor::<2>::from_floats([[0.0, -2.0, 5.0, 7.0]], &Device::default());
/// let y = gated_split(x, Elementwise::Relu(rectifiers_core::Relu)); // ReGLU
/// assert_eq!(y.into_data().to_vec::<f32>().unwrap(), [0.0, 0.0]);
/// ```
#[track_caller]
pub fn gated_split<const D: usize>(x: Tensor<D>, f: Elementwise) -> Tensor<D> {
    let n = x.dims()[D - 1];
    assert!(
        n.is_multiple_of(2),
        "{f}-gated: the last dim ({n}) must be even to split into gate and up"
    );
    let gate = x.clone().narrow(D - 1, 0, n / 2);
    let up = x.narrow(D - 1, n / 2, n / 2);
    gated(gate, up, f)
}

/// SwiGLU, `silu(a) * b` with `[a, b]` the halves of the last dim ([`gated_split`] with SiLU).
#[track_caller]
pub fn swiglu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    gated_split(x, Elementwise::Silu(Silu))
}

/// GeGLU, `gelu(a) * b` (exact GELU) with `[a, b]` the halves of the last dim.
#[track_caller]
pub fn geglu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    gated_split(x, Elementwise::Gelu(Gelu))
}

/// GeGLU with GELU's tanh approximation.
#[track_caller]
pub fn geglu_tanh<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    gated_split(x, Elementwise::GeluTanh(GeluTanh))
}

/// ReGLU, `relu(a) * b` with `[a, b]` the halves of the last dim.
#[track_caller]
pub fn reglu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    gated_split(x, Elementwise::Relu(Relu))
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Device;

    #[test]
    #[should_panic(expected = "gate has shape [2], up has shape [3]")]
    fn mismatched_shapes_panic() {
        let device = Device::default();
        let _ = gated(
            Tensor::<1>::zeros([2], &device),
            Tensor::<1>::zeros([3], &device),
            Elementwise::Relu(Relu),
        );
    }
}
