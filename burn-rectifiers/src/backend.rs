//! [`RectifierBackend`]: the backend extension trait, with composed default bodies.

use burn::backend::{Backend, backend_extension, tensor::FloatTensor};

use crate::Elementwise;
use crate::composed;

/// The rectifier family as backend operations.
///
/// Every method has a default body composed from Burn's own tensor operations (the fallback, and
/// the reference the fused kernels are tested and benchmarked against). The backends this crate
/// supports override them with fused kernels: NdArray and Flex call the slice kernels of
/// [`rectifiers_core`]; `CubeBackend` (wgpu, vulkan, cuda) launches one cubecl kernel; `Fusion`
/// records them as lazy custom operations; `Autodiff` differentiates each forward with its fused
/// backward, saving the input only.
///
/// Users call the functions of this crate ([`squareplus`](crate::squareplus), ...) or its
/// modules; the trait is public so that other backends can opt in. Parameters are validated by
/// those functions, not here.
///
/// Each backward method takes the forward's input `x` and the output gradient `grad`, and returns
/// the input gradient `f'(x) grad` (PReLU: also the gradient of `alpha`).
#[backend_extension(
    NdArray: cfg(feature = "ndarray"),
    Flex: cfg(feature = "flex"),
    Cube: cfg(feature = "cube"),
    Fusion: cfg(feature = "cube"),
    Autodiff: cfg(feature = "autodiff"),
)]
pub trait RectifierBackend: Backend {
    /// `max(0, x)`.
    #[fusion(dtype = x, shape = x)]
    fn fused_relu(x: FloatTensor<Self>) -> FloatTensor<Self> {
        composed::forward::<Self>(Elementwise::Relu, x, 0.0)
    }

    /// The backward of [`fused_relu`](Self::fused_relu).
    #[fusion(dtype = x, shape = x)]
    fn fused_relu_backward(x: FloatTensor<Self>, grad: FloatTensor<Self>) -> FloatTensor<Self> {
        composed::backward::<Self>(Elementwise::Relu, x, grad, 0.0)
    }

    /// `x` for `x > 0`, else `negative_slope * x`.
    #[fusion(dtype = x, shape = x)]
    fn fused_leaky_relu(x: FloatTensor<Self>, negative_slope: f64) -> FloatTensor<Self> {
        composed::forward::<Self>(Elementwise::LeakyRelu, x, negative_slope)
    }

