//! LSE0+ as a Candle op reducing the last dim, with a fused backward.

use std::borrow::Cow;

#[cfg(feature = "cuda")]
use candle_core::CudaStorage;
use candle_core::{CpuStorage, CustomOp1, CustomOp2, Error, Layout, Result, Shape, Tensor};
use rectifiers_core::kernel;

use crate::storage::{Elem, FloatMap1, FloatMap2, map1, map2, zeros};

/// `y[.., 0] = ln(1 + sum_i e^(x[.., i]))` over the last dim, kept with size 1.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lse0Plus;

/// `dx[.., i] = dy[.., 0] e^(x_i) / (1 + sum_j e^(x_j))`, recomputed from `x`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lse0PlusBackward;

/// `(rows, n)` of a `[.., n]` shape.
fn rows_n(shape: &Shape) -> Result<(usize, usize)> {
    match shape.dims().last() {
        Some(&n) => Ok((keepdim(shape).elem_count(), n)),
        // Candle's error for the last dim (-1) of a scalar.
        None => Err(Error::DimOutOfRange {
            shape: shape.clone(),
            dim: -1,
            op: "lse0_plus",
        }
        .bt()),
    }
}

/// The upstream gradient of `x` (`[.., n]`) must be `[.., 1]`.
fn check_dy(lx: &Layout, ldy: &Layout) -> Result<()> {
    let expected = keepdim(lx.shape());
    if ldy.shape() != &expected {
        return Err(Error::UnexpectedShape {
            msg: "lse0_plus backward: gradient shape".to_string(),
            expected,
            got: ldy.shape().clone(),
        }
        .bt());
    }
    Ok(())
}

/// `[.., n]` to `[.., 1]`.
fn keepdim(shape: &Shape) -> Shape {
    let mut dims = shape.dims().to_vec();
    if let Some(last) = dims.last_mut() {
        *last = 1;
    }
    Shape::from(dims)
}

impl FloatMap1 for Lse0Plus {
    fn f<T: Elem>(&self, x: Cow<'_, [T]>, l: &Layout) -> Result<Vec<T>> {
        let (_, n) = rows_n(l.shape())?;
        let rows = keepdim(l.shape()).elem_count();
        let mut y = zeros(rows);
        kernel::lse0_plus_forward(&x, n, &mut y);
        Ok(y)
    }
}

impl CustomOp1 for Lse0Plus {
    fn name(&self) -> &'static str {
        "lse0_plus"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        Ok((
            map1("lse0_plus", storage, layout, self)?,
            keepdim(layout.shape()),
        ))
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(&self, storage: &CudaStorage, layout: &Layout) -> Result<(CudaStorage, Shape)> {
        let (_, n) = rows_n(layout.shape())?;
        let rows = keepdim(layout.shape()).elem_count();
        let y = crate::cuda::lse0_plus_fwd(storage, layout, rows, n)?;
        Ok((y, keepdim(layout.shape())))
    }

    fn bwd(&self, x: &Tensor, _y: &Tensor, dy: &Tensor) -> Result<Option<Tensor>> {
        // The upstream gradient is often a broadcast view (from `sum`).
        Ok(Some(x.apply_op2(
            &crate::storage::device_contiguous(dy)?,
            Lse0PlusBackward,
        )?))
    }
}

impl FloatMap2 for Lse0PlusBackward {
    fn f<T: Elem>(
        &self,
        x: Cow<'_, [T]>,
        lx: &Layout,
        dy: Cow<'_, [T]>,
        _: &Layout,
    ) -> Result<Vec<T>> {
        let (_, n) = rows_n(lx.shape())?;
        let mut dx = zeros(x.len());
        kernel::lse0_plus_backward(&x, &dy, n, &mut dx);
        Ok(dx)
    }
}

impl CustomOp2 for Lse0PlusBackward {
    fn name(&self) -> &'static str {
        "lse0_plus_backward"
    }

    fn cpu_fwd(
        &self,
        x: &CpuStorage,
        lx: &Layout,
        dy: &CpuStorage,
        ldy: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        check_dy(lx, ldy)?;
        Ok((
            map2("lse0_plus_backward", x, lx, dy, ldy, self)?,
            lx.shape().clone(),
        ))
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(
        &self,
        x: &CudaStorage,
        lx: &Layout,
        dy: &CudaStorage,
        ldy: &Layout,
    ) -> Result<(CudaStorage, Shape)> {
        check_dy(lx, ldy)?;
        let (_, n) = rows_n(lx.shape())?;
        let rows = ldy.shape().elem_count();
        let dx = crate::cuda::lse0_plus_bwd(x, lx, dy, ldy, rows, n)?;
        Ok((dx, lx.shape().clone()))
    }
}
