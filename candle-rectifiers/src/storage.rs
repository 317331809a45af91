//! Reading `CpuStorage` of any float dtype and layout as contiguous slices, and tensors as the
//! layouts the kernels take.

use std::borrow::Cow;

use candle_core::{
    CpuStorage, DType, Error, Layout, Result, Shape, Tensor, WithDType, backend::BackendStorage,
    cpu_backend::unary_map,
};
use rectifiers_core::Float;

/// A float element type both Candle and the core know.
pub(crate) trait Elem: Float + WithDType {}
impl<T: Float + WithDType> Elem for T {}

/// The error for a dtype without kernels (anything but f16, bf16, f32, f64).
pub(crate) fn unsupported(dtype: DType, op: &'static str) -> Error {
    Error::UnsupportedDTypeForOp(dtype, op).bt()
}

/// The error for operands of different dtypes.
pub(crate) fn dtype_mismatch(lhs: DType, rhs: DType, op: &'static str) -> Error {
    Error::DTypeMismatchBinaryOp { lhs, rhs, op }.bt()
}

/// The error for operands whose shapes do not fit together.
pub(crate) fn shape_mismatch(lhs: &Shape, rhs: &Shape, op: &'static str) -> Error {
    Error::ShapeMismatchBinaryOp {
        lhs: lhs.clone(),
        rhs: rhs.clone(),
        op,
    }
    .bt()
}

/// The elements of `vs` under `layout`, in row-major order: borrowed when the layout is
/// contiguous, gathered into a new vector otherwise (strided, offset or broadcast views).
pub(crate) fn contiguous<'a, T: Copy>(vs: &'a [T], layout: &Layout) -> Cow<'a, [T]> {
    match layout.contiguous_offsets() {
        Some((start, end)) => Cow::Borrowed(&vs[start..end]),
        None => Cow::Owned(unary_map(vs, layout, |v| v)),
    }
}

/// `t` itself on the CPU (the ops read any layout there), contiguous on other devices (the CUDA
/// kernels take contiguous buffers).
pub(crate) fn device_contiguous(t: &Tensor) -> Result<Tensor> {
    if t.device().is_cpu() {
        Ok(t.clone())
    } else {
        t.contiguous()
    }
}

