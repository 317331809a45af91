//! PReLU over a `[outer, C, inner]` view with one learned slope per channel.

use rayon::prelude::*;

use super::parallel::{CHEAP_PARALLEL_MIN_LEN, CHUNK};
use crate::{Float, prelu, support::sum::Sum};

/// Checks the layout and returns the number of `inner`-element rows.
#[track_caller]
fn rows(len: usize, channels: usize, inner: usize) -> usize {
    assert!(channels > 0, "prelu: alpha must have at least one element");
    if channels > 1 {
        assert!(
            inner > 0 && len.is_multiple_of(channels * inner),
            "prelu: {len} elements do not form [outer, {channels}, {inner}]"
        );
    }
    if len == 0 { 0 } else { len / inner.max(1) }
}

/// Rows per parallel task.
fn rows_per_task(inner: usize) -> usize {
    (CHUNK / inner.max(1)).max(1)
}

/// `y = x` where `x > 0`, else `alpha[c] x`, for `x` laid out as `[outer, C, inner]`
/// (`C = alpha.len()`; with one alpha, any layout).
///
/// # Panics
/// If `alpha` is empty, `y.len() != x.len()`, or `x.len()` is not a multiple of `C * inner`.
///
/// ```
/// use rectifiers_core::kernel::prelu_forward;
/// // [outer = 1, C = 2, inner = 2]
/// let x = [-1.0_f32, 2.0, -1.0, 2.0];
/// let mut y = [0.0; 4];
/// prelu_forward(&x, &[0.25, 0.5], 2, &mut y);
/// assert_eq!(y, [-0.25, 2.0, -0.5, 2.0]);
/// ```
#[track_caller]
pub fn prelu_forward<T: Float>(x: &[T], alpha: &[T], inner: usize, y: &mut [T]) {
    assert_eq!(y.len(), x.len(), "prelu: output and input lengths differ");
    let c = alpha.len();
    let inner = if c == 1 { x.len().max(1) } else { inner };
    let n_rows = rows(x.len(), c, inner);
    if n_rows == 0 {
        return;
    }
    let run = |first_row: usize, x: &[T], y: &mut [T]| {
        // Rows of `inner` elements cycle through the channels, starting at this one.
        let first = first_row % c;
        if inner == 1 {
            // Channels last: whole `[C]` rows zip with `alpha`, which vectorises.
            let head = (c - first).min(x.len());
            let (x_head, x) = x.split_at(head);
            let (y_head, y) = y.split_at_mut(head);
            forward_row(x_head, &alpha[first..first + head], y_head);
            for (x, y) in x.chunks(c).zip(y.chunks_mut(c)) {
                forward_row(x, alpha, y);
            }
        } else {
            let mut ch = first;
            for (x, y) in x.chunks(inner).zip(y.chunks_mut(inner)) {
                let a = alpha[ch];
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = prelu::prelu(x, a);
                }
                ch = if ch + 1 == c { 0 } else { ch + 1 };
            }
        }
    };
    if x.len() < CHEAP_PARALLEL_MIN_LEN {
        run(0, x, y);
    } else if c == 1 {
        let a = alpha[0];
        x.par_chunks(CHUNK)
            .zip(y.par_chunks_mut(CHUNK))
            .for_each(|(x, y)| {
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = prelu::prelu(x, a);
                }
            });
    } else {
        let step = rows_per_task(inner);
        x.par_chunks(step * inner)
            .zip(y.par_chunks_mut(step * inner))
            .enumerate()
            .for_each(|(t, (x, y))| run(t * step, x, y));
    }
}

/// `y[i] = prelu(x[i], alpha[i])` over one row (`alpha` at least as long as `x`).
#[inline]
fn forward_row<T: Float>(x: &[T], alpha: &[T], y: &mut [T]) {
    for ((y, &x), &a) in y.iter_mut().zip(x).zip(alpha) {
        *y = prelu::prelu(x, a);
    }
}

/// PReLU backward: `dx = dy` where `x > 0`, else `alpha[c] dy`; and
/// `dalpha[c] = sum of x dy over the elements of channel c where x <= 0`, accumulated in
/// f64 with compensation and rounded once.
///
/// # Panics
/// On the layout errors of [`prelu_forward`], or if `dy`, `dx` or `dalpha` have the wrong
/// length.
///
/// ```
/// use rectifiers_core::kernel::prelu_backward;
/// let x = [-1.0_f64, 2.0, -3.0, 4.0]; // [outer = 2, C = 2, inner = 1]
/// let dy = [1.0; 4];
/// let (mut dx, mut da) = ([0.0; 4], [0.0; 2]);
/// prelu_backward(&x, &[0.25, 0.5], &dy, 1, &mut dx, &mut da);
/// assert_eq!(dx, [0.25, 1.0, 0.25, 1.0]);
/// assert_eq!(da, [-4.0, 0.0]);
/// ```
#[track_caller]
pub fn prelu_backward<T: Float>(
    x: &[T],
    alpha: &[T],
    dy: &[T],
    inner: usize,
    dx: &mut [T],
    dalpha: &mut [T],
) {
    assert_eq!(
        dy.len(),
        x.len(),
        "prelu: gradient and input lengths differ"
    );
    assert_eq!(
        dx.len(),
        x.len(),
        "prelu: input gradient and input lengths differ"
    );
    let c = alpha.len();
    assert_eq!(dalpha.len(), c, "prelu: dalpha and alpha lengths differ");
    let inner = if c == 1 { CHUNK } else { inner };
    let n_rows = rows(x.len(), c, inner);
    let run = |first_row: usize, x: &[T], dy: &[T], dx: &mut [T]| -> Vec<Sum> {
        let mut sums = vec![Sum::default(); c];
        let rows = x
            .chunks(inner)
            .zip(dy.chunks(inner))
            .zip(dx.chunks_mut(inner));
        // Rows cycle through the channels (no `%` per row: it costs more than the row when
        // `inner` is 1, channels last).
        let mut ch = first_row % c;
        for ((x, dy), dx) in rows {
            let a = alpha[ch];
            let sum = &mut sums[ch];
            for ((dx, &x), &dy) in dx.iter_mut().zip(x).zip(dy) {
                *dx = dy.mul(prelu::prelu_derivative(x, a));
                // Negated so that a NaN input propagates into dalpha.
                #[allow(clippy::neg_cmp_op_on_partial_ord)]
                if !(x > T::ZERO) {
                    sum.add(x.to_f64() * dy.to_f64());
                }
            }
            ch = if ch + 1 == c { 0 } else { ch + 1 };
        }
        sums
    };
    let sums = if x.len() < CHEAP_PARALLEL_MIN_LEN || n_rows == 0 {
        run(0, x, dy, dx)
    } else {
        let step = rows_per_task(inner);
        x.par_chunks(step * inner)
            .zip(dy.par_chunks(step * inner))
            .zip(dx.par_chunks_mut(step * inner))
            .enumerate()
            .map(|(t, ((x, dy), dx))| run(t * step, x, dy, dx))
            .reduce(
                || vec![Sum::default(); c],
                |a, b| a.into_iter().zip(b).map(|(a, b)| a.merge(b)).collect(),
            )
    };
    for (d, s) in dalpha.iter_mut().zip(sums) {
        *d = T::from_f64(s.value());
    }
}
