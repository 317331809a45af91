//! Launchers of the gated kernels (`kernels/gated.cuh`): `<op>_gated_<dtype>` and
//! `<op>_gated_bwd_<dtype>`, over operands of any layout.

use candle_core::backend::BackendStorage;
use candle_core::cuda_backend::cudarc::driver::PushKernelArg;
use candle_core::cuda_backend::{CudaStorage, SlicePtrOrNull, WrapErr};
use candle_core::{DType, Layout, Result};
use rectifiers_core::Elementwise;

use super::{Elem, MODULE, PTX, alloc_out, check_same_dtype, elementwise_cfg};
// `with_elem!` names these.
use crate::storage::unsupported;

/// `f(gate) * up` (kernel `<name>_gated_<dtype>`); `gate` and `up` have the same shape
/// (checked by the op) and dtype (checked here); the result is contiguous. `op` names errors.
pub(crate) fn gated_fwd(
    f: Elementwise,
    op: &'static str,
    gate: &CudaStorage,
    lg: &Layout,
    up: &CudaStorage,
    lu: &Layout,
) -> Result<CudaStorage> {
    check_same_dtype(op, gate.dtype(), up.dtype())?;
    with_elem!(op, gate.dtype(), T => gated_fwd_t::<T>(f, gate, lg, up, lu))
}

fn gated_fwd_t<T: Elem>(
    f: Elementwise,
    gate: &CudaStorage,
    lg: &Layout,
    up: &CudaStorage,
    lu: &Layout,
) -> Result<CudaStorage> {
    let dev = gate.device();
    let numel = lg.shape().elem_count();
    let mut y = alloc_out::<T>(dev, numel)?;
    if numel > 0 {
        let info_g = SlicePtrOrNull::params_from_layout(dev, lg)?;
        let info_u = SlicePtrOrNull::params_from_layout(dev, lu)?;
        let gs = gate.as_cuda_slice::<T>()?.slice(lg.start_offset()..);
        let us = up.as_cuda_slice::<T>()?.slice(lu.start_offset()..);
        let num_dims = lg.dims().len();
        let param = f.param().unwrap_or(0.0);
        let name = format!("{}_gated_{}", f.name(), T::DTYPE.as_str());
        let func = dev.get_or_load_custom_func(&name, MODULE, PTX)?;
        let mut b = func.builder();
        b.arg(&numel);
        b.arg(&num_dims);
        info_g.builder_arg(&mut b);
        info_u.builder_arg(&mut b);
        b.arg(&param);
        b.arg(&gs);
        b.arg(&us);
        b.arg(&mut y);
        // SAFETY: the arguments match `<op>_gated_<dtype>(size_t numel, size_t num_dims,
        // const size_t *info_gate, const size_t *info_up, double param, const T *gate,
        // const T *up, T *y)` in order and type. gate and up have the same shape (checked by
        // the op), so one `num_dims` describes both info buffers (each null or 2 * num_dims
        // values); both views start at their layout's offset and hold every element their
        // layout addresses; `y` has `numel` elements and the kernel writes index i < numel only.
        unsafe { b.launch(elementwise_cfg(numel, 2)) }.w()?;
    }
    Ok(CudaStorage::wrap_cuda_slice(y, dev.clone()))
}

/// Both gradients of the gated op (kernel `<name>_gated_bwd_<dtype>`), packed contiguous:
/// `d_gate` in the first `numel` elements, `d_up` in the next `numel`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gated_bwd(
    f: Elementwise,
    op: &'static str,
    gate: &CudaStorage,
    lg: &Layout,
    up: &CudaStorage,
    lu: &Layout,
    dy: &CudaStorage,
    ldy: &Layout,
) -> Result<CudaStorage> {
    check_same_dtype(op, gate.dtype(), up.dtype())?;
    check_same_dtype(op, gate.dtype(), dy.dtype())?;
    with_elem!(op, gate.dtype(), T => gated_bwd_t::<T>(f, gate, lg, up, lu, dy, ldy))
}

fn gated_bwd_t<T: Elem>(
    f: Elementwise,
    gate: &CudaStorage,
    lg: &Layout,
    up: &CudaStorage,
    lu: &Layout,
    dy: &CudaStorage,
    ldy: &Layout,
) -> Result<CudaStorage> {
    let dev = gate.device();
    let numel = lg.shape().elem_count();
    let mut grads = alloc_out::<T>(dev, 2 * numel)?;
    if numel > 0 {
        let info_g = SlicePtrOrNull::params_from_layout(dev, lg)?;
        let info_u = SlicePtrOrNull::params_from_layout(dev, lu)?;
        let info_d = SlicePtrOrNull::params_from_layout(dev, ldy)?;
        let gs = gate.as_cuda_slice::<T>()?.slice(lg.start_offset()..);
        let us = up.as_cuda_slice::<T>()?.slice(lu.start_offset()..);
        let ds = dy.as_cuda_slice::<T>()?.slice(ldy.start_offset()..);
        let num_dims = lg.dims().len();
        let param = f.param().unwrap_or(0.0);
        let name = format!("{}_gated_bwd_{}", f.name(), T::DTYPE.as_str());
        let func = dev.get_or_load_custom_func(&name, MODULE, PTX)?;
        let mut b = func.builder();
        b.arg(&numel);
        b.arg(&num_dims);
        info_g.builder_arg(&mut b);
        info_u.builder_arg(&mut b);
        info_d.builder_arg(&mut b);
        b.arg(&param);
        b.arg(&gs);
        b.arg(&us);
        b.arg(&ds);
        b.arg(&mut grads);
        // SAFETY: the arguments match `<op>_gated_bwd_<dtype>(size_t numel, size_t num_dims,
        // const size_t *info_gate, const size_t *info_up, const size_t *info_dy, double param,
        // const T *gate, const T *up, const T *dy, T *grads)` in order and type. The three
        // operands have the same shape (checked by the op), so one `num_dims` describes the
        // three info buffers (each null or 2 * num_dims values); each view starts at its
        // layout's offset and holds every element its layout addresses; `grads` has 2 * numel
        // elements and the kernel writes grads[i] and grads[numel + i] for i < numel only.
        unsafe { b.launch(elementwise_cfg(numel, 1)) }.w()?;
    }
    Ok(CudaStorage::wrap_cuda_slice(grads, dev.clone()))
}
