//! CUDA launchers for the rectifier kernels.
//!
//! The kernels are in `kernels/rectifiers.cu` (the formulas in `kernels/functions.cuh` mirror
//! `rectifiers-core`); `build.rs` compiles them to PTX with `nvcc`, embedded here and loaded
//! once per device as the custom module `rectifiers`. Kernel names, dtype suffix from
//! [`DType::as_str`] (`f32`, `f64`, `f16`, `bf16`):
//!
//! | launcher | kernels |
//! |---|---|
//! | [`unary_fwd`] | `u<op>_<dtype>` (candle's `unary.cu` convention, plus a `double param`) |
//! | [`unary_fwd_in_place`] | the same kernel with `inp == out` |
//! | [`unary_bwd`] | `<op>_bwd_<dtype>`: `dx = dy * f'(x)` from the saved input |
//! | [`gated_fwd`] | `<op>_gated_<dtype>`: `y = f(gate) * up` (`src/cuda/gated.rs`) |
//! | [`gated_bwd`] | `<op>_gated_bwd_<dtype>`: `d_gate` and `d_up` in one buffer |
//! | [`prelu_fwd`] | `uprelu_<dtype>` |
//! | [`prelu_bwd`] | `prelu_bwd_elems_<dtype>` or `prelu_bwd_rows_<dtype>`, then `prelu_dalpha_*` |
//! | [`lse0_plus_fwd`] | `lse0_plus_fwd_<dtype>`, or `lse0_plus_part_*` + `lse0_plus_merge_*` |
//! | [`lse0_plus_bwd`] | `lse0_plus_bwd_<dtype>`, or `lse0_plus_part_*`, `merge_*`, `bwd_split_*` |
//!
//! The reductions' launch shapes come from [`crate::launch`], from the shape alone.
//!
//! Elementwise and gated ops accept any layout (strided inputs are indexed by the kernel); PReLU and
//! LSE0+ need contiguous inputs. Outputs are fresh contiguous buffers, except in place, where
//! the input must be contiguous.

use candle_core::backend::BackendStorage;
use candle_core::cuda_backend::cudarc::driver::{
    CudaSlice, CudaView, DevicePtr, DeviceRepr, LaunchConfig, PushKernelArg, ValidAsZeroBits,
};
use candle_core::cuda_backend::{CudaDType, CudaDevice, CudaStorage, SlicePtrOrNull, WrapErr};
use candle_core::{DType, Error, Layout, Result, WithDType, bail};
use rectifiers_core::Elementwise;

use crate::launch::{
    LSE_PART_BYTES, LSE_SPLIT_THREADS, LsePlan, PRELU_BLOCK, PreluMode, PreluPlan,
};
use crate::storage::{dtype_mismatch, shape_mismatch, unsupported};

/// The PTX of `kernels/rectifiers.cu`, built by `build.rs`.
const PTX: &str = include_str!(concat!(env!("OUT_DIR"), "/rectifiers.ptx"));
/// The name the module is cached under in the [`CudaDevice`].
const MODULE: &str = "rectifiers";

/// Threads per block of the elementwise and PReLU kernels.
const BLOCK: u32 = 256;
/// Grid cap of the grid-stride elementwise kernels.
const MAX_BLOCKS: usize = 1 << 16;
/// Grid cap of the LSE0+ kernels and of `prelu_dalpha` (grid-stride over rows or channels).
const LSE_MAX_BLOCKS: usize = 65_535;

/// The element types with kernels: f32, f64, f16, bf16.
trait Elem: CudaDType + DeviceRepr + WithDType + ValidAsZeroBits {}
impl<T: CudaDType + DeviceRepr + WithDType + ValidAsZeroBits> Elem for T {}

/// Runs `$body` with `$t` the Rust type of `$dtype`, or fails with `UnsupportedDTypeForOp`.
macro_rules! with_elem {
    ($op:expr, $dtype:expr, $t:ident => $body:expr) => {
        match $dtype {
            DType::F32 => {
                type $t = f32;
                $body
            }
            DType::F64 => {
                type $t = f64;
                $body
            }
            DType::F16 => {
                type $t = half::f16;
                $body
            }
            DType::BF16 => {
                type $t = half::bf16;
                $body
            }
            other => return Err(unsupported(other, $op)),
        }
    };
}

mod gated;
pub(crate) use gated::{gated_bwd, gated_fwd};

