//! The gated activations, `y = f(gate) * up` (SwiGLU with SiLU, GeGLU with GELU, ReGLU with
//! ReLU, and every other function of the family): forward and backward, one pass each.
//!
//! Backward takes the saved `gate` and `up` (two tensors, the minimum: `f(gate)` is recomputed)
//! and writes both gradients in the same pass: `d_gate = dy up f'(gate)`, `d_up = dy f(gate)`.

use rayon::prelude::*;

use super::parallel::CHUNK;
use super::simd::multiversion;
use crate::{Float, Rectifier, Visitor};

multiversion! {
    /// `y = f(gate) up` on this thread.
    fn gated_serial<R: Rectifier, T: Float>(r: &R, gate: &[T], up: &[T], y: &mut [T]) {
        for ((y, &g), &u) in y.iter_mut().zip(gate).zip(up) {
            *y = T::gated(r, g, u);
        }
    }
}

multiversion! {
    /// Both gradients on this thread.
    fn gated_backward_serial<R: Rectifier, T: Float>(
        r: &R,
        gate: &[T],
        up: &[T],
        dy: &[T],
        d_gate: &mut [T],
        d_up: &mut [T]
    ) {
        for i in 0..dy.len() {
            (d_gate[i], d_up[i]) = T::gated_backward(r, gate[i], up[i], dy[i]);
        }
    }
}

#[track_caller]
fn check_len(what: &str, got: usize, want: usize) {
    assert_eq!(got, want, "{what} has {got} elements, the gate has {want}");
}

/// `y[i] = f(gate[i]) * up[i]`.
///
/// Accuracy: `f(gate)` as the plain function's kernel gives it, then one multiplication (f32:
/// at most 1.5 ULP where `f(gate)` and the result are normal, `tests/gated.rs`). `f16` and
/// `bf16`: `f(gate)` and the product in `f32`, then rounded to the type (the f32 rounding makes
/// it a double rounding, off by at most one unit of the type in rare ties), where a composed
/// evaluation in the half type rounds `f(gate)` to it before multiplying.
///
/// # Panics
/// If `up` or `y` is not as long as `gate`.
///
/// ```
/// use rectifiers_core::{kernel, Silu};
/// let gate = [0.0_f32, 2.0];
/// let up = [5.0, 3.0];
/// let mut y = [0.0; 2];
/// kernel::gated_forward(&Silu, &gate, &up, &mut y); // SwiGLU
/// assert_eq!(y, [0.0, 3.0 * (2.0 / (1.0 + (-2.0_f64).exp())) as f32]);
/// ```
#[track_caller]
pub fn gated_forward<R: Rectifier, T: Float>(r: &R, gate: &[T], up: &[T], y: &mut [T]) {
    check_len("up", up.len(), gate.len());
    check_len("the output", y.len(), gate.len());
    struct Forward<'a, T>(&'a [T], &'a [T], &'a mut [T]);
    impl<T: Float> Visitor for Forward<'_, T> {
        type Output = ();
        fn visit<R: Rectifier>(self, r: &R) {
            let Self(gate, up, y) = self;
            if y.len() < R::PARALLEL_MIN_LEN {
                return gated_serial(r, gate, up, y);
            }
            y.par_chunks_mut(CHUNK).enumerate().for_each(|(c, y)| {
                let at = c * CHUNK..c * CHUNK + y.len();
                gated_serial(r, &gate[at.clone()], &up[at], y)
            });
        }
    }
    r.dispatch(Forward(gate, up, y))
}

/// `d_gate[i] = dy[i] * up[i] * f'(gate[i])` and `d_up[i] = dy[i] * f(gate[i])`, from the saved
/// `gate` and `up`.
///
/// # Panics
/// If the five lengths differ.
///
/// ```
/// use rectifiers_core::{kernel, Relu};
/// let (gate, up, dy) = ([-1.0_f64, 2.0], [3.0, 4.0], [10.0, 10.0]);
/// let (mut d_gate, mut d_up) = ([0.0; 2], [0.0; 2]);
/// kernel::gated_backward(&Relu, &gate, &up, &dy, &mut d_gate, &mut d_up); // ReGLU
/// assert_eq!((d_gate, d_up), ([0.0, 40.0], [0.0, 20.0]));
/// ```
#[track_caller]
pub fn gated_backward<R: Rectifier, T: Float>(
    r: &R,
    gate: &[T],
    up: &[T],
    dy: &[T],
    d_gate: &mut [T],
    d_up: &mut [T],
) {
    check_len("up", up.len(), gate.len());
    check_len("the upstream gradient", dy.len(), gate.len());
    check_len("the gate gradient", d_gate.len(), gate.len());
    check_len("the up gradient", d_up.len(), gate.len());
    struct Backward<'a, T>(&'a [T], &'a [T], &'a [T], &'a mut [T], &'a mut [T]);
    impl<T: Float> Visitor for Backward<'_, T> {
        type Output = ();
        fn visit<R: Rectifier>(self, r: &R) {
            let Self(gate, up, dy, d_gate, d_up) = self;
            if dy.len() < R::PARALLEL_MIN_LEN {
                return gated_backward_serial(r, gate, up, dy, d_gate, d_up);
            }
            d_gate
                .par_chunks_mut(CHUNK)
                .zip(d_up.par_chunks_mut(CHUNK))
                .enumerate()
                .for_each(|(c, (d_gate, d_up))| {
                    let at = c * CHUNK..c * CHUNK + d_gate.len();
                    let (gate, up, dy) = (&gate[at.clone()], &up[at.clone()], &dy[at]);
                    gated_backward_serial(r, gate, up, dy, d_gate, d_up)
                });
        }
    }
    r.dispatch(Backward(gate, up, dy, d_gate, d_up))
}