    /// The backward of [`fused_leaky_relu`](Self::fused_leaky_relu).
    #[fusion(dtype = x, shape = x)]
    fn fused_leaky_relu_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        negative_slope: f64,
    ) -> FloatTensor<Self> {
        composed::backward::<Self>(Elementwise::LeakyRelu, x, grad, negative_slope)
    }

    /// `x Φ(x)`, with the exact normal CDF.
    #[fusion(dtype = x, shape = x)]
    fn fused_gelu(x: FloatTensor<Self>) -> FloatTensor<Self> {
        composed::forward::<Self>(Elementwise::Gelu, x, 0.0)
    }

    /// The backward of [`fused_gelu`](Self::fused_gelu).
    #[fusion(dtype = x, shape = x)]
    fn fused_gelu_backward(x: FloatTensor<Self>, grad: FloatTensor<Self>) -> FloatTensor<Self> {
        composed::backward::<Self>(Elementwise::Gelu, x, grad, 0.0)
    }

    /// `x σ(2 √(2/π) (x + 0.044715 x³))`, the tanh approximation of GELU.
    #[fusion(dtype = x, shape = x)]
    fn fused_gelu_tanh(x: FloatTensor<Self>) -> FloatTensor<Self> {
        composed::forward::<Self>(Elementwise::GeluTanh, x, 0.0)
    }

    /// The backward of [`fused_gelu_tanh`](Self::fused_gelu_tanh).
    #[fusion(dtype = x, shape = x)]
    fn fused_gelu_tanh_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        composed::backward::<Self>(Elementwise::GeluTanh, x, grad, 0.0)
    }

    /// `x σ(x)`.
    #[fusion(dtype = x, shape = x)]
    fn fused_silu(x: FloatTensor<Self>) -> FloatTensor<Self> {
        composed::forward::<Self>(Elementwise::Silu, x, 0.0)
    }

    /// The backward of [`fused_silu`](Self::fused_silu).
    #[fusion(dtype = x, shape = x)]
    fn fused_silu_backward(x: FloatTensor<Self>, grad: FloatTensor<Self>) -> FloatTensor<Self> {
        composed::backward::<Self>(Elementwise::Silu, x, grad, 0.0)
    }

    /// `ln(1 + e^{k x}) / k`, sharpness `k > 0`.
    #[fusion(dtype = x, shape = x)]
    fn fused_softplus(x: FloatTensor<Self>, k: f64) -> FloatTensor<Self> {
        composed::forward::<Self>(Elementwise::Softplus, x, k)
    }

    /// The backward of [`fused_softplus`](Self::fused_softplus).
    #[fusion(dtype = x, shape = x)]
    fn fused_softplus_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        k: f64,
    ) -> FloatTensor<Self> {
        composed::backward::<Self>(Elementwise::Softplus, x, grad, k)
    }

    /// `x / (1 - e^{-x / ln 2})`, `ln 2` at 0.
    #[fusion(dtype = x, shape = x)]
    fn fused_softplus_approx(x: FloatTensor<Self>) -> FloatTensor<Self> {
        composed::forward::<Self>(Elementwise::SoftplusApprox, x, 0.0)
    }

    /// The backward of [`fused_softplus_approx`](Self::fused_softplus_approx).
    #[fusion(dtype = x, shape = x)]
    fn fused_softplus_approx_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        composed::backward::<Self>(Elementwise::SoftplusApprox, x, grad, 0.0)
    }

    /// `x` for `x > 0`, else `alpha (e^x - 1)`.
    #[fusion(dtype = x, shape = x)]
    fn fused_elu(x: FloatTensor<Self>, alpha: f64) -> FloatTensor<Self> {
        composed::forward::<Self>(Elementwise::Elu, x, alpha)
    }

    /// The backward of [`fused_elu`](Self::fused_elu).
    #[fusion(dtype = x, shape = x)]
    fn fused_elu_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        alpha: f64,
    ) -> FloatTensor<Self> {
        composed::backward::<Self>(Elementwise::Elu, x, grad, alpha)
    }

    /// `max(-a, x)`.
    #[fusion(dtype = x, shape = x)]
    fn fused_srelu(x: FloatTensor<Self>, a: f64) -> FloatTensor<Self> {
        composed::forward::<Self>(Elementwise::SRelu, x, a)
    }

    /// The backward of [`fused_srelu`](Self::fused_srelu).
    #[fusion(dtype = x, shape = x)]
    fn fused_srelu_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        a: f64,
    ) -> FloatTensor<Self> {
        composed::backward::<Self>(Elementwise::SRelu, x, grad, a)
    }

    /// `x tanh(softplus(x))`.
    #[fusion(dtype = x, shape = x)]
    fn fused_mish(x: FloatTensor<Self>) -> FloatTensor<Self> {
        composed::forward::<Self>(Elementwise::Mish, x, 0.0)
    }

    /// The backward of [`fused_mish`](Self::fused_mish).
    #[fusion(dtype = x, shape = x)]
    fn fused_mish_backward(x: FloatTensor<Self>, grad: FloatTensor<Self>) -> FloatTensor<Self> {
        composed::backward::<Self>(Elementwise::Mish, x, grad, 0.0)
    }

    /// `(x + √(x² + b)) / 2`.
    #[fusion(dtype = x, shape = x)]
    fn fused_squareplus(x: FloatTensor<Self>, b: f64) -> FloatTensor<Self> {
        composed::forward::<Self>(Elementwise::Squareplus, x, b)
    }

    /// The backward of [`fused_squareplus`](Self::fused_squareplus).
    #[fusion(dtype = x, shape = x)]
    fn fused_squareplus_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        b: f64,
    ) -> FloatTensor<Self> {
        composed::backward::<Self>(Elementwise::Squareplus, x, grad, b)
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
    #[fusion(dtype = x, shape = crate::elementwise::reduced_shape(x, dim))]
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
