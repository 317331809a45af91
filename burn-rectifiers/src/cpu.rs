//! The core's slice kernels behind a [`Elementwise`], for the CPU backends (NdArray, Flex).

use rectifiers_core::{Float, kernel};

use crate::Elementwise;
use crate::elementwise::with_core;

/// `y = f(x)`.
pub(crate) fn forward<T: Float>(kind: Elementwise, p: f64, x: &[T], y: &mut [T]) {
    with_core!(kind, p, |r| kernel::forward(&r, x, y))
}

/// `xy = f(xy)`.
pub(crate) fn forward_in_place<T: Float>(kind: Elementwise, p: f64, xy: &mut [T]) {
    with_core!(kind, p, |r| kernel::forward_in_place(&r, xy))
}

/// `dx = f'(x) dy`.
pub(crate) fn backward<T: Float>(kind: Elementwise, p: f64, x: &[T], dy: &[T], dx: &mut [T]) {
    with_core!(kind, p, |r| kernel::backward(&r, x, dy, dx))
}

/// `g = f'(x) g`.
pub(crate) fn backward_in_place<T: Float>(kind: Elementwise, p: f64, x: &[T], g: &mut [T]) {
    with_core!(kind, p, |r| kernel::backward_in_place(&r, x, g))
}

/// `(outer, inner)` of PReLU's `[outer, C, inner]` view of `shape` (channels on dim 1).
pub(crate) fn prelu_inner(shape: &[usize]) -> usize {
    shape.iter().skip(2).product()
}

/// The axis order that moves `dim` last (a swap, so it is its own inverse).
#[cfg_attr(not(feature = "flex"), allow(dead_code))] // NdArray swaps axes on views instead
pub(crate) fn dim_last(rank: usize, dim: usize) -> Vec<usize> {
    let mut axes: Vec<usize> = (0..rank).collect();
    axes.swap(dim, rank - 1);
    axes
}

/// `impl RectifierBackend for $backend` from the module's `forward`, `backward`, `prelu`,
/// `prelu_backward`, `lse0_plus` and `lse0_plus_backward` (NdArray and Flex differ only there).
macro_rules! cpu_backend_impl {
    ($backend:ty) => {
        impl $crate::RectifierBackend for $backend {
            $crate::elementwise::elementwise_methods!(forward, backward);

            fn fused_prelu(x: FloatTensor<Self>, alpha: FloatTensor<Self>) -> FloatTensor<Self> {
                prelu(x, alpha)
            }

            fn fused_prelu_backward(
                x: FloatTensor<Self>,
                alpha: FloatTensor<Self>,
                grad: FloatTensor<Self>,
            ) -> (FloatTensor<Self>, FloatTensor<Self>) {
                prelu_backward(x, alpha, grad)
            }

            fn fused_lse0_plus(x: FloatTensor<Self>, dim: usize) -> FloatTensor<Self> {
                lse0_plus(x, dim)
            }

            fn fused_lse0_plus_backward(
                x: FloatTensor<Self>,
                grad: FloatTensor<Self>,
                dim: usize,
            ) -> FloatTensor<Self> {
                lse0_plus_backward(x, grad, dim)
            }
        }
    };
}
pub(crate) use cpu_backend_impl;