/// A computation generic over the element type, run by [`map1`] / [`map2`] on the matching
/// storage variant.
pub(crate) trait FloatMap1 {
    fn f<T: Elem>(&self, x: Cow<'_, [T]>, layout: &Layout) -> Result<Vec<T>>;
}

pub(crate) trait FloatMap2 {
    fn f<T: Elem>(
        &self,
        a: Cow<'_, [T]>,
        la: &Layout,
        b: Cow<'_, [T]>,
        lb: &Layout,
    ) -> Result<Vec<T>>;
}

pub(crate) trait FloatMap3 {
    #[allow(clippy::too_many_arguments)]
    fn f<T: Elem>(
        &self,
        a: Cow<'_, [T]>,
        la: &Layout,
        b: Cow<'_, [T]>,
        lb: &Layout,
        c: Cow<'_, [T]>,
        lc: &Layout,
    ) -> Result<Vec<T>>;
}

pub(crate) fn map1(
    op: &'static str,
    s: &CpuStorage,
    l: &Layout,
    m: &impl FloatMap1,
) -> Result<CpuStorage> {
    Ok(match s {
        CpuStorage::F32(v) => CpuStorage::F32(m.f(contiguous(v, l), l)?),
        CpuStorage::F64(v) => CpuStorage::F64(m.f(contiguous(v, l), l)?),
        CpuStorage::F16(v) => CpuStorage::F16(m.f(contiguous(v, l), l)?),
        CpuStorage::BF16(v) => CpuStorage::BF16(m.f(contiguous(v, l), l)?),
        other => return Err(unsupported(other.dtype(), op)),
    })
}

pub(crate) fn map2(
    op: &'static str,
    s1: &CpuStorage,
    l1: &Layout,
    s2: &CpuStorage,
    l2: &Layout,
    m: &impl FloatMap2,
) -> Result<CpuStorage> {
    use CpuStorage::*;
    Ok(match (s1, s2) {
        (F32(a), F32(b)) => F32(m.f(contiguous(a, l1), l1, contiguous(b, l2), l2)?),
        (F64(a), F64(b)) => F64(m.f(contiguous(a, l1), l1, contiguous(b, l2), l2)?),
        (F16(a), F16(b)) => F16(m.f(contiguous(a, l1), l1, contiguous(b, l2), l2)?),
        (BF16(a), BF16(b)) => BF16(m.f(contiguous(a, l1), l1, contiguous(b, l2), l2)?),
        (a, b) if a.dtype() != b.dtype() => return Err(dtype_mismatch(a.dtype(), b.dtype(), op)),
        (a, _) => return Err(unsupported(a.dtype(), op)),
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn map3(
    op: &'static str,
    s1: &CpuStorage,
    l1: &Layout,
    s2: &CpuStorage,
    l2: &Layout,
    s3: &CpuStorage,
    l3: &Layout,
    m: &impl FloatMap3,
) -> Result<CpuStorage> {
    use CpuStorage::*;
    macro_rules! run {
        ($a:ident, $b:ident, $c:ident) => {
            m.f(
                contiguous($a, l1),
                l1,
                contiguous($b, l2),
                l2,
                contiguous($c, l3),
                l3,
            )?
        };
    }
    Ok(match (s1, s2, s3) {
        (F32(a), F32(b), F32(c)) => F32(run!(a, b, c)),
        (F64(a), F64(b), F64(c)) => F64(run!(a, b, c)),
        (F16(a), F16(b), F16(c)) => F16(run!(a, b, c)),
        (BF16(a), BF16(b), BF16(c)) => BF16(run!(a, b, c)),
        // The first operand that differs from `a`.
        (a, b, _) if a.dtype() != b.dtype() => {
            return Err(dtype_mismatch(a.dtype(), b.dtype(), op));
        }
        (a, _, c) if a.dtype() != c.dtype() => {
            return Err(dtype_mismatch(a.dtype(), c.dtype(), op));
        }
        (a, _, _) => return Err(unsupported(a.dtype(), op)),
    })
}

/// An in-place computation generic over the element type, run by [`map_in_place`].
pub(crate) trait FloatMapInPlace {
    fn f<T: Elem>(&self, xs: &mut [T]);
}

/// Runs `m` on the elements of `s` that `l` addresses, in place. A contiguous layout is
/// computed where it lies; any other is gathered into a temporary buffer in row-major order,
/// computed there and written back, so the values are those of the out-of-place op on the
/// same view (which gathers the same way). Elements outside the layout are not touched.
pub(crate) fn map_in_place(
    op: &'static str,
    s: &mut CpuStorage,
    l: &Layout,
    m: &impl FloatMapInPlace,
) -> Result<()> {
    match s {
        CpuStorage::F32(v) => in_place(v, l, m),
        CpuStorage::F64(v) => in_place(v, l, m),
        CpuStorage::F16(v) => in_place(v, l, m),
        CpuStorage::BF16(v) => in_place(v, l, m),
        other => return Err(unsupported(other.dtype(), op)),
    }
    Ok(())
}

fn in_place<T: Elem>(vs: &mut [T], l: &Layout, m: &impl FloatMapInPlace) {
    if l.shape().elem_count() == 0 {
        return;
    }
    match l.contiguous_offsets() {
        Some((start, end)) => m.f(&mut vs[start..end]),
        None => {
            let mut buf = unary_map(vs, l, |v| v);
            m.f(&mut buf);
            scatter(vs, l, &buf);
        }
    }
}

/// Writes `src`, the elements of `layout` in row-major order, back to where `layout` puts them
/// in `vs`: one copy per run of contiguous trailing dims (candle's `strided_blocks`, which is
/// crate-private). With repeated elements (a zero stride) the last write wins; candle rejects
/// such layouts before an in-place op runs.
fn scatter<T: Copy>(vs: &mut [T], layout: &Layout, src: &[T]) {
    let (dims, strides) = (layout.dims(), layout.stride());
    let mut block = 1;
    let mut outer = dims.len();
    while outer > 0 {
        let (d, s) = (dims[outer - 1], strides[outer - 1]);
        if d != 1 && s != block {
            break;
        }
        block *= d;
        outer -= 1;
    }
    let (dims, strides) = (&dims[..outer], &strides[..outer]);
    let mut index = vec![0; outer];
    let mut offset = layout.start_offset();
    for run in src.chunks_exact(block) {
        vs[offset..offset + block].copy_from_slice(run);
        // The next block's start: an odometer over the outer dims.
        for d in (0..outer).rev() {
            index[d] += 1;
            offset += strides[d];
            if index[d] < dims[d] {
                break;
            }
            offset -= strides[d] * dims[d];
            index[d] = 0;
        }
    }
}

/// A zeroed output buffer. `vec![0; n]` allocates zeroed pages lazily, so for large outputs
/// this costs no extra pass over memory.
pub(crate) fn zeros<T: Elem>(n: usize) -> Vec<T> {
    vec![T::ZERO; n]
}
