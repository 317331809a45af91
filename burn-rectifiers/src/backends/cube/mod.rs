//! `CubeBackend` (wgpu, vulkan, cuda): the cubecl kernels. One kernel family for the elementwise
//! functions (the function is a comptime argument), one for the gated activations on the same
//! formulas, PReLU's elementwise kernels with `dalpha` as one reduction, and LSE0+ one unit per
//! row.

mod formulas;
mod gated;
mod kernel;
mod lse0_plus;
mod prelu;

use burn::backend::tensor::FloatTensor;
use burn_cubecl::CubeBackend;

use rectifiers_core::Elementwise;

use crate::RectifierBackend;
use kernel::{launch_backward, launch_forward};

impl RectifierBackend for CubeBackend {
    fn fused_elementwise(x: FloatTensor<Self>, f: Elementwise) -> FloatTensor<Self> {
        launch_forward(f, x)
    }

    fn fused_elementwise_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        f: Elementwise,
    ) -> FloatTensor<Self> {
        launch_backward(f, x, grad)
    }

    fn fused_gated(
        gate: FloatTensor<Self>,
        up: FloatTensor<Self>,
        f: Elementwise,
    ) -> FloatTensor<Self> {
        gated::launch_forward(f, gate, up)
    }

    fn fused_gated_backward(
        gate: FloatTensor<Self>,
        up: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        f: Elementwise,
    ) -> (FloatTensor<Self>, FloatTensor<Self>) {
        gated::launch_backward(f, gate, up, grad)
    }

    fn fused_prelu(x: FloatTensor<Self>, alpha: FloatTensor<Self>) -> FloatTensor<Self> {
        prelu::launch_forward(x, alpha)
    }

    fn fused_prelu_backward(
        x: FloatTensor<Self>,
        alpha: FloatTensor<Self>,
        grad: FloatTensor<Self>,
    ) -> (FloatTensor<Self>, FloatTensor<Self>) {
        prelu::launch_backward(x, alpha, grad)
    }

    fn fused_lse0_plus(x: FloatTensor<Self>, dim: usize) -> FloatTensor<Self> {
        lse0_plus::launch_forward(x, dim)
    }

    fn fused_lse0_plus_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        dim: usize,
    ) -> FloatTensor<Self> {
        lse0_plus::launch_backward(x, grad, dim)
    }
}
