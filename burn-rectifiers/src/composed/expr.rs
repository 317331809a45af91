//! [`V`]: a float tensor of any backend with arithmetic operators, so the stable compositions
//! read like the formulas they are. Every method records one of Burn's float operations (each
//! one the elementwise fuser of Burn's Fusion backends accepts); [`M`] is a comparison's mask.

use core::ops::{Add, Div, Mul, Neg, Sub};

use burn::backend::{
    Backend, Scalar, TensorMetadata, get_or_init_device_settings,
    tensor::{BoolTensor, FloatTensor},
};

/// A float tensor in a formula.
pub(crate) struct V<B: Backend>(pub(crate) FloatTensor<B>);

/// A mask from a comparison.
pub(crate) struct M<B: Backend>(BoolTensor<B>);

impl<B: Backend> Clone for V<B> {
    fn clone(&self) -> Self {
        V(self.0.clone())
    }
}

fn s(v: f64) -> Scalar {
    Scalar::Float(v)
}

impl<B: Backend> V<B> {
    fn bool_dtype(&self) -> burn::tensor::BoolDType {
        get_or_init_device_settings::<B>(&self.0.device()).bool_dtype
    }

    pub(crate) fn exp(&self) -> Self {
        V(B::float_exp(self.0.clone()))
    }

    pub(crate) fn sqrt(&self) -> Self {
        V(B::float_sqrt(self.0.clone()))
    }

    pub(crate) fn recip(&self) -> Self {
        V(B::float_recip(self.0.clone()))
    }

    pub(crate) fn abs(&self) -> Self {
        V(B::float_abs(self.0.clone()))
    }

    /// `self - floor(self)` for `self >= 0` (for negative values Burn's remainder is floor-based
    /// unfused and truncating in a fused kernel).
    pub(crate) fn fract(&self) -> Self {
        V(B::float_remainder_scalar(self.0.clone(), s(1.0)))
    }

    /// `2^self`, exact for the integers whose power is a normal number (checked on lavapipe).
    /// The base is computed from `self` (`self 0 + 2`) rather than created: a created tensor has
    /// no input, so the fuser may schedule it into an earlier kernel, and the power then starts
    /// a block of its own.
    pub(crate) fn exp2_int(&self) -> Self {
        let two = self * 0.0 + 2.0;
        V(B::float_powf(two.0, self.0.clone()))
    }

    /// `max(self, lo)`, NaN staying NaN.
    pub(crate) fn max_s(&self, lo: f64) -> Self {
        self.fill(&self.lt(lo), lo)
    }

    /// `min(self, hi)`, NaN staying NaN.
    pub(crate) fn min_s(&self, hi: f64) -> Self {
        self.fill(&self.gt(hi), hi)
    }

    pub(crate) fn lt(&self, v: f64) -> M<B> {
        M(B::float_lower_elem(self.0.clone(), s(v), self.bool_dtype()))
    }

    pub(crate) fn le(&self, v: f64) -> M<B> {
        M(B::float_lower_equal_elem(
            self.0.clone(),
            s(v),
            self.bool_dtype(),
        ))
    }

    pub(crate) fn gt(&self, v: f64) -> M<B> {
        M(B::float_greater_elem(
            self.0.clone(),
            s(v),
            self.bool_dtype(),
        ))
    }

    /// `self` with `v` where `m`.
    pub(crate) fn fill(&self, m: &M<B>, v: f64) -> Self {
        V(B::float_mask_fill(self.0.clone(), m.0.clone(), s(v)))
    }

    /// `yes` where `m`, else `self`.
    pub(crate) fn or(&self, m: &M<B>, yes: &V<B>) -> Self {
        V(B::float_mask_where(
            self.0.clone(),
            m.0.clone(),
            yes.0.clone(),
        ))
    }
}

/// `yes` where `m`, else `no`.
pub(crate) fn select<B: Backend>(m: &M<B>, yes: &V<B>, no: &V<B>) -> V<B> {
    no.or(m, yes)
}

macro_rules! binary {
    ($trait:ident, $method:ident, $op:ident, $op_scalar:ident) => {
        impl<B: Backend> $trait<&V<B>> for &V<B> {
            type Output = V<B>;
            fn $method(self, rhs: &V<B>) -> V<B> {
                V(B::$op(self.0.clone(), rhs.0.clone()))
            }
        }
        impl<B: Backend> $trait<V<B>> for V<B> {
            type Output = V<B>;
            fn $method(self, rhs: V<B>) -> V<B> {
                V(B::$op(self.0, rhs.0))
            }
        }
        impl<B: Backend> $trait<&V<B>> for V<B> {
            type Output = V<B>;
            fn $method(self, rhs: &V<B>) -> V<B> {
                V(B::$op(self.0, rhs.0.clone()))
            }
        }
        impl<B: Backend> $trait<V<B>> for &V<B> {
            type Output = V<B>;
            fn $method(self, rhs: V<B>) -> V<B> {
                V(B::$op(self.0.clone(), rhs.0))
            }
        }
        impl<B: Backend> $trait<f64> for &V<B> {
            type Output = V<B>;
            fn $method(self, rhs: f64) -> V<B> {
                V(B::$op_scalar(self.0.clone(), s(rhs)))
            }
        }
        impl<B: Backend> $trait<f64> for V<B> {
            type Output = V<B>;
            fn $method(self, rhs: f64) -> V<B> {
                V(B::$op_scalar(self.0, s(rhs)))
            }
        }
    };
}

binary!(Add, add, float_add, float_add_scalar);
binary!(Sub, sub, float_sub, float_sub_scalar);
binary!(Mul, mul, float_mul, float_mul_scalar);
binary!(Div, div, float_div, float_div_scalar);

impl<B: Backend> Neg for &V<B> {
    type Output = V<B>;
    fn neg(self) -> V<B> {
        self * -1.0
    }
}

impl<B: Backend> Neg for V<B> {
    type Output = V<B>;
    fn neg(self) -> V<B> {
        self * -1.0
    }
}

/// `c - v`.
pub(crate) fn rsub<B: Backend>(c: f64, v: &V<B>) -> V<B> {
    -v + c
}
