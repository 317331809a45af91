//! The trait every elementwise function of the family implements.

use crate::Float;

/// An elementwise rectifier: its value and derivative, in `f64` and `f32`.
///
/// Implementors give four scalar evaluations; every other entry point (the generic
/// [`forward`](Rectifier::forward) and [`derivative`](Rectifier::derivative), the
/// [slice kernels](crate::kernel), the framework crates) is built on them, so there is one
/// formula per function.
///
/// - The `f64` forms are the careful ones: at most 2 ULP on the hard points checked against
///   mpmath (see the crate docs for the table).
/// - The `f32` forms are within 1 ULP (faithful) of the exact value over all 2^32 inputs whose
///   result is a normal number, checked exhaustively. Most evaluate in `f64` and round once
///   (measured: 0.500, correctly rounded but for ties within `2^-14` ULP); SiLU's forward runs
///   in `f32` arithmetic with compensated sums (twice the lanes; measured 0.67): the table is in
///   `ACCURACY.md`.
/// - At a kink the derivative takes the left value (as PyTorch and JAX do); the derivative
///   of a NaN is NaN.
pub trait Rectifier: Copy + Send + Sync + core::fmt::Debug {
    /// The function's name, as in the functional APIs (`"squareplus"`).
    fn name(&self) -> &'static str;

    /// Slices at least this long are split across threads by the [kernels](crate::kernel):
    /// [`PARALLEL_MIN_LEN`](crate::kernel::PARALLEL_MIN_LEN) for functions that cost a
    /// `sqrt`, a division or an `exp` per element,
    /// [`CHEAP_PARALLEL_MIN_LEN`](crate::kernel::CHEAP_PARALLEL_MIN_LEN) for the
    /// compare-and-select ones, which are memory-bound.
    const PARALLEL_MIN_LEN: usize = crate::kernel::PARALLEL_MIN_LEN;

    /// The function at `x`, in `f64`.
    fn forward_f64(&self, x: f64) -> f64;
    /// The derivative at `x`, in `f64`.
    fn derivative_f64(&self, x: f64) -> f64;
    /// The function at `x`, in `f32` (within 1 ULP).
    fn forward_f32(&self, x: f32) -> f32;
    /// The derivative at `x`, in `f32` (within 1 ULP).
    fn derivative_f32(&self, x: f32) -> f32;

    /// The function at `x`, for any [`Float`].
    ///
    /// ```
    /// use rectifiers_core::{Rectifier, Squareplus};
    /// use half::f16;
    ///
    /// let sp = Squareplus::default(); // b = 4
    /// assert_eq!(sp.forward(0.0_f64), 1.0);
    /// assert_eq!(sp.forward(f16::from_f32(0.0)), f16::ONE);
    /// ```
    #[inline(always)]
    fn forward<T: Float>(&self, x: T) -> T {
        T::forward(self, x)
    }

    /// The derivative at `x`, for any [`Float`].
    #[inline(always)]
    fn derivative<T: Float>(&self, x: T) -> T {
        T::derivative(self, x)
    }

    /// Runs `visitor` with the concrete function: `self` for the function types, the function
    /// held inside for [`Elementwise`](crate::Elementwise). Generic code (the
    /// [kernels](crate::kernel)) calls this once per slice, so its loops are compiled per
    /// function rather than matching on the function per element.
    #[inline(always)]
    fn dispatch<V: Visitor>(&self, visitor: V) -> V::Output {
        visitor.visit(self)
    }
}

/// Code generic over the function, run by [`Rectifier::dispatch`] with the concrete type.
///
/// ```
/// use rectifiers_core::{Elementwise, Rectifier, Visitor};
///
/// /// The function's value at 1, in f32.
/// struct AtOne;
/// impl Visitor for AtOne {
///     type Output = f32;
///     fn visit<R: Rectifier>(self, r: &R) -> f32 {
///         r.forward(1.0_f32)
///     }
/// }
///
/// let f: Elementwise = "squareplus(b=0)".parse()?;
/// assert_eq!(f.dispatch(AtOne), 1.0);
/// # Ok::<(), rectifiers_core::ParseElementwiseError>(())
/// ```
pub trait Visitor {
    /// What the visit returns.
    type Output;
    /// Runs on the concrete function `r`.
    fn visit<R: Rectifier>(self, r: &R) -> Self::Output;
}