fn grid(blocks: usize, cap: usize) -> u32 {
    // `cap` is below u32::MAX, so the cast is lossless.
    blocks.clamp(1, cap) as u32
}

/// A grid-stride launch with about `per_thread` elements per thread (the unary kernels load
/// 4 (forward) or 2 (backward) elements before storing any, see `kernels/rectifiers.cu`).
fn elementwise_cfg(numel: usize, per_thread: usize) -> LaunchConfig {
    let blocks = numel.div_ceil(BLOCK as usize * per_thread);
    LaunchConfig {
        grid_dim: (grid(blocks, MAX_BLOCKS), 1, 1),
        block_dim: (BLOCK, 1, 1),
        shared_mem_bytes: 0,
    }
}

fn check_same_dtype(op: &'static str, lhs: DType, rhs: DType) -> Result<()> {
    if lhs != rhs {
        return Err(dtype_mismatch(lhs, rhs, op));
    }
    Ok(())
}

/// The elements of a contiguous layout, or `RequiresContiguous`.
fn contiguous_view<'a, T: Elem>(
    s: &'a CudaStorage,
    l: &Layout,
    op: &'static str,
) -> Result<CudaView<'a, T>> {
    match l.contiguous_offsets() {
        Some((start, end)) => Ok(s.as_cuda_slice::<T>()?.slice(start..end)),
        None => Err(Error::RequiresContiguous { op }.bt()),
    }
}

/// A device buffer of `len` elements that the caller then writes entirely.
fn alloc_out<T: DeviceRepr>(dev: &CudaDevice, len: usize) -> Result<CudaSlice<T>> {
    // SAFETY: the memory is uninitialised; every caller writes all `len` elements (a kernel
    // launch or device copies) before the buffer is returned, or `len` is 0.
    unsafe { dev.alloc::<T>(len) }
}

/// `f(x)` elementwise (kernel `u<name>_<dtype>` with `f`'s parameter, 0 for functions without
/// one), over a storage of any layout; the result is contiguous.
pub(crate) fn unary_fwd(f: Elementwise, s: &CudaStorage, l: &Layout) -> Result<CudaStorage> {
    let (op, param) = (f.name(), f.param().unwrap_or(0.0));
    with_elem!(op, s.dtype(), T => unary_fwd_t::<T>(op, param, s, l))
}

fn unary_fwd_t<T: Elem>(op: &str, param: f64, s: &CudaStorage, l: &Layout) -> Result<CudaStorage> {
    let dev = s.device();
    let numel = l.shape().elem_count();
    let mut out = alloc_out::<T>(dev, numel)?;
    if numel > 0 {
        let info = SlicePtrOrNull::params_from_layout(dev, l)?;
        let src = s.as_cuda_slice::<T>()?.slice(l.start_offset()..);
        let num_dims = l.dims().len();
        let func =
            dev.get_or_load_custom_func(&format!("u{op}_{}", T::DTYPE.as_str()), MODULE, PTX)?;
        let mut b = func.builder();
        b.arg(&numel);
        b.arg(&num_dims);
        info.builder_arg(&mut b);
        b.arg(&param);
        b.arg(&src);
        b.arg(&mut out);
        // SAFETY: the arguments match `u<op>_<dtype>(size_t numel, size_t num_dims,
        // const size_t *info, double param, const T *inp, T *out)` in order and type (usize is
        // size_t on the 64-bit targets CUDA supports). `info` is null (contiguous) or a device
        // copy of dims then strides, 2 * num_dims values; `src` starts at the layout's offset and
        // holds every element the layout addresses (candle's storage invariant); `out` has
        // `numel` elements and the kernel writes index i < numel only.
        unsafe { b.launch(elementwise_cfg(numel, 4)) }.w()?;
    }
    Ok(CudaStorage::wrap_cuda_slice(out, dev.clone()))
}

/// `x = f(x)` in place (the kernel of [`unary_fwd`]), over the elements of a contiguous layout;
/// any other layout is an error naming the function.
pub(crate) fn unary_fwd_in_place(f: Elementwise, s: &mut CudaStorage, l: &Layout) -> Result<()> {
    let (op, param) = (f.name(), f.param().unwrap_or(0.0));
    with_elem!(op, s.dtype(), T => unary_fwd_in_place_t::<T>(op, param, s, l))
}

