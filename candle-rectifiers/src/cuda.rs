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
//! | [`prelu_fwd`] | `uprelu_<dtype>` |
//! | [`prelu_bwd`] | `prelu_bwd_<dtype>`, then `prelu_dalpha_<dtype>` |
//! | [`lse0_plus_fwd`] / [`lse0_plus_bwd`] | `lse0_plus_fwd_<dtype>` / `lse0_plus_bwd_<dtype>` |
//!
//! [`concat`] packs two results into one buffer with device copies.
//!
//! Elementwise ops accept any layout (strided inputs are indexed by the kernel); PReLU and
//! LSE0+ need contiguous inputs. Outputs are fresh contiguous buffers, except in place, where
//! the input must be contiguous.

use candle_core::backend::BackendStorage;
use candle_core::cuda_backend::cudarc::driver::{
    CudaSlice, CudaView, DevicePtr, DeviceRepr, LaunchConfig, PushKernelArg, ValidAsZeroBits,
};
use candle_core::cuda_backend::{CudaDType, CudaDevice, CudaStorage, SlicePtrOrNull, WrapErr};
use candle_core::{DType, Layout, Result, WithDType, bail};

/// The PTX of `kernels/rectifiers.cu`, built by `build.rs`.
const PTX: &str = include_str!(concat!(env!("OUT_DIR"), "/rectifiers.ptx"));
/// The name the module is cached under in the [`CudaDevice`].
const MODULE: &str = "rectifiers";

/// The elementwise ops with kernels, as named in the kernels (`u<op>_<dtype>`).
pub(crate) const UNARY_OPS: [&str; 11] = [
    "relu",
    "leaky_relu",
    "gelu",
    "gelu_tanh",
    "silu",
    "softplus",
    "softplus_approx",
    "elu",
    "srelu",
    "mish",
    "squareplus",
];

/// Threads per block of the elementwise and PReLU kernels.
const BLOCK: u32 = 256;
/// Grid cap of the grid-stride elementwise kernels.
const MAX_BLOCKS: usize = 1 << 16;
/// Grid cap of `prelu_bwd`: each block flushes up to `channels` partial sums with atomics.
const PRELU_BWD_MAX_BLOCKS: usize = 1024;
/// Up to this many channels, `prelu_bwd` accumulates per block in shared memory
/// (8 bytes a channel: 32 KiB, under the 48 KiB available without opt-in).
const PRELU_SHARED_MAX_CHANNELS: usize = 4096;
/// Grid cap of the LSE0+ kernels (one block per row, grid-stride over rows).
const LSE_MAX_BLOCKS: usize = 65_535;

/// The element types with kernels: f32, f64, f16, bf16.
trait Elem: CudaDType + DeviceRepr + WithDType + ValidAsZeroBits {}
impl<T: CudaDType + DeviceRepr + WithDType + ValidAsZeroBits> Elem for T {}

/// Runs `$body` with `$t` the Rust type of `$dtype`, or fails naming the op and the dtype.
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
            other => bail!(
                "{}: dtype {other:?} is not supported on CUDA (f32, f64, f16, bf16)",
                $op
            ),
        }
    };
}

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

fn check_op(op: &str) -> Result<()> {
    if !UNARY_OPS.contains(&op) {
        bail!("unknown rectifier op {op:?} for CUDA (known: {UNARY_OPS:?})");
    }
    Ok(())
}

fn check_same_dtype(op: &str, a: (&str, DType), b: (&str, DType)) -> Result<()> {
    if a.1 != b.1 {
        bail!(
            "{op}: dtype mismatch, {} is {:?} but {} is {:?}",
            a.0,
            a.1,
            b.0,
            b.1
        );
    }
    Ok(())
}

/// The elements of a contiguous layout, or an error asking the caller for `.contiguous()`.
fn contiguous_view<'a, T: Elem>(
    s: &'a CudaStorage,
    l: &Layout,
    op: &str,
    what: &str,
) -> Result<CudaView<'a, T>> {
    match l.contiguous_offsets() {
        Some((start, end)) => Ok(s.as_cuda_slice::<T>()?.slice(start..end)),
        None => bail!("{op}: {what} must be contiguous on CUDA (call .contiguous() first)"),
    }
}

/// A device buffer of `len` elements that the caller then writes entirely.
fn alloc_out<T: Elem>(dev: &CudaDevice, len: usize) -> Result<CudaSlice<T>> {
    // SAFETY: the memory is uninitialised; every caller writes all `len` elements (a kernel
    // launch or device copies) before the buffer is returned, or `len` is 0.
    unsafe { dev.alloc::<T>(len) }
}

