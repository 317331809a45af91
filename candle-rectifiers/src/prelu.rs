//! PReLU as a Candle op on `(x, alpha)`, with a fused backward giving `dx` and `dalpha`.

use std::borrow::Cow;

#[cfg(feature = "cuda")]
use candle_core::CudaStorage;
use candle_core::{CpuStorage, CustomOp2, CustomOp3, Layout, Result, Shape, Tensor};
use rectifiers_core::kernel;

use crate::storage::{Elem, FloatMap2, FloatMap3, map2, map3, shape_mismatch, zeros};

/// The `[outer, C, inner]` split of `x` for `C` slopes: the channel is dim 1 (PyTorch's
/// layout); a single slope applies to every element. Any other `C` is a
/// `ShapeMismatchBinaryOp` between `x` and `[C]`.
pub(crate) fn inner_len(x: &Shape, channels: usize) -> Result<usize> {
    if channels == 1 {
        return Ok(x.elem_count().max(1));
    }
    let dims = x.dims();
    if dims.len() < 2 || dims[1] != channels {
        return Err(shape_mismatch(x, &Shape::from(channels), "prelu"));
    }
    Ok(dims[2..].iter().product())
}

/// `y = x` where `x > 0`, else `alpha[c] x`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PRelu;

/// The fused backward of [`PRelu`] on `(x, alpha, dy)`: one pass writing `dx` and the
/// per-channel sums `dalpha`, packed as one flat tensor `[dx..., dalpha...]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PReluBackward;

impl FloatMap2 for PRelu {
    fn f<T: Elem>(
        &self,
        x: Cow<'_, [T]>,
        lx: &Layout,
        a: Cow<'_, [T]>,
        _: &Layout,
    ) -> Result<Vec<T>> {
        let inner = inner_len(lx.shape(), a.len())?;
        let mut y = zeros(x.len());
        kernel::prelu_forward(&x, &a, inner, &mut y);
        Ok(y)
    }
}

impl CustomOp2 for PRelu {
    fn name(&self) -> &'static str {
        "prelu"
    }

    fn cpu_fwd(
        &self,
        x: &CpuStorage,
        lx: &Layout,
        a: &CpuStorage,
        la: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        Ok((map2("prelu", x, lx, a, la, self)?, lx.shape().clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(
        &self,
        x: &CudaStorage,
        lx: &Layout,
        a: &CudaStorage,
        la: &Layout,
    ) -> Result<(CudaStorage, Shape)> {
        let channels = la.shape().elem_count();
        let inner = inner_len(lx.shape(), channels)?;
        let y = crate::cuda::prelu_fwd(x, lx, a, la, channels, inner)?;
        Ok((y, lx.shape().clone()))
    }

    fn bwd(
        &self,
        x: &Tensor,
        alpha: &Tensor,
        _y: &Tensor,
        dy: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let dy = crate::storage::device_contiguous(dy)?;
        let packed = x.apply_op3(alpha, &dy, PReluBackward)?;
        let n = x.elem_count();
        let dx = packed.narrow(0, 0, n)?.reshape(x.shape())?;
        let dalpha = packed
            .narrow(0, n, alpha.elem_count())?
            .reshape(alpha.shape())?;
        Ok((Some(dx), Some(dalpha)))
    }
}

impl FloatMap3 for PReluBackward {
    fn f<T: Elem>(
        &self,
        x: Cow<'_, [T]>,
        lx: &Layout,
        a: Cow<'_, [T]>,
        _: &Layout,
        dy: Cow<'_, [T]>,
        _: &Layout,
    ) -> Result<Vec<T>> {
        let inner = inner_len(lx.shape(), a.len())?;
        let mut out = zeros(x.len() + a.len());
        let (dx, da) = out.split_at_mut(x.len());
        kernel::prelu_backward(&x, &a, &dy, inner, dx, da);
        Ok(out)
    }
}

impl CustomOp3 for PReluBackward {
    fn name(&self) -> &'static str {
        "prelu_backward"
    }

    fn cpu_fwd(
        &self,
        x: &CpuStorage,
        lx: &Layout,
        a: &CpuStorage,
        la: &Layout,
        dy: &CpuStorage,
        ldy: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let out = map3("prelu_backward", x, lx, a, la, dy, ldy, self)?;
        let n = lx.shape().elem_count() + la.shape().elem_count();
        Ok((out, Shape::from(n)))
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(
        &self,
        x: &CudaStorage,
        lx: &Layout,
        a: &CudaStorage,
        la: &Layout,
        dy: &CudaStorage,
        ldy: &Layout,
    ) -> Result<(CudaStorage, Shape)> {
        // The kernels write the packed [dx..., dalpha...] of the CPU op directly.
        let channels = la.shape().elem_count();
        let inner = inner_len(lx.shape(), channels)?;
        let packed = crate::cuda::prelu_bwd(x, lx, a, la, dy, ldy, channels, inner)?;
        Ok((packed, Shape::from(lx.shape().elem_count() + channels)))
    }
}