fn unary_fwd_in_place_t<T: Elem>(
    op: &str,
    param: f64,
    s: &mut CudaStorage,
    l: &Layout,
) -> Result<()> {
    let numel = l.shape().elem_count();
    if numel == 0 {
        return Ok(());
    }
    let Some((start, end)) = l.contiguous_offsets() else {
        // Not `RequiresContiguous`: the message names the in-place op (`relu_`) and points to
        // the out-of-place one, which a `&'static str` op name cannot.
        bail!(
            "{op}_: in place on CUDA needs a contiguous tensor (call .contiguous() first, or use \
             the out-of-place {op})"
        );
    };
    let dev = s.device().clone();
    let stream = dev.cuda_stream();
    let func = dev.get_or_load_custom_func(&format!("u{op}_{}", T::DTYPE.as_str()), MODULE, PTX)?;
    let mut xy = s.as_cuda_slice_mut::<T>()?.slice_mut(start..end);
    // The kernel's `inp` is the same memory as `out`; a second borrow of `xy` is impossible, so
    // it goes as the raw address. Ordering against earlier work on this memory comes from
    // passing `xy` itself as `out` below (waits for its reads and writes, records the write).
    let inp = xy.device_ptr(&stream).0;
    let num_dims = l.dims().len();
    let mut b = func.builder();
    b.arg(&numel);
    b.arg(&num_dims);
    // Contiguous: the kernel's info pointer is null.
    b.arg(&0usize);
    b.arg(&param);
    b.arg(&inp);
    b.arg(&mut xy);
    // SAFETY: the arguments match `u<op>_<dtype>(size_t numel, size_t num_dims,
    // const size_t *info, double param, const T *inp, T *out)` in order and type (`inp` is a
    // CUdeviceptr, a 64-bit device address like `out`'s). `info` is null, so the kernel takes its
    // contiguous path, where each index i < numel is read from inp[i] and then written to
    // out[i] by the same thread: with inp == out no element is read after another thread wrote
    // it (the parameters are not `__restrict__`). `xy` is the layout's `numel` elements.
    unsafe { b.launch(elementwise_cfg(numel, 4)) }.w()?;
    Ok(())
}

/// `dx = dy * f'(x)` (kernel `<name>_bwd_<dtype>`), from the saved input `x` and the upstream
/// gradient `dy` (same shape and dtype, any layouts); `dx` is contiguous.
pub(crate) fn unary_bwd(
    f: Elementwise,
    x: &CudaStorage,
    lx: &Layout,
    dy: &CudaStorage,
    ldy: &Layout,
) -> Result<CudaStorage> {
    let (op, param) = (f.name(), f.param().unwrap_or(0.0));
    check_same_dtype(op, x.dtype(), dy.dtype())?;
    if lx.shape() != ldy.shape() {
        return Err(shape_mismatch(lx.shape(), ldy.shape(), op));
    }
    with_elem!(op, x.dtype(), T => unary_bwd_t::<T>(op, param, x, lx, dy, ldy))
}

fn unary_bwd_t<T: Elem>(
    op: &str,
    param: f64,
    x: &CudaStorage,
    lx: &Layout,
    dy: &CudaStorage,
    ldy: &Layout,
) -> Result<CudaStorage> {
    let dev = x.device();
    let numel = lx.shape().elem_count();
    let mut dx = alloc_out::<T>(dev, numel)?;
    if numel > 0 {
        let info_x = SlicePtrOrNull::params_from_layout(dev, lx)?;
        let info_dy = SlicePtrOrNull::params_from_layout(dev, ldy)?;
        let xs = x.as_cuda_slice::<T>()?.slice(lx.start_offset()..);
        let dys = dy.as_cuda_slice::<T>()?.slice(ldy.start_offset()..);
        let num_dims = lx.dims().len();
        let func =
            dev.get_or_load_custom_func(&format!("{op}_bwd_{}", T::DTYPE.as_str()), MODULE, PTX)?;
        let mut b = func.builder();
        b.arg(&numel);
        b.arg(&num_dims);
        info_x.builder_arg(&mut b);
        info_dy.builder_arg(&mut b);
        b.arg(&param);
        b.arg(&xs);
        b.arg(&dys);
        b.arg(&mut dx);
        // SAFETY: the arguments match `<op>_bwd_<dtype>(size_t numel, size_t num_dims,
        // const size_t *info_x, const size_t *info_dy, double param, const T *x, const T *dy,
        // T *dx)`. x and dy have the same shape (checked), so one `num_dims` describes both
        // info buffers (each null or 2 * num_dims values); both views start at their layout's
        // offset and hold every element their layout addresses; `dx` has `numel` elements.
        unsafe { b.launch(elementwise_cfg(numel, 2)) }.w()?;
    }
    Ok(CudaStorage::wrap_cuda_slice(dx, dev.clone()))
}

