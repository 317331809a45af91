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
