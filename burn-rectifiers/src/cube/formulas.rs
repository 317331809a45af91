//! The elementwise formulas as cubecl functions over vectors of the compute type `C` (f32, or f64
//! where the device has it; f16 and bf16 are widened to f32 and rounded once).
//!
//! They keep the core's stable structure, in `C` arithmetic: erfc for the left tail of GELU
//! (cubecl has no erfc: a Chebyshev-fitted form, relative error < 1.2e-7), a sigmoid that never
//! overflows, softplus shifted by `max(kx, 0)`, `expm1` for ELU and the softplus approximation
//! (with a series near 0 for its derivative), mish's `tanh(softplus)` as a rational function of
//! `e^x`, squareplus without `x^2` overflow and without cancellation for `x < 0`. They drop the
//! core's double-double corrections, so they are not correctly rounded: the tests state the
//! tolerance per function. NaN propagation and the limits at infinity are fixed by the caller.

use cubecl::prelude::*;

use crate::kind::Kind;

#[cube]
fn splat<C: Float, N: Size>(#[comptime] v: f32) -> Vector<C, N> {
    Vector::new(C::new(v))
}

/// `(sigmoid(z), 1 - sigmoid(z))`, from `e^-|z|`: never overflows.
#[cube]
fn sigmoid_pair<C: Float, N: Size>(z: Vector<C, N>) -> (Vector<C, N>, Vector<C, N>) {
    let e = Vector::exp(-Vector::abs(z));
    let p = Vector::recip(splat::<C, N>(1.0) + e);
    let ep = e * p;
    let pos = z.greater_equal(&splat::<C, N>(0.0));
    (select_many(pos, p, ep), select_many(pos, ep, p))
}

/// `erfc(z)` for `z >= 0` (Numerical Recipes' `erfcc`, relative error < 1.2e-7); `erfc(z)` of a
/// negative `z` is `2 - erfc(-z)`.
#[cube]
fn erfc<C: Float, N: Size>(z: Vector<C, N>) -> Vector<C, N> {
    let a = Vector::abs(z);
    let t = Vector::recip(splat::<C, N>(1.0) + splat::<C, N>(0.5) * a);
    let mut q = splat::<C, N>(0.17087277);
    q = q * t + splat::<C, N>(-0.82215223);
    q = q * t + splat::<C, N>(1.48851587);
    q = q * t + splat::<C, N>(-1.13520398);
    q = q * t + splat::<C, N>(0.27886807);
    q = q * t + splat::<C, N>(-0.18628806);
    q = q * t + splat::<C, N>(0.09678418);
    q = q * t + splat::<C, N>(0.37409196);
    q = q * t + splat::<C, N>(1.00002368);
    q = q * t + splat::<C, N>(-1.26551223);
    let r = t * Vector::exp(q - a * a);
    select_many(z.less_than(&splat::<C, N>(0.0)), splat::<C, N>(2.0) - r, r)
}

/// `sqrt(x^2 + b)`, without overflow of `x^2`.
#[cube]
fn hypot_b<C: Float, N: Size>(x: Vector<C, N>, b: Vector<C, N>) -> Vector<C, N> {
    let a = Vector::abs(x);
    let big = a.greater_than(&splat::<C, N>(1.0));
    let inv = Vector::recip(select_many(big, a, splat::<C, N>(1.0)));
    let scaled = a * Vector::sqrt(splat::<C, N>(1.0) + b * inv * inv);
    select_many(big, scaled, Vector::sqrt(x * x + b))
}

/// `tanh(softplus(x)) = n / (n + 2)`, `n = e^x (e^x + 2)`; 1 for `x > 20`.
#[cube]
fn mish_t<C: Float, N: Size>(x: Vector<C, N>) -> (Vector<C, N>, Vector<C, N>) {
    let cap = splat::<C, N>(20.0);
    let e = Vector::exp(select_many(x.greater_than(&cap), cap, x));
    let n = e * (e + splat::<C, N>(2.0));
    let t = n / (n + splat::<C, N>(2.0));
    (t, n)
}