/// Validates PReLU's `[outer, channels, inner]` view of `numel` elements and `alpha`'s length;
/// returns the `inner` to pass to the kernels (at least 1). Past the empty `alpha`, these are
/// checks of the callers' arithmetic (`prelu::inner_len`), with no typed error to match.
fn prelu_inner(numel: usize, channels: usize, inner: usize, la: &Layout) -> Result<usize> {
    if channels == 0 {
        return Err(Error::EmptyTensor { op: "prelu" }.bt());
    }
    let alpha_len = la.shape().elem_count();
    if alpha_len != channels {
        bail!("prelu: alpha has {alpha_len} elements but channels = {channels}");
    }
    if channels > 1 {
        let row = channels.checked_mul(inner).unwrap_or(0);
        if inner == 0 || row == 0 || !numel.is_multiple_of(row) {
            bail!("prelu: {numel} elements do not form [outer, {channels}, {inner}]");
        }
    }
    Ok(inner.max(1))
}

/// PReLU forward: `y = x` where `x > 0`, else `alpha[c] x`, for a contiguous `x` viewed as
/// `[outer, channels, inner]` (`channels = alpha.len()`; with one alpha pass `channels = 1`,
/// and `inner` is then ignored). `alpha` must be contiguous with `channels` elements.
pub(crate) fn prelu_fwd(
    x: &CudaStorage,
    lx: &Layout,
    alpha: &CudaStorage,
    la: &Layout,
    channels: usize,
    inner: usize,
) -> Result<CudaStorage> {
    check_same_dtype("prelu", x.dtype(), alpha.dtype())?;
    with_elem!("prelu", x.dtype(), T => prelu_fwd_t::<T>(x, lx, alpha, la, channels, inner))
}

fn prelu_fwd_t<T: Elem>(
    x: &CudaStorage,
    lx: &Layout,
    alpha: &CudaStorage,
    la: &Layout,
    channels: usize,
    inner: usize,
) -> Result<CudaStorage> {
    let dev = x.device();
    let numel = lx.shape().elem_count();
    let inner = prelu_inner(numel, channels, inner, la)?;
    let xs = contiguous_view::<T>(x, lx, "prelu")?;
    let alphas = contiguous_view::<T>(alpha, la, "prelu")?;
    let mut y = alloc_out::<T>(dev, numel)?;
    if numel > 0 {
        let func =
            dev.get_or_load_custom_func(&format!("uprelu_{}", T::DTYPE.as_str()), MODULE, PTX)?;
        let mut b = func.builder();
        b.arg(&numel);
        b.arg(&channels);
        b.arg(&inner);
        b.arg(&xs);
        b.arg(&alphas);
        b.arg(&mut y);
        // SAFETY: the arguments match `uprelu_<dtype>(size_t numel, size_t channels,
        // size_t inner, const T *x, const T *alpha, T *y)`. `xs` and `y` hold `numel` elements,
        // `alphas` holds `channels` (checked), and the kernel reads alpha[(i / inner) % channels]
        // with inner >= 1 and channels >= 1.
        unsafe { b.launch(elementwise_cfg(numel, 1)) }.w()?;
    }
    Ok(CudaStorage::wrap_cuda_slice(y, dev.clone()))
}

/// Whether `ptr` (a device address) is 16-byte aligned, for the kernels' 128-bit accesses.
fn aligned16<T: Elem, S: DevicePtr<T>>(dev: &CudaDevice, s: &S) -> bool {
    let stream = dev.cuda_stream();
    let (ptr, _record) = s.device_ptr(&stream);
    ptr.is_multiple_of(16)
}

/// Elements of T in a 16-byte vector.
fn vec_width<T>() -> usize {
    16 / std::mem::size_of::<T>()
}

