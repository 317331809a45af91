//! The elementwise functions as Candle custom ops: one forward op, its fused backward and the
//! in-place variant, each holding the function it runs ([`Elementwise`]).

use std::borrow::Cow;

#[cfg(feature = "cuda")]
use candle_core::CudaStorage;
use candle_core::{CpuStorage, CustomOp1, CustomOp2, InplaceOp1, Layout, Result, Shape, Tensor};
use rectifiers_core::{Elementwise, kernel};

use crate::storage::{
    Elem, FloatMap1, FloatMap2, FloatMapInPlace, map_in_place, map1, map2, shape_mismatch, zeros,
};

/// `y = f(x)` for an elementwise function `f`, fused: one pass, parallel above the core's threshold.
///
/// Its backward is [`Backward`], one more fused pass from the saved input.
#[derive(Debug, Clone, Copy)]
pub struct Forward(pub Elementwise);

/// `x = f(x)` in place, for [`Tensor::inplace_op1`]: the same kernels as [`Forward`], writing
/// over the input. Records no gradient; the `*_` functions (such as
/// [`squareplus_`](crate::squareplus_)) add the checks described in the
/// [crate docs](crate#in-place).
#[derive(Debug, Clone, Copy)]
pub struct InPlace(pub Elementwise);

/// `dx = dy * f'(x)`, fused, from the input `x` and the upstream gradient `dy`.
#[derive(Debug, Clone, Copy)]
pub struct Backward(pub Elementwise);

impl FloatMap1 for Forward {
    fn f<T: Elem>(&self, x: Cow<'_, [T]>, _: &Layout) -> Result<Vec<T>> {
        Ok(match x {
            Cow::Borrowed(x) => {
                let mut y = zeros(x.len());
                kernel::forward(&self.0, x, &mut y);
                y
            }
            // Already a fresh copy (the input was strided): overwrite it.
            Cow::Owned(mut y) => {
                kernel::forward_in_place(&self.0, &mut y);
                y
            }
        })
    }
}

impl CustomOp1 for Forward {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        Ok((
            map1(self.0.name(), storage, layout, self)?,
            layout.shape().clone(),
        ))
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(&self, storage: &CudaStorage, layout: &Layout) -> Result<(CudaStorage, Shape)> {
        let y = crate::cuda::unary_fwd(self.0, storage, layout)?;
        Ok((y, layout.shape().clone()))
    }

    fn bwd(&self, x: &Tensor, _y: &Tensor, dy: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(x.apply_op2(dy, Backward(self.0))?))
    }
}

impl FloatMapInPlace for InPlace {
    fn f<T: Elem>(&self, xs: &mut [T]) {
        kernel::forward_in_place(&self.0, xs);
    }
}

impl InplaceOp1 for InPlace {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn cpu_fwd(&self, storage: &mut CpuStorage, layout: &Layout) -> Result<()> {
        map_in_place(self.0.name(), storage, layout, self)
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(&self, storage: &mut CudaStorage, layout: &Layout) -> Result<()> {
        crate::cuda::unary_fwd_in_place(self.0, storage, layout)
    }
}

impl FloatMap2 for Backward {
    fn f<T: Elem>(
        &self,
        x: Cow<'_, [T]>,
        _: &Layout,
        dy: Cow<'_, [T]>,
        _: &Layout,
    ) -> Result<Vec<T>> {
        Ok(match dy {
            Cow::Borrowed(dy) => {
                let mut dx = zeros(x.len());
                kernel::backward(&self.0, &x, dy, &mut dx);
                dx
            }
            Cow::Owned(mut g) => {
                kernel::backward_in_place(&self.0, &x, &mut g);
                g
            }
        })
    }
}

impl CustomOp2 for Backward {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn cpu_fwd(
        &self,
        x: &CpuStorage,
        lx: &Layout,
        dy: &CpuStorage,
        ldy: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        if lx.shape() != ldy.shape() {
            return Err(shape_mismatch(lx.shape(), ldy.shape(), self.0.name()));
        }
        Ok((
            map2(self.0.name(), x, lx, dy, ldy, self)?,
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
        let dx = crate::cuda::unary_bwd(self.0, x, lx, dy, ldy)?;
        Ok((dx, lx.shape().clone()))
    }
}
