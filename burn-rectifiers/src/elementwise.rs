//! [`Elementwise`]: the elementwise functions as one value, and how each backend reaches them.

use burn::backend::tensor::FloatTensor;
use rectifiers_core::{
    Elu, Gelu, GeluTanh, LeakyRelu, Mish, Relu, SRelu, Silu, Softplus, SoftplusApprox, Squareplus,
};

use crate::RectifierBackend;

/// An elementwise function of the family, for code that picks one at run time (benchmarks,
/// tests, configs).
///
/// Its one scalar parameter (`negative_slope`, `k`, `alpha`, `a`, `b`; ignored by the others)
/// travels next to it as an `f64`: see [`apply`](crate::apply) and
/// [`composed::elementwise`](crate::composed::elementwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub enum Elementwise {
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
            $crate::Elementwise::Relu => {
                let $r = core_::Relu;
                $body
            }
            $crate::Elementwise::LeakyRelu => {
                let $r = core_::LeakyRelu::new(p).expect(bad);
                $body
            }
            $crate::Elementwise::Gelu => {
                let $r = core_::Gelu;
                $body
            }
            $crate::Elementwise::GeluTanh => {
                let $r = core_::GeluTanh;
                $body
            }
            $crate::Elementwise::Silu => {
                let $r = core_::Silu;
                $body
            }
            $crate::Elementwise::Softplus => {
                let $r = core_::Softplus::new(p).expect(bad);
                $body
            }
            $crate::Elementwise::SoftplusApprox => {
                let $r = core_::SoftplusApprox;
                $body
            }
            $crate::Elementwise::Elu => {
                let $r = core_::Elu::new(p).expect(bad);
                $body
            }
            $crate::Elementwise::SRelu => {
                let $r = core_::SRelu::new(p).expect(bad);
                $body
            }
            $crate::Elementwise::Mish => {
                let $r = core_::Mish;
                $body
            }
            $crate::Elementwise::Squareplus => {
                let $r = core_::Squareplus::new(p).expect(bad);
                $body
            }
        }
    }};
}

pub(crate) use with_core;

/// Implements the 22 elementwise methods of [`RectifierBackend`] with a backend's
/// `$forward(Elementwise, x, p)` and `$backward(Elementwise, x, grad, p)` (`p` is 0 for the
/// functions without a parameter).
macro_rules! elementwise_methods {
    ($forward:path, $backward:path) => {
        $crate::elementwise::elementwise_methods!(@each $forward, $backward;
            fused_relu, fused_relu_backward, Relu;
            fused_leaky_relu, fused_leaky_relu_backward, LeakyRelu, negative_slope;
            fused_gelu, fused_gelu_backward, Gelu;
            fused_gelu_tanh, fused_gelu_tanh_backward, GeluTanh;
            fused_silu, fused_silu_backward, Silu;
            fused_softplus, fused_softplus_backward, Softplus, k;
            fused_softplus_approx, fused_softplus_approx_backward, SoftplusApprox;
            fused_elu, fused_elu_backward, Elu, alpha;
            fused_srelu, fused_srelu_backward, SRelu, a;
            fused_mish, fused_mish_backward, Mish;
            fused_squareplus, fused_squareplus_backward, Squareplus, b;
        );
    };
    (@each $forward:path, $backward:path; $($name:ident, $bwd:ident, $kind:ident $(, $p:ident)?;)*) => {
        $(
            fn $name(x: FloatTensor<Self> $(, $p: f64)?) -> FloatTensor<Self> {
                $forward($crate::Elementwise::$kind, x, 0.0 $(+ $p)?)
            }
            fn $bwd(x: FloatTensor<Self>, grad: FloatTensor<Self> $(, $p: f64)?) -> FloatTensor<Self> {
                $backward($crate::Elementwise::$kind, x, grad, 0.0 $(+ $p)?)
            }
        )*
    };
}
#[cfg(any(feature = "ndarray", feature = "flex", feature = "cube"))]
pub(crate) use elementwise_methods;

impl Elementwise {
    /// Every elementwise function, in the founding document's order.
    pub const ALL: [Elementwise; 11] = [
        Elementwise::Relu,
        Elementwise::LeakyRelu,
        Elementwise::Gelu,
        Elementwise::GeluTanh,
        Elementwise::Silu,
        Elementwise::Softplus,
        Elementwise::SoftplusApprox,
        Elementwise::Elu,
        Elementwise::SRelu,
        Elementwise::Mish,
        Elementwise::Squareplus,
    ];