/// PReLU backward: `[dx..., dalpha...]` in one buffer, as the CPU op packs them, written there
/// by the kernels (no copy). `dx = dy` where `x > 0`, else `alpha[c] dy`; `dalpha[c]` the sum
/// of `x dy` over channel `c` where `x <= 0` (or NaN), in f64, compensated, rounded once to the
/// dtype. The summation order depends on the shape only (no atomics): the same bits on every
/// run. `x`, `alpha` and `dy` must be contiguous.
#[allow(clippy::too_many_arguments)]
pub(crate) fn prelu_bwd(
    x: &CudaStorage,
    lx: &Layout,
    alpha: &CudaStorage,
    la: &Layout,
    dy: &CudaStorage,
    ldy: &Layout,
    channels: usize,
    inner: usize,
) -> Result<CudaStorage> {
    check_same_dtype("prelu backward", x.dtype(), alpha.dtype())?;
    check_same_dtype("prelu backward", x.dtype(), dy.dtype())?;
    if lx.shape() != ldy.shape() {
        return Err(shape_mismatch(lx.shape(), ldy.shape(), "prelu backward"));
    }
    with_elem!("prelu backward", x.dtype(), T => {
        prelu_bwd_t::<T>(x, lx, alpha, la, dy, ldy, channels, inner)
    })
}

#[allow(clippy::too_many_arguments)]
fn prelu_bwd_t<T: Elem>(
    x: &CudaStorage,
    lx: &Layout,
    alpha: &CudaStorage,
    la: &Layout,
    dy: &CudaStorage,
    ldy: &Layout,
    channels: usize,
    inner: usize,
) -> Result<CudaStorage> {
    const OP: &str = "prelu backward";
    let dev = x.device();
    let numel = lx.shape().elem_count();
    let inner = prelu_inner(numel, channels, inner, la)?;
    let xs = contiguous_view::<T>(x, lx, OP)?;
    let alphas = contiguous_view::<T>(alpha, la, OP)?;
    let dys = contiguous_view::<T>(dy, ldy, OP)?;
    let dtype = T::DTYPE.as_str();
    if numel == 0 {
        // No elements: dalpha is all zeros.
        let out = dev.alloc_zeros::<T>(channels)?;
        return Ok(CudaStorage::wrap_cuda_slice(out, dev.clone()));
    }

    let plan = PreluPlan::new(numel, channels, inner);
    let mut out = alloc_out::<T>(dev, numel + channels)?;
    // One compensated f64 sum (two f64) per slot, every one written by pass 1.
    let mut part = alloc_out::<f64>(dev, 2 * plan.slots)?;
    {
        let mut dx = out.slice_mut(..numel);
        match plan.mode {
            PreluMode::Elems => {
                let func =
                    dev.get_or_load_custom_func(&format!("prelu_bwd_elems_{dtype}"), MODULE, PTX)?;
                let mut b = func.builder();
                b.arg(&numel);
                b.arg(&channels);
                b.arg(&plan.inner);
                b.arg(&plan.slots);
                b.arg(&xs);
                b.arg(&alphas);
                b.arg(&dys);
                b.arg(&mut dx);
                b.arg(&mut part);
                let Ok(blocks) = u32::try_from(plan.slots.div_ceil(PRELU_BLOCK)) else {
                    bail!("{OP}: {numel} elements need too large a grid ({plan:?})");
                };
                let cfg = LaunchConfig {
                    grid_dim: (blocks, 1, 1),
                    block_dim: (PRELU_BLOCK as u32, 1, 1),
                    shared_mem_bytes: 0,
                };
                // SAFETY: the arguments match `prelu_bwd_elems_<dtype>(size_t numel,
                // size_t channels, size_t inner, size_t threads, const T *x, const T *alpha,
                // const T *dy, T *dx, CompSum<double> *part)` (CompSum<double> is two doubles).
                // `xs`, `dys` and `dx` hold `numel` elements, `alphas` `channels`; the kernel's
                // threads t < plan.slots (the grid has at least that many) read alpha at
                // (t / inner) % channels, touch elements t + k * slots < numel and write
                // part[t], of the 2 * slots f64 allocated.
                unsafe { b.launch(cfg) }.w()?;
            }
            PreluMode::Rows { seg_len } => {
                let func =
                    dev.get_or_load_custom_func(&format!("prelu_bwd_rows_{dtype}"), MODULE, PTX)?;
                let mut b = func.builder();
                b.arg(&numel);
                b.arg(&channels);
                b.arg(&plan.inner);
                b.arg(&plan.w);
                b.arg(&seg_len);
                b.arg(&plan.slots);
                b.arg(&xs);
                b.arg(&alphas);
                b.arg(&dys);
                b.arg(&mut dx);
                b.arg(&mut part);
                let Ok(blocks) = u32::try_from(plan.slots) else {
                    bail!("{OP}: {numel} elements need too large a grid ({plan:?})");
                };
                let cfg = LaunchConfig {
                    grid_dim: (blocks, 1, 1),
                    block_dim: (PRELU_BLOCK as u32, 1, 1),
                    shared_mem_bytes: 0,
                };
                // SAFETY: the arguments match `prelu_bwd_rows_<dtype>(size_t numel,
                // size_t channels, size_t inner, size_t segs, size_t seg_len, size_t slots,
                // const T *x, const T *alpha, const T *dy, T *dx, CompSum<double> *part)`.
                // The grid is exactly `slots` blocks of PRELU_BLOCK threads (a multiple of 32,
                // as its block reduction needs); block b reads alpha[(b / segs) % channels],
                // touches the elements of rows u / segs < numel / inner, at offsets below
                // `inner`, and writes part[b].
                unsafe { b.launch(cfg) }.w()?;
            }
        }
    }

    let func = dev.get_or_load_custom_func(&format!("prelu_dalpha_{dtype}"), MODULE, PTX)?;
    let mut dalpha = out.slice_mut(numel..);
    let mut b = func.builder();
    b.arg(&channels);
    b.arg(&plan.w);
    b.arg(&plan.q);
    b.arg(&part);
    b.arg(&mut dalpha);
    let cfg = LaunchConfig {
        grid_dim: (grid(channels, LSE_MAX_BLOCKS), 1, 1),
        block_dim: (PRELU_BLOCK as u32, 1, 1),
        shared_mem_bytes: 0,
    };
    // SAFETY: the arguments match `prelu_dalpha_<dtype>(size_t channels, size_t w, size_t q,
    // const CompSum<double> *part, T *dalpha)`. The slots it reads, (k / w * channels + c) * w
    // + k % w for k < q * w and c < channels, are below q * channels * w = plan.slots, all
    // written by pass 1 (same stream); `dalpha` is the last `channels` elements of `out`.
    unsafe { b.launch(cfg) }.w()?;
    Ok(CudaStorage::wrap_cuda_slice(out, dev.clone()))
}

