//! Reading `CpuStorage` of any float dtype and layout as contiguous slices.

use std::borrow::Cow;

use candle_core::{
    CpuStorage, Layout, Result, WithDType, backend::BackendStorage, bail, cpu_backend::unary_map,
};
use rectifiers_core::Float;

/// A float element type both Candle and the core know.
pub(crate) trait Elem: Float + WithDType {}
impl<T: Float + WithDType> Elem for T {}

/// The elements of `vs` under `layout`, in row-major order: borrowed when the layout is
/// contiguous, gathered into a new vector otherwise (strided, offset or broadcast views).
pub(crate) fn contiguous<'a, T: Copy>(vs: &'a [T], layout: &Layout) -> Cow<'a, [T]> {
    match layout.contiguous_offsets() {
        Some((start, end)) => Cow::Borrowed(&vs[start..end]),
        None => Cow::Owned(unary_map(vs, layout, |v| v)),
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

pub(crate) fn map1(op: &str, s: &CpuStorage, l: &Layout, m: &impl FloatMap1) -> Result<CpuStorage> {
    Ok(match s {
        CpuStorage::F32(v) => CpuStorage::F32(m.f(contiguous(v, l), l)?),
        CpuStorage::F64(v) => CpuStorage::F64(m.f(contiguous(v, l), l)?),
        CpuStorage::F16(v) => CpuStorage::F16(m.f(contiguous(v, l), l)?),
        CpuStorage::BF16(v) => CpuStorage::BF16(m.f(contiguous(v, l), l)?),
        other => bail!(
            "{op}: unsupported dtype {:?}, expected f16, bf16, f32 or f64",
            other.dtype()
        ),
    })
}

pub(crate) fn map2(
    op: &str,
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
        (a, b) if a.dtype() != b.dtype() => {
            bail!("{op}: dtype mismatch, {:?} and {:?}", a.dtype(), b.dtype())
        }
        (a, _) => bail!(
            "{op}: unsupported dtype {:?}, expected f16, bf16, f32 or f64",
            a.dtype()
        ),
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn map3(
    op: &str,
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
        (a, b, c) if a.dtype() != b.dtype() || a.dtype() != c.dtype() => bail!(
            "{op}: dtype mismatch, {:?}, {:?} and {:?}",
            a.dtype(),
            b.dtype(),
            c.dtype()
        ),
        (a, _, _) => bail!(
            "{op}: unsupported dtype {:?}, expected f16, bf16, f32 or f64",
            a.dtype()
        ),
    })
}

/// A zeroed output buffer. `vec![0; n]` allocates zeroed pages lazily, so for large outputs
/// this costs no extra pass over memory.
pub(crate) fn zeros<T: Elem>(n: usize) -> Vec<T> {
    vec![T::ZERO; n]
}
