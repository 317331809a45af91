//! The split form `f(xs[.., :h]) * xs[.., h:]` on the CPU as one op on `xs`: each row's two
//! halves are read where they lie (no copy of either half), and the backward writes the gradient
//! of `xs`, `[d_gate | d_up]` per row, in the same pass (no gradient of each half to pad and add).
//! On CUDA, [`gated_split`](crate::gated_split) hands the two halves' views to [`Gated`], whose
//! kernels index them in place.
//!
//! [`Gated`]: crate::Gated

use std::borrow::Cow;

use candle_core::{CpuStorage, CustomOp1, CustomOp2, Layout, Result, Shape, Tensor};
use rayon::prelude::*;
use rectifiers_core::{Elementwise, kernel};

use crate::storage::{Elem, FloatMap1, FloatMap2, map1, map2, shape_mismatch, zeros};

/// Elements per rayon task: rows are grouped so that short rows are not one task each.
const TASK: usize = 1 << 14;

/// `y = f(gate) * up` where each row of `xs` (last dim `2h`) is `[gate | up]`; `y`'s last dim is
/// `h`. The caller checks that the last dim is even.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GatedSplit(pub Elementwise);

/// The gradient of [`GatedSplit`]'s `xs` from `(xs, dy)`: each row `[dy up f'(gate) | dy f(gate)]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GatedSplitBackward(pub Elementwise);

/// The half width `h` of a layout whose last dim is `2h`.
fn half(layout: &Layout) -> usize {
    layout.dims().last().map_or(0, |&n| n / 2)
}

/// The dims of the result: `dims` with the last one halved.
fn halved(dims: &[usize]) -> Shape {
    let mut dims = dims.to_vec();
    if let Some(last) = dims.last_mut() {
        *last /= 2;
    }
    Shape::from(dims)
}

/// Rows of `h` outputs per task, at least one.
fn rows_per_task(h: usize) -> usize {
    (TASK / h.max(1)).max(1)
}

impl FloatMap1 for GatedSplit {
    fn f<T: Elem>(&self, xs: Cow<'_, [T]>, layout: &Layout) -> Result<Vec<T>> {
        let h = half(layout);
        let mut y = zeros(xs.len() / 2);
        if h == 0 {
            return Ok(y);
        }
        let per = rows_per_task(h);
        let rows = |(y, xs): (&mut [T], &[T])| {
            for (y, x) in y.chunks_exact_mut(h).zip(xs.chunks_exact(2 * h)) {
                let (gate, up) = x.split_at(h);
                kernel::gated_forward(&self.0, gate, up, y);
            }
        };
        if y.len() <= per * h {
            rows((&mut y, &xs));
        } else {
            y.par_chunks_mut(per * h)
                .zip(xs.par_chunks(2 * per * h))
                .for_each(rows);
        }
        Ok(y)
    }
}

impl CustomOp1 for GatedSplit {
    fn name(&self) -> &'static str {
        self.0.kind().gated_name()
    }

    fn cpu_fwd(&self, xs: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let y = map1(self.name(), xs, layout, self)?;
        Ok((y, halved(layout.dims())))
    }

    fn bwd(&self, xs: &Tensor, _y: &Tensor, dy: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(xs.apply_op2(dy, GatedSplitBackward(self.0))?))
    }
}

impl FloatMap2 for GatedSplitBackward {
    fn f<T: Elem>(
        &self,
        xs: Cow<'_, [T]>,
        layout: &Layout,
        dy: Cow<'_, [T]>,
        _: &Layout,
    ) -> Result<Vec<T>> {
        let h = half(layout);
        let mut dxs = zeros(xs.len());
        if h == 0 {
            return Ok(dxs);
        }
        let per = rows_per_task(h);
        let rows = |((dxs, xs), dy): ((&mut [T], &[T]), &[T])| {
            let runs = dxs.chunks_exact_mut(2 * h).zip(xs.chunks_exact(2 * h));
            for ((dx, x), dy) in runs.zip(dy.chunks_exact(h)) {
                let (gate, up) = x.split_at(h);
                let (d_gate, d_up) = dx.split_at_mut(h);
                kernel::gated_backward(&self.0, gate, up, dy, d_gate, d_up);
            }
        };
        if dy.len() <= per * h {
            rows(((&mut dxs, &xs), &dy));
        } else {
            dxs.par_chunks_mut(2 * per * h)
                .zip(xs.par_chunks(2 * per * h))
                .zip(dy.par_chunks(per * h))
                .for_each(rows);
        }
        Ok(dxs)
    }
}

impl CustomOp2 for GatedSplitBackward {
    fn name(&self) -> &'static str {
        self.0.kind().gated_name()
    }

    fn cpu_fwd(
        &self,
        xs: &CpuStorage,
        lx: &Layout,
        dy: &CpuStorage,
        ldy: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let want = halved(lx.dims());
        if ldy.shape() != &want {
            return Err(shape_mismatch(&want, ldy.shape(), self.name()));
        }
        let dxs = map2(self.name(), xs, lx, dy, ldy, self)?;
        Ok((dxs, lx.shape().clone()))
    }
}
