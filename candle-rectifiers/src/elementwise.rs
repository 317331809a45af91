//! The elementwise functions as Candle custom ops: one generic forward op and its fused
//! backward, instantiated for every function of the core.

use std::borrow::Cow;

#[cfg(feature = "cuda")]
use candle_core::CudaStorage;
use candle_core::{CpuStorage, CustomOp1, CustomOp2, InplaceOp1, Layout, Result, Shape, Tensor};
use rectifiers_core::{
    Elu, Gelu, GeluTanh, LeakyRelu, Mish, Rectifier, Relu, SRelu, Silu, Softplus, SoftplusApprox,
    Squareplus, kernel,
};

use crate::storage::{
    Elem, FloatMap1, FloatMap2, FloatMapInPlace, map_in_place, map1, map2, zeros,
};

/// A core function the ops can run: its one scalar parameter, as the CUDA kernels take it.
pub trait Elementwise: Rectifier + 'static {
    /// The parameter (`b`, `k`, `a`, `alpha` or the slope), 0 for functions without one.
    fn param(&self) -> f64 {
        0.0
    }
}

impl Elementwise for Relu {}
impl Elementwise for Gelu {}
impl Elementwise for GeluTanh {}
impl Elementwise for Silu {}
impl Elementwise for SoftplusApprox {}
impl Elementwise for Mish {}
impl Elementwise for LeakyRelu {
    fn param(&self) -> f64 {
        self.slope()
    }
}
impl Elementwise for Softplus {
    fn param(&self) -> f64 {
        self.k()
    }
}
impl Elementwise for Elu {
    fn param(&self) -> f64 {
        self.alpha()
    }
}
impl Elementwise for SRelu {
    fn param(&self) -> f64 {
        self.a()
    }
}
impl Elementwise for Squareplus {
    fn param(&self) -> f64 {
        self.b()
    }
}

/// `y = f(x)` for a core function `f`, fused: one pass, parallel above the core's threshold.
///
/// Its backward is [`Backward`], one more fused pass from the saved input.
#[derive(Debug, Clone, Copy)]
pub struct Forward<R>(pub R);

/// `x = f(x)` in place, for [`Tensor::inplace_op1`]: the same kernels as [`Forward`], writing
/// over the input. Records no gradient; the `*_` functions (such as
/// [`squareplus_`](crate::squareplus_)) add the checks described in the
/// [crate docs](crate#in-place).
#[derive(Debug, Clone, Copy)]
pub struct InPlace<R>(pub R);

/// `dx = dy * f'(x)`, fused, from the input `x` and the upstream gradient `dy`.
#[derive(Debug, Clone, Copy)]
pub struct Backward<R>(pub R);

impl<R: Elementwise> FloatMap1 for Forward<R> {
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

impl<R: Elementwise> CustomOp1 for Forward<R> {
    fn name(&self) -> &'static str {
        R::NAME
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        Ok((
            map1(R::NAME, storage, layout, self)?,
            layout.shape().clone(),
        ))
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(&self, storage: &CudaStorage, layout: &Layout) -> Result<(CudaStorage, Shape)> {
        let y = crate::cuda::unary_fwd(R::NAME, self.0.param(), storage, layout)?;
        Ok((y, layout.shape().clone()))
    }

    fn bwd(&self, x: &Tensor, _y: &Tensor, dy: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(x.apply_op2(dy, Backward(self.0))?))
    }
}

impl<R: Elementwise> FloatMapInPlace for InPlace<R> {
    fn f<T: Elem>(&self, xs: &mut [T]) {
        kernel::forward_in_place(&self.0, xs);
    }
}

impl<R: Elementwise> InplaceOp1 for InPlace<R> {
    fn name(&self) -> &'static str {
        R::NAME
    }

    fn cpu_fwd(&self, storage: &mut CpuStorage, layout: &Layout) -> Result<()> {
        map_in_place(R::NAME, storage, layout, self)
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(&self, storage: &mut CudaStorage, layout: &Layout) -> Result<()> {
        crate::cuda::unary_fwd_in_place(R::NAME, self.0.param(), storage, layout)
    }
}

impl<R: Elementwise> FloatMap2 for Backward<R> {
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

impl<R: Elementwise> CustomOp2 for Backward<R> {
    fn name(&self) -> &'static str {
        R::NAME
    }

    fn cpu_fwd(
        &self,
        x: &CpuStorage,
        lx: &Layout,
        dy: &CpuStorage,
        ldy: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        if lx.shape() != ldy.shape() {
            candle_core::bail!(
                "{} backward: gradient shape {:?} differs from input shape {:?}",
                R::NAME,
                ldy.shape(),
                lx.shape()
            );
        }
        Ok((map2(R::NAME, x, lx, dy, ldy, self)?, lx.shape().clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(
        &self,
        x: &CudaStorage,
        lx: &Layout,
        dy: &CudaStorage,
        ldy: &Layout,
    ) -> Result<(CudaStorage, Shape)> {
        let dx = crate::cuda::unary_bwd(R::NAME, self.0.param(), x, lx, dy, ldy)?;
        Ok((dx, lx.shape().clone()))
    }
}