/// `rows * n`, or an error if the view does not match the tensor.
fn lse_elems(op: &str, numel: usize, rows: usize, n: usize) -> Result<usize> {
    match rows.checked_mul(n) {
        Some(len) if len == numel => Ok(len),
        _ => bail!("{op}: {numel} elements do not form [{rows}, {n}]"),
    }
}

/// The cached kernels' launch: `block / tpr` rows per block, grid-stride over the rest.
fn lse_cached_cfg(rows: usize, tpr: usize, block: usize) -> LaunchConfig {
    LaunchConfig {
        grid_dim: (grid(rows.div_ceil(block / tpr), LSE_MAX_BLOCKS), 1, 1),
        // At most LSE_MAX_TPR (512).
        block_dim: (block as u32, 1, 1),
        shared_mem_bytes: 0,
    }
}

/// A grid-stride launch of `items` blocks of the split kernels' size.
fn lse_split_cfg(items: usize) -> LaunchConfig {
    LaunchConfig {
        grid_dim: (grid(items, LSE_MAX_BLOCKS), 1, 1),
        block_dim: (LSE_SPLIT_THREADS as u32, 1, 1),
        shared_mem_bytes: 0,
    }
}

/// Split pass 1 and 2 for rows too long to cache: the per-chunk states, then per row either
/// `y` (forward) or the merged state (returned, for the backward).
#[allow(clippy::too_many_arguments)]
fn lse_split_states<T: Elem>(
    dev: &CudaDevice,
    xs: &CudaView<'_, T>,
    rows: usize,
    n: usize,
    chunks: usize,
    vec: i32,
    y: Option<&mut CudaSlice<T>>,
) -> Result<Option<CudaSlice<u64>>> {
    let dtype = T::DTYPE.as_str();
    let words = LSE_PART_BYTES / 8;
    let items = rows * chunks;
    let mut part = alloc_out::<u64>(dev, items * words)?;
    let func = dev.get_or_load_custom_func(&format!("lse0_plus_part_{dtype}"), MODULE, PTX)?;
    let mut b = func.builder();
    b.arg(&rows);
    b.arg(&n);
    b.arg(&chunks);
    b.arg(&vec);
    b.arg(xs);
    b.arg(&mut part);
    // SAFETY: the arguments match `lse0_plus_part_<dtype>(size_t rows, size_t n,
    // size_t chunks, int vec, const T *x, LsePart<A> *part)`; `xs` holds rows * n elements and
    // chunks * LSE_CHUNK >= n, so each block reads within its row; `part` holds rows * chunks
    // states of LSE_PART_BYTES (the kernels' `sizeof(LsePart<A>)` is at most that, checked by a
    // static_assert), each written once. `vec` is 1 only if x is 16-byte aligned and n a
    // multiple of the vector width (every row and chunk then starts aligned).
    unsafe { b.launch(lse_split_cfg(items)) }.w()?;

    let func = dev.get_or_load_custom_func(&format!("lse0_plus_merge_{dtype}"), MODULE, PTX)?;
    let mut b = func.builder();
    b.arg(&rows);
    b.arg(&chunks);
    b.arg(&part);
    let cfg = lse_split_cfg(rows);
    let state = match y {
        Some(y) => {
            b.arg(y);
            b.arg(&0usize);
            // SAFETY: the arguments match `lse0_plus_merge_<dtype>(size_t rows, size_t chunks,
            // const LsePart<A> *part, T *y, LsePart<A> *row_state)`: `part` holds the
            // rows * chunks states written above (same stream), `y` holds `rows` elements, and
            // row_state is null, which the kernel never touches when y is not null.
            unsafe { b.launch(cfg) }.w()?;
            None
        }
        None => {
            let mut state = alloc_out::<u64>(dev, rows * words)?;
            b.arg(&0usize);
            b.arg(&mut state);
            // SAFETY: as above with y null: the kernel writes row_state[row] for every
            // row < rows, and `state` holds rows states of LSE_PART_BYTES.
            unsafe { b.launch(cfg) }.w()?;
            Some(state)
        }
    };
    Ok(state)
}

