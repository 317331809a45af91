//! [`RectifierBackend`]: the backend extension trait, with composed default bodies.

use burn::backend::{Backend, backend_extension, tensor::FloatTensor};

use rectifiers_core::Elementwise;

use crate::composed;

/// The rectifier family as backend operations.
///
/// Every method has a default body composed from Burn's own tensor operations (the reference
/// the kernels are tested and benchmarked against, and what a backend without kernels runs).
/// The backends this crate supports override them (in `src/backends/`): NdArray and Flex call
/// the slice kernels of [`rectifiers_core`]; `CubeBackend` (wgpu, vulkan, cuda) launches cubecl
/// kernels; on `Fusion<CubeBackend>` the elementwise methods run their default bodies, recorded
/// as operations that fuse, and PReLU and LSE0+ are lazy custom operations around the
/// `CubeBackend` kernels; `Autodiff` differentiates each forward with its fused backward,
/// saving the input only.
///
/// Users call the functions of this crate ([`squareplus`](crate::squareplus), ...) or its
/// modules; the trait is public so that other backends can opt in. Parameters are validated by
/// those functions, not here.
///
/// The elementwise functions share one forward and one backward method, which take the function
/// with its validated parameter ([`Elementwise`]). Each backward method takes the forward's input
/// `x` and the output gradient `grad`, and returns the input gradient `f'(x) grad` (PReLU: also
/// the gradient of `alpha`).
#[backend_extension(
    NdArray: cfg(feature = "ndarray"),
    Flex: cfg(feature = "flex"),
    Cube: cfg(feature = "cube"),
    Fusion: cfg(feature = "cube"),
    Autodiff: cfg(feature = "autodiff"),
)]
pub trait RectifierBackend: Backend {
    /// `f(x)` for an elementwise function of the family.
    ///
    /// On `Fusion<B>` the default body runs: the stable composition
    /// ([`composed::stable`]) is recorded as ordinary operations, which fuse with the ones
    /// around them.
    #[fusion(default)]
    fn fused_elementwise(x: FloatTensor<Self>, f: Elementwise) -> FloatTensor<Self> {
        composed::stable_dispatch::<Self>(f, x)
    }

    /// The backward of [`fused_elementwise`](Self::fused_elementwise): `f'(x) grad`
    /// ([`composed::stable_backward`] by default, fused on `Fusion<B>` as the forward is).
    #[fusion(default)]
    fn fused_elementwise_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        f: Elementwise,
    ) -> FloatTensor<Self> {
        composed::stable_backward_dispatch::<Self>(f, x, grad)
    }

    /// The gated activation `f(gate) * up` (SwiGLU with SiLU, GeGLU with GELU, ReGLU with ReLU,
    /// and every other function of the family), `gate` and `up` of the same shape.
    ///
    /// On `Fusion<B>` the default body runs: the stable composition times `up`, recorded as
    /// operations that fuse. `CubeBackend` launches one kernel.
    #[fusion(default)]
    fn fused_gated(
        gate: FloatTensor<Self>,
        up: FloatTensor<Self>,
        f: Elementwise,
    ) -> FloatTensor<Self> {
        composed::gated_dispatch::<Self>(f, gate, up)
    }

    /// The backward of [`fused_gated`](Self::fused_gated) from the saved `gate` and `up`:
    /// `(d_gate, d_up) = (grad up f'(gate), grad f(gate))` (one kernel for both on
    /// `CubeBackend`).
    #[fusion(default)]
    fn fused_gated_backward(
        gate: FloatTensor<Self>,
        up: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        f: Elementwise,
    ) -> (FloatTensor<Self>, FloatTensor<Self>) {
        composed::gated_backward_dispatch::<Self>(f, gate, up, grad)
    }

    /// PReLU, `x` for `x > 0`, else `alpha_c x`, with `alpha` of shape `[1]` or `[C]` and the
    /// channel on dim 1 of `x` (PyTorch's layout).
    #[fusion(dtype = x, shape = x)]
    fn fused_prelu(x: FloatTensor<Self>, alpha: FloatTensor<Self>) -> FloatTensor<Self> {
        composed::prelu_dispatch::<Self>(x, alpha)
    }

    /// The backward of [`fused_prelu`](Self::fused_prelu): `(dx, dalpha)`, with `dalpha` of
    /// `alpha`'s shape.
    #[fusion(meta = |x, alpha, _grad| (x.clone(), alpha.clone()))]
    fn fused_prelu_backward(
        x: FloatTensor<Self>,
        alpha: FloatTensor<Self>,
        grad: FloatTensor<Self>,
    ) -> (FloatTensor<Self>, FloatTensor<Self>) {
        composed::prelu_backward::<Self>(x, alpha, grad)
    }

    /// LSE0+, `ln(1 + Σ_i e^{x_i})` over `dim`, which is kept with size 1.
    #[fusion(dtype = x, shape = reduced_shape(x, dim))]
    fn fused_lse0_plus(x: FloatTensor<Self>, dim: usize) -> FloatTensor<Self> {
        composed::lse0_plus_dispatch::<Self>(x, dim)
    }

    /// The backward of [`fused_lse0_plus`](Self::fused_lse0_plus): `grad` (size 1 on `dim`)
    /// times the softmax of `x` with an extra zero logit.
    #[fusion(dtype = x, shape = x)]
    fn fused_lse0_plus_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        dim: usize,
    ) -> FloatTensor<Self> {
        composed::lse0_plus_backward::<Self>(x, grad, dim)
    }
}

/// `shape` with `dim` reduced to 1: the output shape of LSE0+.
#[cfg_attr(not(feature = "cube"), allow(dead_code))] // used by the Fusion annotation
fn reduced_shape(shape: &burn::tensor::Shape, dim: &usize) -> burn::tensor::Shape {
    let mut shape = shape.clone();
    shape[*dim] = 1;
    shape
}