    /// The function's name, as in the functional API (`"squareplus"`).
    pub fn name(self) -> &'static str {
        use rectifiers_core::Rectifier;
        match self {
            Elementwise::Relu => Relu::NAME,
            Elementwise::LeakyRelu => LeakyRelu::NAME,
            Elementwise::Gelu => Gelu::NAME,
            Elementwise::GeluTanh => GeluTanh::NAME,
            Elementwise::Silu => Silu::NAME,
            Elementwise::Softplus => Softplus::NAME,
            Elementwise::SoftplusApprox => SoftplusApprox::NAME,
            Elementwise::Elu => Elu::NAME,
            Elementwise::SRelu => SRelu::NAME,
            Elementwise::Mish => Mish::NAME,
            Elementwise::Squareplus => Squareplus::NAME,
        }
    }

    /// Checks the parameter `p` for this function (see the functional API for the ranges).
    ///
    /// ```
    /// use burn_rectifiers::Elementwise;
    /// assert!(Elementwise::Squareplus.check(4.0).is_ok());
    /// let e = Elementwise::Squareplus.check(-1.0).unwrap_err();
    /// assert_eq!(e.param(), "b");
    /// ```
    pub fn check(self, p: f64) -> Result<(), rectifiers_core::ParamError> {
        match self {
            Elementwise::LeakyRelu => LeakyRelu::new(p).map(drop),
            Elementwise::Softplus => Softplus::new(p).map(drop),
            Elementwise::Elu => Elu::new(p).map(drop),
            Elementwise::SRelu => SRelu::new(p).map(drop),
            Elementwise::Squareplus => Squareplus::new(p).map(drop),
            _ => Ok(()),
        }
    }

    /// The parameter's default (`0.01`, `k = 1`, `alpha = 1`, `a = 1`, `b = 4`; 0 for the
    /// functions without one).
    pub fn default_param(self) -> f64 {
        match self {
            Elementwise::LeakyRelu => LeakyRelu::DEFAULT_SLOPE,
            Elementwise::Softplus => 1.0,
            Elementwise::Elu => Elu::DEFAULT_ALPHA,
            Elementwise::SRelu => SRelu::DEFAULT_A,
            Elementwise::Squareplus => 4.0,
            _ => 0.0,
        }
    }

    /// `B`'s forward of this function.
    pub(crate) fn forward<B: RectifierBackend>(self, x: FloatTensor<B>, p: f64) -> FloatTensor<B> {
        match self {
            Elementwise::Relu => B::fused_relu(x),
            Elementwise::LeakyRelu => B::fused_leaky_relu(x, p),
            Elementwise::Gelu => B::fused_gelu(x),
            Elementwise::GeluTanh => B::fused_gelu_tanh(x),
            Elementwise::Silu => B::fused_silu(x),
            Elementwise::Softplus => B::fused_softplus(x, p),
            Elementwise::SoftplusApprox => B::fused_softplus_approx(x),
            Elementwise::Elu => B::fused_elu(x, p),
            Elementwise::SRelu => B::fused_srelu(x, p),
            Elementwise::Mish => B::fused_mish(x),
            Elementwise::Squareplus => B::fused_squareplus(x, p),
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
            Elementwise::Relu => B::fused_relu_backward(x, grad),
            Elementwise::LeakyRelu => B::fused_leaky_relu_backward(x, grad, p),
            Elementwise::Gelu => B::fused_gelu_backward(x, grad),
            Elementwise::GeluTanh => B::fused_gelu_tanh_backward(x, grad),
            Elementwise::Silu => B::fused_silu_backward(x, grad),
            Elementwise::Softplus => B::fused_softplus_backward(x, grad, p),
            Elementwise::SoftplusApprox => B::fused_softplus_approx_backward(x, grad),
            Elementwise::Elu => B::fused_elu_backward(x, grad, p),
            Elementwise::SRelu => B::fused_srelu_backward(x, grad, p),
            Elementwise::Mish => B::fused_mish_backward(x, grad),
            Elementwise::Squareplus => B::fused_squareplus_backward(x, grad, p),
        }
    }
}

/// `shape` with `dim` reduced to 1 (the output shape of LSE0+).
#[cfg_attr(not(feature = "cube"), allow(dead_code))] // used by the Fusion annotations
pub(crate) fn reduced_shape(shape: &burn::tensor::Shape, dim: &usize) -> burn::tensor::Shape {
    let mut shape = shape.clone();
    shape[*dim] = 1;
    shape
}
