//! LSE0+ over the rows of a `[rows, n]` view.

use rayon::prelude::*;

use super::parallel::PARALLEL_MIN_LEN;
use crate::{Float, lse0_plus};

/// Rows per parallel task, so each holds about 16Ki elements.
fn rows_per_task(n: usize) -> usize {
    ((1 << 14) / n.max(1)).max(1)
}

#[track_caller]
fn check(x: usize, n: usize, rows: usize) {
    assert_eq!(
        x,
        n * rows,
        "lse0_plus: {x} elements do not form [{rows}, {n}]"
    );
}

/// Widens a row of `T` to f64 in `buf` (exact).
#[inline]
fn widen<'a, T: Float>(row: &[T], buf: &'a mut Vec<f64>) -> &'a [f64] {
    buf.clear();
    buf.extend(row.iter().map(|v| v.to_f64()));
    buf
}

/// `y[r] = ln(1 + sum_i e^(x[r, i]))` for `x` as `[y.len(), n]`, evaluated in f64 and
/// rounded once.
///
/// # Panics
/// If `x.len() != n * y.len()`.
///
/// ```
/// use rectifiers_core::kernel::lse0_plus_forward;
/// let x = [0.0_f32, 0.0, -1000.0, -1000.0];
/// let mut y = [0.0_f32; 2];
/// lse0_plus_forward(&x, 2, &mut y);
/// assert_eq!(y, [3.0_f32.ln(), 0.0]);
/// ```
#[track_caller]
pub fn lse0_plus_forward<T: Float>(x: &[T], n: usize, y: &mut [T]) {
    check(x.len(), n, y.len());
    let run = |x: &[T], y: &mut [T]| {
        let mut buf = Vec::with_capacity(n);
        for (r, y) in y.iter_mut().enumerate() {
            let row = widen(&x[r * n..(r + 1) * n], &mut buf);
            *y = T::from_f64(lse0_plus::lse0_plus(row));
        }
    };
    if x.len() < PARALLEL_MIN_LEN {
        run(x, y);
    } else {
        let step = rows_per_task(n);
        x.par_chunks(step * n)
            .zip(y.par_chunks_mut(step))
            .for_each(|(x, y)| run(x, y));
    }
}

/// `dx[r, i] = dy[r] * e^(x[r, i]) / (1 + sum_j e^(x[r, j]))`, from the saved input (the
/// softmax is recomputed in f64: the rounded output would cost `|y|` ULP).
///
/// # Panics
/// If `x.len() != n * dy.len()` or `dx.len() != x.len()`.
#[track_caller]
pub fn lse0_plus_backward<T: Float>(x: &[T], dy: &[T], n: usize, dx: &mut [T]) {
    check(x.len(), n, dy.len());
    assert_eq!(
        dx.len(),
        x.len(),
        "lse0_plus: input gradient and input lengths differ"
    );
    let run = |x: &[T], dy: &[T], dx: &mut [T]| {
        let mut buf = Vec::with_capacity(n);
        let mut g = vec![0.0; n];
        for (r, &dy) in dy.iter().enumerate() {
            let row = widen(&x[r * n..(r + 1) * n], &mut buf);
            lse0_plus::lse0_plus_gradient(row, &mut g);
            let dy = dy.to_f64();
            for (dx, &g) in dx[r * n..(r + 1) * n].iter_mut().zip(&g) {
                *dx = T::from_f64(dy * g);
            }
        }
    };
    if x.len() < PARALLEL_MIN_LEN {
        run(x, dy, dx);
    } else {
        let step = rows_per_task(n);
        x.par_chunks(step * n)
            .zip(dy.par_chunks(step))
            .zip(dx.par_chunks_mut(step * n))
            .for_each(|((x, dy), dx)| run(x, dy, dx));
    }
}