/// LSE0+ forward: `y[r] = ln(1 + sum_i e^(x[r, i]))` over a contiguous `x` viewed as
/// `[rows, n]`; `y` has `rows` elements. Accumulates in f32 for f32/f16/bf16, f64 for f64.
pub(crate) fn lse0_plus_fwd(
    x: &CudaStorage,
    lx: &Layout,
    rows: usize,
    n: usize,
) -> Result<CudaStorage> {
    with_elem!("lse0_plus", x.dtype(), T => lse0_plus_fwd_t::<T>(x, lx, rows, n))
}

fn lse0_plus_fwd_t<T: Elem>(
    x: &CudaStorage,
    lx: &Layout,
    rows: usize,
    n: usize,
) -> Result<CudaStorage> {
    const OP: &str = "lse0_plus";
    let dev = x.device();
    lse_elems(OP, lx.shape().elem_count(), rows, n)?;
    let xs = contiguous_view::<T>(x, lx, OP)?;
    let mut y = alloc_out::<T>(dev, rows)?;
    if rows == 0 {
        return Ok(CudaStorage::wrap_cuda_slice(y, dev.clone()));
    }
    let vec = i32::from(n.is_multiple_of(vec_width::<T>()) && aligned16(dev, &xs));
    match LsePlan::new(n) {
        LsePlan::Cached { tpr, block } => {
            let func = dev.get_or_load_custom_func(
                &format!("lse0_plus_fwd_{}", T::DTYPE.as_str()),
                MODULE,
                PTX,
            )?;
            // At most LSE_MAX_TPR.
            let tpr32 = tpr as u32;
            let mut b = func.builder();
            b.arg(&rows);
            b.arg(&n);
            b.arg(&tpr32);
            b.arg(&vec);
            b.arg(&xs);
            b.arg(&mut y);
            // SAFETY: the arguments match `lse0_plus_fwd_<dtype>(size_t rows, size_t n,
            // unsigned tpr, int vec, const T *x, T *y)`; `xs` holds rows * n elements (checked),
            // `y` holds `rows`. The plan gives tpr * LSE_CACHE >= n (each thread's cache covers
            // its part of the row), tpr a power of two, and either tpr <= 32 with a block of
            // 256 (whole lane groups per warp) or a block of exactly tpr <= 512 threads (the
            // kernel's __launch_bounds__), as its reductions need. `vec` is 1 only if x is
            // 16-byte aligned and n a multiple of the vector width.
            unsafe { b.launch(lse_cached_cfg(rows, tpr, block)) }.w()?;
        }
        LsePlan::Split { chunks } => {
            lse_split_states(dev, &xs, rows, n, chunks, vec, Some(&mut y))?;
        }
    }
    Ok(CudaStorage::wrap_cuda_slice(y, dev.clone()))
}

