//! The gated activations `y = f(gate) * up` as Candle custom ops: [`Gated`] on `(gate, up)` and
//! its fused backward [`GatedBackward`] on `(gate, up, dy)`, both gradients in one pass.

use std::borrow::Cow;

#[cfg(feature = "cuda")]
use candle_core::CudaStorage;
use candle_core::{CpuStorage, CustomOp2, CustomOp3, Layout, Result, Shape, Tensor};
use rectifiers_core::{Elementwise, kernel};

use crate::storage::{Elem, FloatMap2, FloatMap3, map2, map3, shape_mismatch, zeros};

/// `y = f(gate) * up` for an elementwise function `f`, fused: one pass over `gate` and `up`
/// (same shape and dtype, any layouts).
///
/// `f(gate)` is the plain function's value, then one multiplication; `f16`/`bf16` compute both
/// in `f32` and round once (a composed half evaluation rounds `f(gate)` to the half type first).
/// Its backward is [`GatedBackward`], one more pass from the saved `gate` and `up`.
#[derive(Debug, Clone, Copy)]
pub struct Gated(pub Elementwise);

/// Both gradients of [`Gated`] in one pass, from `gate`, `up` and the upstream gradient `dy`:
/// `d_gate = dy * up * f'(gate)` and `d_up = dy * f(gate)`, written as one tensor of shape
/// `[2, ..gate's shape]` (`d_gate` first; [`Tensor::get`] takes each apart without a copy).
#[derive(Debug, Clone, Copy)]
pub struct GatedBackward(pub Elementwise);

fn check_shapes(op: &'static str, lhs: &Layout, rhs: &Layout) -> Result<()> {
    if lhs.shape() != rhs.shape() {
        return Err(shape_mismatch(lhs.shape(), rhs.shape(), op));
    }
    Ok(())
}

impl FloatMap2 for Gated {
    fn f<T: Elem>(
        &self,
        gate: Cow<'_, [T]>,
        _: &Layout,
        up: Cow<'_, [T]>,
        _: &Layout,
    ) -> Result<Vec<T>> {
        let mut y = zeros(gate.len());
        kernel::gated_forward(&self.0, &gate, &up, &mut y);
        Ok(y)
    }
}

impl CustomOp2 for Gated {
    fn name(&self) -> &'static str {
        self.0.kind().gated_name()
    }

    fn cpu_fwd(
        &self,
        gate: &CpuStorage,
        lg: &Layout,
        up: &CpuStorage,
        lu: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        check_shapes(self.name(), lg, lu)?;
        let y = map2(self.name(), gate, lg, up, lu, self)?;
        Ok((y, lg.shape().clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(
        &self,
        gate: &CudaStorage,
        lg: &Layout,
        up: &CudaStorage,
        lu: &Layout,
    ) -> Result<(CudaStorage, Shape)> {
        check_shapes(self.name(), lg, lu)?;
        let y = crate::cuda::gated_fwd(self.0, self.name(), gate, lg, up, lu)?;
        Ok((y, lg.shape().clone()))
    }

    fn bwd(
        &self,
        gate: &Tensor,
        up: &Tensor,
        _y: &Tensor,
        dy: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let packed = gate.apply_op3(up, dy, GatedBackward(self.0))?;
        Ok((Some(packed.get(0)?), Some(packed.get(1)?)))
    }
}

impl FloatMap3 for GatedBackward {
    fn f<T: Elem>(
        &self,
        gate: Cow<'_, [T]>,
        _: &Layout,
        up: Cow<'_, [T]>,
        _: &Layout,
        dy: Cow<'_, [T]>,
        _: &Layout,
    ) -> Result<Vec<T>> {
        let n = gate.len();
        let mut out = zeros(2 * n);
        let (d_gate, d_up) = out.split_at_mut(n);
        kernel::gated_backward(&self.0, &gate, &up, &dy, d_gate, d_up);
        Ok(out)
    }
}

/// `[2, ..shape]`: the packed gradients' shape.
fn packed_shape(shape: &Shape) -> Shape {
    Shape::from(
        std::iter::once(2)
            .chain(shape.dims().iter().copied())
            .collect::<Vec<_>>(),
    )
}

impl CustomOp3 for GatedBackward {
    fn name(&self) -> &'static str {
        self.0.kind().gated_name()
    }

    fn cpu_fwd(
        &self,
        gate: &CpuStorage,
        lg: &Layout,
        up: &CpuStorage,
        lu: &Layout,
        dy: &CpuStorage,
        ldy: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        check_shapes(self.name(), lg, lu)?;
        check_shapes(self.name(), lg, ldy)?;
        let packed = map3(self.name(), gate, lg, up, lu, dy, ldy, self)?;
        Ok((packed, packed_shape(lg.shape())))
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(
        &self,
        gate: &CudaStorage,
        lg: &Layout,
        up: &CudaStorage,
        lu: &Layout,
        dy: &CudaStorage,
        ldy: &Layout,
    ) -> Result<(CudaStorage, Shape)> {
        check_shapes(self.name(), lg, lu)?;
        check_shapes(self.name(), lg, ldy)?;
        let packed = crate::cuda::gated_bwd(self.0, self.name(), gate, lg, up, lu, dy, ldy)?;
        Ok((packed, packed_shape(lg.shape())))
    }
}