/// `1/2 erfc(-x/sqrt 2)` and `phi(x)`.
#[cube]
fn gelu_parts<C: Float, N: Size>(x: Vector<C, N>) -> (Vector<C, N>, Vector<C, N>) {
    let cdf = splat::<C, N>(0.5) * erfc(-x * splat::<C, N>(core::f32::consts::FRAC_1_SQRT_2));
    let pdf = Vector::exp(splat::<C, N>(-0.5) * x * x) * splat::<C, N>(0.398_942_3);
    (cdf, pdf)
}

/// `v = x (C1 + C2 x^2)` of the tanh GELU, and `v'`.
#[cube]
fn gelu_tanh_v<C: Float, N: Size>(x: Vector<C, N>) -> (Vector<C, N>, Vector<C, N>) {
    let c1 = splat::<C, N>(1.595_769_1);
    let c2 = splat::<C, N>(0.071_354_82);
    let x2 = x * x;
    (x * (c1 + c2 * x2), c1 + splat::<C, N>(3.0) * c2 * x2)
}

/// `f(x)`.
#[cube]
pub(crate) fn forward<C: Float, N: Size>(
    x: Vector<C, N>,
    p: C,
    #[comptime] kind: Kind,
) -> Vector<C, N> {
    let zero = splat::<C, N>(0.0);
    let pv = Vector::new(p);
    match kind {
        Kind::Relu => select_many(x.less_equal(&zero), zero, x),
        Kind::LeakyRelu => select_many(x.greater_than(&zero), x, x * pv),
        Kind::Gelu => {
            let (cdf, _pdf) = gelu_parts::<C, N>(x);
            x * cdf
        }
        Kind::GeluTanh => {
            let (v, _dv) = gelu_tanh_v::<C, N>(x);
            let (s, _sm) = sigmoid_pair::<C, N>(v);
            x * s
        }
        Kind::Silu => {
            let (s, _sm) = sigmoid_pair::<C, N>(x);
            x * s
        }
        Kind::Softplus => {
            let z = x * pv;
            let l = Vector::log1p(Vector::exp(-Vector::abs(z))) / pv;
            select_many(z.greater_than(&zero), x + l, l)
        }
        Kind::SoftplusApprox => {
            let u = x * splat::<C, N>(core::f32::consts::LOG2_E);
            let d = -Vector::exp_m1(-u);
            select_many(x.equal(&zero), splat::<C, N>(core::f32::consts::LN_2), x / d)
        }
        Kind::Elu => select_many(x.greater_than(&zero), x, pv * Vector::exp_m1(x)),
        Kind::SRelu => select_many(x.less_than(&-pv), -pv, x),
        Kind::Mish => {
            let (t, _n) = mish_t::<C, N>(x);
            x * t
        }
        Kind::Squareplus => {
            let r = hypot_b::<C, N>(x, pv);
            // x < 0: b / (2 (r - x)) has no cancellation; 0 where b = x = 0.
            let den = splat::<C, N>(2.0) * (r - x);
            let left = select_many(den.greater_than(&zero), pv / den, zero);
            select_many(x.greater_than(&zero), (x + r) * splat::<C, N>(0.5), left)
        }
    }
}

