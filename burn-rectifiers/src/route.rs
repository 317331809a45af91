//! Which tensors reach this crate's kernels, and the composed fallback for the others.
//!
//! `#[backend_extension]` routes a tensor to the implementation for its backend and panics
//! ("Backend not supported for custom op") on a backend it has none for: one this crate was
//! built without (Flex when the `flex` feature is off, a cubecl device without `wgpu`/`vulkan`/
//! `cuda`, `Autodiff` without `autodiff`) or one it never serves (LibTorch, Remote, Capture).
//! The public functions ask [`has_kernels`] first and run the composed bodies on the others,
//! as ordinary Burn operations that every backend has.

use burn::backend::{DispatchTensor, DispatchTensorKind};
use burn::tensor::Tensor;
use rectifiers_core::Elementwise;

use crate::composed;

/// Whether the generated routing of [`RectifierBackend`](crate::RectifierBackend) has an
/// implementation for this tensor's backend (the arms it generates from the features on).
pub(crate) fn has_kernels(tensor: &DispatchTensor) -> bool {
    kind_has_kernels(&tensor.kind, true)
}

/// Whether the environment variable `RECTIFIERS_FLEX_FALLBACK=1` sends Flex tensors to the
/// composed fallback, as if the `flex` feature were off (read once per process). For tests and
/// comparisons: CI runs the fallback's checks this way, without a second build of Burn.
#[cfg(feature = "flex")]
fn flex_fallback_forced() -> bool {
    static FORCED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FORCED.get_or_init(|| std::env::var_os("RECTIFIERS_FLEX_FALLBACK").is_some_and(|v| v == "1"))
}

fn kind_has_kernels(kind: &DispatchTensorKind, outer: bool) -> bool {
    match kind {
        #[cfg(feature = "ndarray")]
        DispatchTensorKind::NdArray(_) => true,
        #[cfg(feature = "flex")]
        DispatchTensorKind::Flex(_) => !flex_fallback_forced(),
        #[cfg(feature = "cube")]
        DispatchTensorKind::Cube(_) => true,
        // One level of Autodiff around a backend with kernels (the routing has no nested arm).
        #[cfg(feature = "autodiff")]
        DispatchTensorKind::Autodiff(inner) => outer && kind_has_kernels(inner, false),
        #[allow(unreachable_patterns)]
        _ => {
            let _ = outer;
            false
        }
    }
}

/// `f(x)` by the stable composition ([`composed::stable`]), with the gradient of the fused
/// path (`f'(x) dy` from [`composed::stable_backward`]) where `x` is tracked.
///
/// The gradient is attached as `y + (x - x̄) s`, where `x̄` is `x` detached and `s = f'(x̄)`:
/// the added term is zero in value (`s` is finite wherever `x` is not NaN) and has gradient `s`.
/// At `x = ±∞` the term would be `(∞ - ∞) s`, NaN: it is masked to 0 there, which makes the
/// gradient at an infinite input 0 (the fused path gives `f'(±∞)`).
pub(crate) fn elementwise<const D: usize>(x: Tensor<D>, f: Elementwise) -> Tensor<D> {
    if !tracked(&x) {
        return composed::stable(x, f);
    }
    let fixed = x.clone().detach();
    let y = composed::stable(fixed.clone(), f);
    let slope = composed::stable_backward(fixed.clone(), fixed.ones_like(), f);
    let infinite = fixed.clone().is_inf();
    y + (x - fixed).mask_fill(infinite, 0.0) * slope
}

#[cfg(feature = "autodiff")]
fn tracked<const D: usize>(x: &Tensor<D>) -> bool {
    x.is_tracked()
}

/// Without the `autodiff` feature Burn differentiates the composition itself, if it can.
#[cfg(not(feature = "autodiff"))]
fn tracked<const D: usize>(_: &Tensor<D>) -> bool {
    false
}

/// Whether `x`'s backend runs this crate's kernels: NdArray, Flex and the cubecl devices (and
/// `Autodiff` around them) when their features are on. On any other backend the functions run
/// the composed fallback: the same functions from Burn's own operations, within the ULP budgets
/// of [`accuracy`](crate::accuracy), the gradient `f'(x) dy` of the fused path. Flex takes the
/// fallback too when the environment variable `RECTIFIERS_FLEX_FALLBACK` is `1` (read once per
/// process; for tests and comparisons).
///
/// ```
/// use burn::tensor::{Device, Tensor};
///
/// let x = Tensor::<1>::zeros([4], &Device::default());
/// // Flex, the default CPU device, with the default features.
/// assert!(burn_rectifiers::runs_kernels(&x));
/// ```
pub fn runs_kernels<const D: usize>(x: &Tensor<D>) -> bool {
    has_kernels(&x.clone().into_dispatch())
}
