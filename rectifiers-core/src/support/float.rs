//! The element types the kernels accept: `f32`, `f64`, and `f16`/`bf16` from the `half` crate.

use half::{bf16, f16};

use crate::Rectifier;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
    impl Sealed for half::f16 {}
    impl Sealed for half::bf16 {}
}

/// A floating-point element type of the kernels. Sealed: implemented for `f32`, `f64`,
/// [`half::f16`] and [`half::bf16`].
///
/// `f64` uses each function's careful f64 evaluation, `f32` its f32 evaluation; `f16` and
/// `bf16` are widened to `f32`, evaluated there and rounded once.
pub trait Float:
    sealed::Sealed + Copy + Send + Sync + PartialOrd + core::fmt::Debug + 'static
{
    /// The additive identity.
    const ZERO: Self;

    /// `r`'s value at `x`.
    fn forward<R: Rectifier>(r: &R, x: Self) -> Self;
    /// `r`'s derivative at `x`.
    fn derivative<R: Rectifier>(r: &R, x: Self) -> Self;
    /// Exact widening to `f64`.
    fn to_f64(self) -> f64;
    /// Rounds an `f64` to the nearest value of this type.
    fn from_f64(v: f64) -> Self;
    /// `self * rhs`, correctly rounded.
    fn mul(self, rhs: Self) -> Self;
    /// The gated activation `r(gate) * up`: `r(gate)` as the plain function gives it, then one
    /// multiplication (`f16`/`bf16`: both in `f32`, then rounded to the type).
    fn gated<R: Rectifier>(r: &R, gate: Self, up: Self) -> Self;
    /// Its gradients from the upstream `dy`: `(dy up r'(gate), dy r(gate))`.
    fn gated_backward<R: Rectifier>(r: &R, gate: Self, up: Self, dy: Self) -> (Self, Self);
}

impl Float for f64 {
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn forward<R: Rectifier>(r: &R, x: Self) -> Self {
        r.forward_f64(x)
    }
    #[inline(always)]
    fn derivative<R: Rectifier>(r: &R, x: Self) -> Self {
        r.derivative_f64(x)
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        self * rhs
    }
    #[inline(always)]
    fn gated<R: Rectifier>(r: &R, gate: Self, up: Self) -> Self {
        r.forward_f64(gate) * up
    }
    #[inline(always)]
    fn gated_backward<R: Rectifier>(r: &R, gate: Self, up: Self, dy: Self) -> (Self, Self) {
        (dy * up * r.derivative_f64(gate), dy * r.forward_f64(gate))
    }
}

impl Float for f32 {
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn forward<R: Rectifier>(r: &R, x: Self) -> Self {
        r.forward_f32(x)
    }
    #[inline(always)]
    fn derivative<R: Rectifier>(r: &R, x: Self) -> Self {
        r.derivative_f32(x)
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        self * rhs
    }
    #[inline(always)]
    fn gated<R: Rectifier>(r: &R, gate: Self, up: Self) -> Self {
        r.forward_f32(gate) * up
    }
    // `dy up` is exact in f64 (two 24-bit significands), so `dy up r'(gate)` rounds twice
    // (to f64, then to f32) instead of twice in f32.
    #[inline(always)]
    fn gated_backward<R: Rectifier>(r: &R, gate: Self, up: Self, dy: Self) -> (Self, Self) {
        let d_gate = (dy as f64 * up as f64 * r.derivative_f32(gate) as f64) as f32;
        (d_gate, dy * r.forward_f32(gate))
    }
}

macro_rules! impl_half {
    ($t:ty) => {
        impl Float for $t {
            const ZERO: Self = <$t>::ZERO;
            #[inline(always)]
            fn forward<R: Rectifier>(r: &R, x: Self) -> Self {
                <$t>::from_f32(r.forward_f32(x.to_f32()))
            }
            #[inline(always)]
            fn derivative<R: Rectifier>(r: &R, x: Self) -> Self {
                <$t>::from_f32(r.derivative_f32(x.to_f32()))
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                <$t>::to_f64(self)
            }
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                <$t>::from_f64(v)
            }
            // The product of two 11-bit (f16) or 8-bit (bf16) significands is exact in f32,
            // so this rounds once.
            #[inline(always)]
            fn mul(self, rhs: Self) -> Self {
                <$t>::from_f32(self.to_f32() * rhs.to_f32())
            }
            #[inline(always)]
            fn gated<R: Rectifier>(r: &R, gate: Self, up: Self) -> Self {
                <$t>::from_f32(f32::gated(r, gate.to_f32(), up.to_f32()))
            }
            #[inline(always)]
            fn gated_backward<R: Rectifier>(r: &R, gate: Self, up: Self, dy: Self) -> (Self, Self) {
                let (d_gate, d_up) =
                    f32::gated_backward(r, gate.to_f32(), up.to_f32(), dy.to_f32());
                (<$t>::from_f32(d_gate), <$t>::from_f32(d_up))
            }
        }
    };
}

impl_half!(f16);
impl_half!(bf16);