/// `f'(x)`, the left value at a kink.
#[cube]
pub(crate) fn derivative<C: Float, N: Size>(
    x: Vector<C, N>,
    p: C,
    #[comptime] kind: Kind,
) -> Vector<C, N> {
    let zero = splat::<C, N>(0.0);
    let one = splat::<C, N>(1.0);
    let pv = Vector::new(p);
    match kind {
        Kind::Relu => select_many(x.greater_than(&zero), one, zero),
        Kind::LeakyRelu => select_many(x.greater_than(&zero), one, pv),
        Kind::Gelu => {
            let (cdf, pdf) = gelu_parts::<C, N>(x);
            cdf + x * pdf
        }
        Kind::GeluTanh => {
            let (v, dv) = gelu_tanh_v::<C, N>(x);
            let (s, sm) = sigmoid_pair::<C, N>(v);
            s * (one + x * sm * dv)
        }
        Kind::Silu => {
            let (s, sm) = sigmoid_pair::<C, N>(x);
            s * (one + x * sm)
        }
        Kind::Softplus => {
            let (s, _sm) = sigmoid_pair::<C, N>(x * pv);
            s
        }
        Kind::SoftplusApprox => {
            let u = x * splat::<C, N>(core::f32::consts::LOG2_E);
            // |u| < 1/2: 1/2 + u/6 - u^3/180 + u^5/5040 - u^7/151200 (Bernoulli numbers).
            let u2 = u * u;
            let mut s = splat::<C, N>(-1.0 / 151_200.0);
            s = s * u2 + splat::<C, N>(1.0 / 5040.0);
            s = s * u2 + splat::<C, N>(-1.0 / 180.0);
            s = s * u2 + splat::<C, N>(1.0 / 6.0);
            let series = splat::<C, N>(0.5) + u * s;
            // w = e^-|u|: (1 - w - u w) / (1 - w)^2 for u > 0, w (w - 1 - u) / (1 - w)^2 for u < 0.
            let w = Vector::exp(-Vector::abs(u));
            let d = -Vector::exp_m1(-Vector::abs(u));
            let num = select_many(u.greater_than(&zero), d - u * w, w * (-d - u));
            let general = num / (d * d);
            select_many(Vector::abs(u).less_than(&splat::<C, N>(0.5)), series, general)
        }
        Kind::Elu => select_many(x.greater_than(&zero), one, pv * Vector::exp(x)),
        Kind::SRelu => select_many(x.greater_than(&-pv), one, zero),
        Kind::Mish => {
            // tanh(sp) + x sech^2(sp) sigmoid(x), sech^2 = (1 - t)(1 + t), 1 - t = 2 / (n + 2).
            let (t, n) = mish_t::<C, N>(x);
            let sech2 = splat::<C, N>(2.0) / (n + splat::<C, N>(2.0)) * (one + t);
            let (s, _sm) = sigmoid_pair::<C, N>(x);
            t + x * sech2 * s
        }
        Kind::Squareplus => {
            let r = hypot_b::<C, N>(x, pv);
            // x > 0: (1 + x / r) / 2; x <= 0: b / (2 r (r - x)), without cancellation.
            let right = (one + x / r) * splat::<C, N>(0.5);
            let den = splat::<C, N>(2.0) * r * (r - x);
            let left = select_many(den.greater_than(&zero), pv / den, zero);
            select_many(x.greater_than(&zero), right, left)
        }
    }
}

/// `f` at the infinities and NaN, where the formulas above would give `inf / inf` or `0 inf`:
/// NaN stays NaN, `f(+inf) = +inf`, and the left limit `f(-inf)` per function.
#[cube]
pub(crate) fn forward_special<C: Float, N: Size>(
    x: Vector<C, N>,
    y: Vector<C, N>,
    p: C,
    #[comptime] kind: Kind,
) -> Vector<C, N> {
    let neg_inf = splat::<C, N>(f32::NEG_INFINITY);
    let left = match kind {
        Kind::Relu => splat::<C, N>(0.0),
        Kind::LeakyRelu => select_many(
            Vector::new(p).equal(&splat::<C, N>(0.0)),
            splat::<C, N>(-0.0),
            neg_inf,
        ),
        Kind::Elu | Kind::SRelu => -Vector::new(p),
        Kind::Squareplus => splat::<C, N>(0.0),
        _ => splat::<C, N>(-0.0),
    };
    let y = select_many(x.equal(&neg_inf), left, y);
    let y = select_many(x.equal(&-neg_inf), x, y);
    select_many(Vector::is_nan(x), x, y)
}

/// `f'` at the infinities and NaN: NaN stays NaN, `f'(+inf) = 1`, `f'(-inf)` per function.
#[cube]
pub(crate) fn derivative_special<C: Float, N: Size>(
    x: Vector<C, N>,
    d: Vector<C, N>,
    p: C,
    #[comptime] kind: Kind,
) -> Vector<C, N> {
    let neg_inf = splat::<C, N>(f32::NEG_INFINITY);
    let left = match kind {
        Kind::LeakyRelu => Vector::new(p),
        Kind::Relu | Kind::SRelu | Kind::Squareplus | Kind::Softplus | Kind::Elu => {
            splat::<C, N>(0.0)
        }
        _ => splat::<C, N>(-0.0),
    };
    let d = select_many(x.equal(&neg_inf), left, d);
    let d = select_many(x.equal(&-neg_inf), splat::<C, N>(1.0), d);
    select_many(Vector::is_nan(x), x, d)
}