/// `f(x)` elementwise for the op named `op` (see [`UNARY_OPS`]) with parameter `param`
/// (ignored by ops without one), over a storage of any layout; the result is contiguous.
pub(crate) fn unary_fwd(
    op: &'static str,
    param: f64,
    s: &CudaStorage,
    l: &Layout,
) -> Result<CudaStorage> {
    check_op(op)?;
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

/// `x = f(x)` in place for the op named `op` (see [`unary_fwd`]), over the elements of a
/// contiguous layout; any other layout is an error naming the op.
pub(crate) fn unary_fwd_in_place(
    op: &'static str,
    param: f64,
    s: &mut CudaStorage,
    l: &Layout,
) -> Result<()> {
    check_op(op)?;
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

/// `dx = dy * f'(x)` for the op named `op`, from the saved input `x` and the upstream gradient
/// `dy` (same shape and dtype, any layouts); `dx` is contiguous.
pub(crate) fn unary_bwd(
    op: &'static str,
    param: f64,
    x: &CudaStorage,
    lx: &Layout,
    dy: &CudaStorage,
    ldy: &Layout,
) -> Result<CudaStorage> {
    check_op(op)?;
    check_same_dtype(op, ("x", x.dtype()), ("dy", dy.dtype()))?;
    if lx.shape() != ldy.shape() {
        bail!(
            "{op} backward: x has shape {:?} but dy has {:?}",
            lx.shape(),
            ldy.shape()
        );
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
/// returns the `inner` to pass to the kernels (at least 1).
fn prelu_inner(numel: usize, channels: usize, inner: usize, la: &Layout) -> Result<usize> {
    if channels == 0 {
        bail!("prelu: alpha must have at least one element");
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
    check_same_dtype("prelu", ("x", x.dtype()), ("alpha", alpha.dtype()))?;
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
    let xs = contiguous_view::<T>(x, lx, "prelu", "x")?;
    let alphas = contiguous_view::<T>(alpha, la, "prelu", "alpha")?;
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

/// PReLU backward: `(dx, dalpha)` with `dx = dy` where `x > 0`, else `alpha[c] dy`, and
/// `dalpha[c]` the sum of `x dy` over channel `c` where `x <= 0` (or NaN), accumulated in f64
/// and rounded once to the dtype. The order of the f64 atomic additions is not fixed, so the
/// last bits of `dalpha` may vary between runs. `x`, `alpha` and `dy` must be contiguous.
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
) -> Result<(CudaStorage, CudaStorage)> {
    check_same_dtype("prelu backward", ("x", x.dtype()), ("alpha", alpha.dtype()))?;
    check_same_dtype("prelu backward", ("x", x.dtype()), ("dy", dy.dtype()))?;
    if lx.shape() != ldy.shape() {
        bail!(
            "prelu backward: x has shape {:?} but dy has {:?}",
            lx.shape(),
            ldy.shape()
        );
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
) -> Result<(CudaStorage, CudaStorage)> {
    const OP: &str = "prelu backward";
    let dev = x.device();
    let numel = lx.shape().elem_count();
    let inner = prelu_inner(numel, channels, inner, la)?;
    let xs = contiguous_view::<T>(x, lx, OP, "x")?;
    let alphas = contiguous_view::<T>(alpha, la, OP, "alpha")?;
    let dys = contiguous_view::<T>(dy, ldy, OP, "dy")?;
    let dtype = T::DTYPE.as_str();

    let mut dx = alloc_out::<T>(dev, numel)?;
    let mut acc = dev.alloc_zeros::<f64>(channels)?;
    if numel > 0 {
        let use_shared = channels <= PRELU_SHARED_MAX_CHANNELS;
        let cfg = LaunchConfig {
            grid_dim: (
                grid(numel.div_ceil(BLOCK as usize), PRELU_BWD_MAX_BLOCKS),
                1,
                1,
            ),
            block_dim: (BLOCK, 1, 1),
            // At most 4096 * 8 bytes: fits in u32.
            shared_mem_bytes: if use_shared { (channels * 8) as u32 } else { 0 },
        };
        let use_shared = i32::from(use_shared);
        let func = dev.get_or_load_custom_func(&format!("prelu_bwd_{dtype}"), MODULE, PTX)?;
        let mut b = func.builder();
        b.arg(&numel);
        b.arg(&channels);
        b.arg(&inner);
        b.arg(&xs);
        b.arg(&alphas);
        b.arg(&dys);
        b.arg(&mut dx);
        b.arg(&mut acc);
        b.arg(&use_shared);
        // SAFETY: the arguments match `prelu_bwd_<dtype>(size_t numel, size_t channels,
        // size_t inner, const T *x, const T *alpha, const T *dy, T *dx, double *dalpha_acc,
        // int use_shared)`. `xs`, `dys` and `dx` hold `numel` elements, `alphas` and the zeroed
        // f64 `acc` hold `channels`; the channel index (i / inner) % channels is in range. With
        // use_shared = 1 the launch provides channels * 8 bytes of dynamic shared memory, the
        // size of the kernel's per-block double accumulators.
        unsafe { b.launch(cfg) }.w()?;
    }

    let mut dalpha = alloc_out::<T>(dev, channels)?;
    let func = dev.get_or_load_custom_func(&format!("prelu_dalpha_{dtype}"), MODULE, PTX)?;
    let mut b = func.builder();
    b.arg(&channels);
    b.arg(&acc);
    b.arg(&mut dalpha);
    let cfg = LaunchConfig {
        grid_dim: (grid(channels.div_ceil(BLOCK as usize), MAX_BLOCKS), 1, 1),
        block_dim: (BLOCK, 1, 1),
        shared_mem_bytes: 0,
    };
    // SAFETY: the arguments match `prelu_dalpha_<dtype>(size_t channels,
    // const double *dalpha_acc, T *dalpha)`; `acc` and `dalpha` hold `channels` (>= 1) elements.
    unsafe { b.launch(cfg) }.w()?;

    let dev = dev.clone();
    Ok((
        CudaStorage::wrap_cuda_slice(dx, dev.clone()),
        CudaStorage::wrap_cuda_slice(dalpha, dev),
    ))
}

/// `[a[..a_len], b[..b_len]]` in one new buffer (two device-to-device copies), for ops that
/// return several results as one packed tensor (PReLU's backward: `[dx..., dalpha...]`).
/// Both storages must have the same dtype and hold at least `a_len` and `b_len` elements.
pub(crate) fn concat(
    a: &CudaStorage,
    a_len: usize,
    b: &CudaStorage,
    b_len: usize,
) -> Result<CudaStorage> {
    check_same_dtype("concat", ("a", a.dtype()), ("b", b.dtype()))?;
    with_elem!("concat", a.dtype(), T => concat_t::<T>(a, a_len, b, b_len))
}

fn concat_t<T: Elem>(
    a: &CudaStorage,
    a_len: usize,
    b: &CudaStorage,
    b_len: usize,
) -> Result<CudaStorage> {
    let dev = a.device();
    let (a, b) = (a.as_cuda_slice::<T>()?, b.as_cuda_slice::<T>()?);
    if a.len() < a_len || b.len() < b_len {
        bail!(
            "concat: asked for {a_len} + {b_len} elements of buffers of {} and {}",
            a.len(),
            b.len()
        );
    }
    let mut out = alloc_out::<T>(dev, a_len + b_len)?;
    if a_len > 0 {
        dev.memcpy_dtod(&a.slice(..a_len), &mut out.slice_mut(..a_len))?;
    }
    if b_len > 0 {
        dev.memcpy_dtod(&b.slice(..b_len), &mut out.slice_mut(a_len..))?;
    }
    Ok(CudaStorage::wrap_cuda_slice(out, dev.clone()))
}

/// `rows * n`, or an error if the view does not match the tensor.
fn lse_elems(op: &str, numel: usize, rows: usize, n: usize) -> Result<usize> {
    match rows.checked_mul(n) {
        Some(len) if len == numel => Ok(len),
        _ => bail!("{op}: {numel} elements do not form [{rows}, {n}]"),
    }
}

/// One block per row: a power of two from 32 (one warp) to 256 threads, about `n`.
fn lse_cfg(rows: usize, n: usize) -> LaunchConfig {
    let threads = n.clamp(32, 256).next_power_of_two() as u32;
    LaunchConfig {
        grid_dim: (grid(rows, LSE_MAX_BLOCKS), 1, 1),
        block_dim: (threads, 1, 1),
        shared_mem_bytes: 0,
    }
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
    let xs = contiguous_view::<T>(x, lx, OP, "x")?;
    let mut y = alloc_out::<T>(dev, rows)?;
    if rows > 0 {
        let func = dev.get_or_load_custom_func(
            &format!("lse0_plus_fwd_{}", T::DTYPE.as_str()),
            MODULE,
            PTX,
        )?;
        let mut b = func.builder();
        b.arg(&rows);
        b.arg(&n);
        b.arg(&xs);
        b.arg(&mut y);
        // SAFETY: the arguments match `lse0_plus_fwd_<dtype>(size_t rows, size_t n,
        // const T *x, T *y)`; `xs` holds rows * n elements (checked), `y` holds `rows`, and the
        // block size is a multiple of 32 up to 256, as the kernel's reductions require.
        unsafe { b.launch(lse_cfg(rows, n)) }.w()?;
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
    check_same_dtype("lse0_plus backward", ("x", x.dtype()), ("dy", dy.dtype()))?;
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
    let xs = contiguous_view::<T>(x, lx, OP, "x")?;
    let dys = contiguous_view::<T>(dy, ldy, OP, "dy")?;
    let mut dx = alloc_out::<T>(dev, numel)?;
    if numel > 0 {
        let func = dev.get_or_load_custom_func(
            &format!("lse0_plus_bwd_{}", T::DTYPE.as_str()),
            MODULE,
            PTX,
        )?;
        let mut b = func.builder();
        b.arg(&rows);
        b.arg(&n);
        b.arg(&xs);
        b.arg(&dys);
        b.arg(&mut dx);
        // SAFETY: the arguments match `lse0_plus_bwd_<dtype>(size_t rows, size_t n,
        // const T *x, const T *dy, T *dx)`; `xs` and `dx` hold rows * n elements, `dys` holds
        // `rows` (both checked), and the block size is a multiple of 32 up to 256.
        unsafe { b.launch(lse_cfg(rows, n)) }.w()?;
    }
    Ok(CudaStorage::wrap_cuda_slice(dx, dev.clone()))
}
