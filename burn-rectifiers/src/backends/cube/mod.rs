//! `CubeBackend` (wgpu, vulkan, cuda): one cubecl kernel family for the elementwise functions.
//!
//! PReLU and LSE0+ use the composed default bodies on this backend (see the crate docs).

mod formulas;
mod kernel;

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
}
