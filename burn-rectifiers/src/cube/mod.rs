//! `CubeBackend` (wgpu, vulkan, cuda): one cubecl kernel family for the elementwise functions.
//!
//! PReLU and LSE0+ use the composed default bodies on this backend (see the crate docs).

mod formulas;
mod kernel;

use burn::backend::tensor::FloatTensor;
use burn_cubecl::CubeBackend;

use crate::Elementwise;
use crate::RectifierBackend;
use kernel::{launch_backward, launch_forward};

macro_rules! unary_impls {
    ($($name:ident, $bwd:ident, $kind:ident $(, $p:ident)?;)*) => {
        $(
            fn $name(x: FloatTensor<Self> $(, $p: f64)?) -> FloatTensor<Self> {
                launch_forward(Elementwise::$kind, x, 0.0 $(+ $p)?)
            }
            fn $bwd(x: FloatTensor<Self>, grad: FloatTensor<Self> $(, $p: f64)?) -> FloatTensor<Self> {
                launch_backward(Elementwise::$kind, x, grad, 0.0 $(+ $p)?)
            }
        )*
    };
}

impl RectifierBackend for CubeBackend {
    unary_impls! {
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
    }
}
