//! `CubeBackend` (wgpu, vulkan, cuda): one cubecl kernel family for the elementwise functions.
//!
//! PReLU and LSE0+ use the composed default bodies on this backend (see the crate docs).

mod formulas;
mod kernel;

use burn::backend::tensor::FloatTensor;
use burn_cubecl::CubeBackend;

use crate::RectifierBackend;
use crate::elementwise::elementwise_methods;
use kernel::{launch_backward, launch_forward};

impl RectifierBackend for CubeBackend {
    elementwise_methods!(launch_forward, launch_backward);
}
