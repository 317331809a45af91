//! The elementwise functions as one value: which function, and how each backend reaches it.

use burn::backend::tensor::FloatTensor;
use rectifiers_core::{
    Elu, Gelu, GeluTanh, LeakyRelu, Mish, Relu, SRelu, Silu, Softplus, SoftplusApprox, Squareplus,
};

use crate::RectifierBackend;

/// An elementwise function of the family. Its one scalar parameter (`b`, `k`, `a`, `alpha`, the
/// slope; unused by the others) travels next to it as an `f64`, validated when the op was built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Relu,
    LeakyRelu,
    Gelu,
    GeluTanh,
    Silu,
    Softplus,
    SoftplusApprox,
    Elu,
    SRelu,
    Mish,
    Squareplus,
}

/// Runs `$body` with `$r` bound to the core function of `$kind` with parameter `$p`.
///
/// The parameter was validated by the public API; an invalid one here is a bug, hence `expect`.
macro_rules! with_core {
    ($kind:expr, $p:expr, |$r:ident| $body:expr) => {{
        use rectifiers_core as core_;
        let p: f64 = $p;
        let bad = "parameter validated by the public API";
        match $kind {
            $crate::kind::Kind::Relu => { let $r = core_::Relu; $body }
            $crate::kind::Kind::LeakyRelu => { let $r = core_::LeakyRelu::new(p).expect(bad); $body }
            $crate::kind::Kind::Gelu => { let $r = core_::Gelu; $body }
            $crate::kind::Kind::GeluTanh => { let $r = core_::GeluTanh; $body }
            $crate::kind::Kind::Silu => { let $r = core_::Silu; $body }
            $crate::kind::Kind::Softplus => { let $r = core_::Softplus::new(p).expect(bad); $body }
            $crate::kind::Kind::SoftplusApprox => { let $r = core_::SoftplusApprox; $body }
            $crate::kind::Kind::Elu => { let $r = core_::Elu::new(p).expect(bad); $body }
            $crate::kind::Kind::SRelu => { let $r = core_::SRelu::new(p).expect(bad); $body }
            $crate::kind::Kind::Mish => { let $r = core_::Mish; $body }
            $crate::kind::Kind::Squareplus => { let $r = core_::Squareplus::new(p).expect(bad); $body }
        }
    }};
}
#[allow(unused_imports)]
pub(crate) use with_core;

impl Kind {
    /// The function's name, as in the functional API.
    pub(crate) fn name(self) -> &'static str {
        use rectifiers_core::Rectifier;
        match self {
            Kind::Relu => Relu::NAME,
            Kind::LeakyRelu => LeakyRelu::NAME,
            Kind::Gelu => Gelu::NAME,
            Kind::GeluTanh => GeluTanh::NAME,
            Kind::Silu => Silu::NAME,
            Kind::Softplus => Softplus::NAME,
            Kind::SoftplusApprox => SoftplusApprox::NAME,
            Kind::Elu => Elu::NAME,
            Kind::SRelu => SRelu::NAME,
            Kind::Mish => Mish::NAME,
            Kind::Squareplus => Squareplus::NAME,
        }
    }

    /// `B`'s forward of this function.
    pub(crate) fn forward<B: RectifierBackend>(self, x: FloatTensor<B>, p: f64) -> FloatTensor<B> {
        match self {
            Kind::Relu => B::fused_relu(x),
            Kind::LeakyRelu => B::fused_leaky_relu(x, p),
            Kind::Gelu => B::fused_gelu(x),
            Kind::GeluTanh => B::fused_gelu_tanh(x),
            Kind::Silu => B::fused_silu(x),
            Kind::Softplus => B::fused_softplus(x, p),
            Kind::SoftplusApprox => B::fused_softplus_approx(x),
            Kind::Elu => B::fused_elu(x, p),
            Kind::SRelu => B::fused_srelu(x, p),
            Kind::Mish => B::fused_mish(x),
            Kind::Squareplus => B::fused_squareplus(x, p),
        }
    }

    /// `B`'s backward of this function: `f'(x) * grad`.
    pub(crate) fn backward<B: RectifierBackend>(
        self,
        x: FloatTensor<B>,
        grad: FloatTensor<B>,
        p: f64,
    ) -> FloatTensor<B> {
        match self {
            Kind::Relu => B::fused_relu_backward(x, grad),
            Kind::LeakyRelu => B::fused_leaky_relu_backward(x, grad, p),
            Kind::Gelu => B::fused_gelu_backward(x, grad),
            Kind::GeluTanh => B::fused_gelu_tanh_backward(x, grad),
            Kind::Silu => B::fused_silu_backward(x, grad),
            Kind::Softplus => B::fused_softplus_backward(x, grad, p),
            Kind::SoftplusApprox => B::fused_softplus_approx_backward(x, grad),
            Kind::Elu => B::fused_elu_backward(x, grad, p),
            Kind::SRelu => B::fused_srelu_backward(x, grad, p),
            Kind::Mish => B::fused_mish_backward(x, grad),
            Kind::Squareplus => B::fused_squareplus_backward(x, grad, p),
        }
    }
}

/// `shape` with `dim` reduced to 1 (the output shape of LSE0+).
pub(crate) fn reduced_shape(shape: &burn::tensor::Shape, dim: &usize) -> burn::tensor::Shape {
    let mut shape = shape.clone();
    shape[*dim] = 1;
    shape
}