/// LSE0+ backward: `dx[r, i] = dy[r] e^(x[r, i]) / (1 + sum_j e^(x[r, j]))`, recomputed from
/// the contiguous input `x` (`[rows, n]`) and the contiguous upstream gradient `dy` (`rows`
/// elements).
pub(crate) fn lse0_plus_bwd(
    x: &CudaStorage,
    lx: &Layout,
    dy: &CudaStorage,
    ldy: &Layout,
    rows: usize,
    n: usize,
) -> Result<CudaStorage> {
    check_same_dtype("lse0_plus backward", x.dtype(), dy.dtype())?;
    with_elem!("lse0_plus backward", x.dtype(), T => lse0_plus_bwd_t::<T>(x, lx, dy, ldy, rows, n))
}

fn lse0_plus_bwd_t<T: Elem>(
    x: &CudaStorage,
    lx: &Layout,
    dy: &CudaStorage,
    ldy: &Layout,
    rows: usize,
    n: usize,
) -> Result<CudaStorage> {
    const OP: &str = "lse0_plus backward";
    let dev = x.device();
    let numel = lse_elems(OP, lx.shape().elem_count(), rows, n)?;
    let dy_len = ldy.shape().elem_count();
    if dy_len != rows {
        bail!("{OP}: dy has {dy_len} elements, expected one per row ({rows})");
    }
    let xs = contiguous_view::<T>(x, lx, OP)?;
    let dys = contiguous_view::<T>(dy, ldy, OP)?;
    let mut dx = alloc_out::<T>(dev, numel)?;
    if numel == 0 {
        return Ok(CudaStorage::wrap_cuda_slice(dx, dev.clone()));
    }
    let vec =
        i32::from(n.is_multiple_of(vec_width::<T>()) && aligned16(dev, &xs) && aligned16(dev, &dx));
    let dtype = T::DTYPE.as_str();
    match LsePlan::new(n) {
        LsePlan::Cached { tpr, block } => {
            let func =
                dev.get_or_load_custom_func(&format!("lse0_plus_bwd_{dtype}"), MODULE, PTX)?;
            let tpr32 = tpr as u32;
            let mut b = func.builder();
            b.arg(&rows);
            b.arg(&n);
            b.arg(&tpr32);
            b.arg(&vec);
            b.arg(&xs);
            b.arg(&dys);
            b.arg(&mut dx);
            // SAFETY: the arguments match `lse0_plus_bwd_<dtype>(size_t rows, size_t n,
            // unsigned tpr, int vec, const T *x, const T *dy, T *dx)`; `xs` and `dx` hold
            // rows * n elements, `dys` holds `rows` (both checked); the launch shape and `vec`
            // are as in the forward (`vec` also requires dx to be aligned).
            unsafe { b.launch(lse_cached_cfg(rows, tpr, block)) }.w()?;
        }
        LsePlan::Split { chunks } => {
            let Some(state) = lse_split_states(dev, &xs, rows, n, chunks, vec, None)? else {
                bail!("{OP}: the merge kernel returned no row states");
            };
            let func =
                dev.get_or_load_custom_func(&format!("lse0_plus_bwd_split_{dtype}"), MODULE, PTX)?;
            let mut b = func.builder();
            b.arg(&rows);
            b.arg(&n);
            b.arg(&chunks);
            b.arg(&vec);
            b.arg(&state);
            b.arg(&xs);
            b.arg(&dys);
            b.arg(&mut dx);
            // SAFETY: the arguments match `lse0_plus_bwd_split_<dtype>(size_t rows, size_t n,
            // size_t chunks, int vec, const LsePart<A> *row_state, const T *x, const T *dy,
            // T *dx)`; `state` holds the `rows` merged states written by the merge kernel (same
            // stream), `xs` and `dx` rows * n elements, `dys` `rows`; each block writes the
            // elements of one chunk of one row.
            unsafe { b.launch(lse_split_cfg(rows * chunks)) }.w()?;
        }
    }
    Ok(CudaStorage::wrap_cuda_slice(dx, dev.clone()))
}
