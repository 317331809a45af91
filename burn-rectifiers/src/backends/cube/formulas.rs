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

// The Chebyshev coefficients are kept as published (f32 rounds them once).
#![allow(clippy::excessive_precision)]

use cubecl::prelude::*;

use rectifiers_core::ElementwiseKind;

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

/// `ln(1 + e)` for `e >= 0` without the rounding of `1 + e`: a series below 0.1 (truncation
/// < 1e-10 relative), `ln(1 + e)` above. WGSL has no `log1p`, and the classic `ln(u) e / (u - 1)`
/// trick does not survive the reassociation some shader compilers apply (lavapipe does).
#[cube]
fn log1p<C: Float, N: Size>(e: Vector<C, N>) -> Vector<C, N> {
    let mut s = splat::<C, N>(1.0 / 9.0);
    s = splat::<C, N>(-1.0 / 8.0) + e * s;
    s = splat::<C, N>(1.0 / 7.0) + e * s;
    s = splat::<C, N>(-1.0 / 6.0) + e * s;
    s = splat::<C, N>(1.0 / 5.0) + e * s;
    s = splat::<C, N>(-1.0 / 4.0) + e * s;
    s = splat::<C, N>(1.0 / 3.0) + e * s;
    s = splat::<C, N>(-1.0 / 2.0) + e * s;
    s = splat::<C, N>(1.0) + e * s;
    let series = e * s;
    select_many(
        e.less_than(&splat::<C, N>(0.1)),
        series,
        Vector::ln(splat::<C, N>(1.0) + e),
    )
}

/// `e^x - 1` without cancellation near 0 (Kahan's form: WGSL has no `expm1`).
#[cube]
fn expm1<C: Float, N: Size>(x: Vector<C, N>) -> Vector<C, N> {
    let u = Vector::exp(x);
    let d = u - splat::<C, N>(1.0);
    let l = Vector::ln(u);
    let safe = select_many(d.equal(&splat::<C, N>(0.0)), splat::<C, N>(1.0), l);
    let r = select_many(d.equal(&splat::<C, N>(0.0)), x, d * (x / safe));
    // Where e^x is tiny or huge the quotient is 0 inf or inf / inf: then d itself is exact.
    let plain = Vector::abs(x).greater_than(&splat::<C, N>(0.5));
    select_many(plain, d, r)
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

/// `sqrt(x^2 + b)` as a hypotenuse of `|x|` and `sqrt(b)`: no overflow or underflow of the
/// squares.
#[cube]
fn hypot_b<C: Float, N: Size>(x: Vector<C, N>, b: Vector<C, N>) -> Vector<C, N> {
    let a = Vector::abs(x);
    let s = Vector::sqrt(b);
    let a_big = a.greater_equal(&s);
    let hi = select_many(a_big, a, s);
    let lo = select_many(a_big, s, a);
    let zero = splat::<C, N>(0.0);
    let is_zero = hi.equal(&zero);
    let ratio = select_many(
        is_zero,
        zero,
        lo / select_many(is_zero, splat::<C, N>(1.0), hi),
    );
    hi * Vector::sqrt(splat::<C, N>(1.0) + ratio * ratio)
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
    #[comptime] kind: ElementwiseKind,
) -> Vector<C, N> {
    let zero = splat::<C, N>(0.0);
    let pv = Vector::new(p);
    match kind {
        ElementwiseKind::Relu => select_many(x.less_equal(&zero), zero, x),
        ElementwiseKind::LeakyRelu => select_many(x.greater_than(&zero), x, x * pv),
        ElementwiseKind::Gelu => {
            let (cdf, _pdf) = gelu_parts::<C, N>(x);
            x * cdf
        }
        ElementwiseKind::GeluTanh => {
            let (v, _dv) = gelu_tanh_v::<C, N>(x);
            let (s, _sm) = sigmoid_pair::<C, N>(v);
            x * s
        }
        ElementwiseKind::Silu => {
            let (s, _sm) = sigmoid_pair::<C, N>(x);
            x * s
        }
        ElementwiseKind::Softplus => {
            let z = x * pv;
            let l = log1p::<C, N>(Vector::exp(-Vector::abs(z))) / pv;
            select_many(z.greater_than(&zero), x + l, l)
        }
        ElementwiseKind::SoftplusApprox => {
            let u = x * splat::<C, N>(core::f32::consts::LOG2_E);
            let d = -expm1::<C, N>(-u);
            // |u| < 2^-12: ln 2 (1 + u/2 + u^2/12) = ln 2 + x/2 to within u^2/12.
            let near0 = splat::<C, N>(core::f32::consts::LN_2) + x * splat::<C, N>(0.5);
            select_many(
                Vector::abs(u).less_than(&splat::<C, N>(2.44e-4)),
                near0,
                x / d,
            )
        }
        ElementwiseKind::Elu => select_many(x.greater_than(&zero), x, pv * expm1::<C, N>(x)),
        ElementwiseKind::SRelu => select_many(x.less_than(&-pv), -pv, x),
        ElementwiseKind::Mish => {
            let (t, _n) = mish_t::<C, N>(x);
            x * t
        }
        ElementwiseKind::Squareplus => {
            let r = hypot_b::<C, N>(x, pv);
            // x < 0: b / (2 (r - x)) has no cancellation; 0 where b = x = 0.
            let den = splat::<C, N>(2.0) * (r - x);
            let left = select_many(den.greater_than(&zero), pv / den, zero);
            // x > 0: x + b / (2 (r + x)), which cannot overflow before f does.
            let right = x + pv / (splat::<C, N>(2.0) * (r + x));
            select_many(x.greater_than(&zero), right, left)
        }
    }
}

/// `f'(x)`, the left value at a kink.
#[cube]
pub(crate) fn derivative<C: Float, N: Size>(
    x: Vector<C, N>,
    p: C,
    #[comptime] kind: ElementwiseKind,
) -> Vector<C, N> {
    let zero = splat::<C, N>(0.0);
    let one = splat::<C, N>(1.0);
    let pv = Vector::new(p);
    match kind {
        ElementwiseKind::Relu => select_many(x.greater_than(&zero), one, zero),
        ElementwiseKind::LeakyRelu => select_many(x.greater_than(&zero), one, pv),
        ElementwiseKind::Gelu => {
            let (cdf, pdf) = gelu_parts::<C, N>(x);
            cdf + x * pdf
        }
        ElementwiseKind::GeluTanh => {
            let (v, dv) = gelu_tanh_v::<C, N>(x);
            let (s, sm) = sigmoid_pair::<C, N>(v);
            // |x| > 30: sigmoid(v) is 0 or 1 and x sm dv would be 0 inf.
            let tail = select_many(x.greater_than(&zero), one, splat::<C, N>(-0.0));
            let big = Vector::abs(x).greater_than(&splat::<C, N>(30.0));
            select_many(big, tail, s * (one + x * sm * dv))
        }
        ElementwiseKind::Silu => {
            let (s, sm) = sigmoid_pair::<C, N>(x);
            s * (one + x * sm)
        }
        ElementwiseKind::Softplus => {
            let (s, _sm) = sigmoid_pair::<C, N>(x * pv);
            s
        }
        ElementwiseKind::SoftplusApprox => {
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
            let d = -expm1::<C, N>(-Vector::abs(u));
            let num = select_many(u.greater_than(&zero), d - u * w, w * (-d - u));
            let general = num / (d * d);
            // u > 64: f' = 1 - u e^-u to within e^-64, and u w would be inf 0 at the top.
            let general = select_many(u.greater_than(&splat::<C, N>(64.0)), one, general);
            let general = select_many(u.less_than(&splat::<C, N>(-64.0)), zero, general);
            select_many(
                Vector::abs(u).less_than(&splat::<C, N>(0.5)),
                series,
                general,
            )
        }
        ElementwiseKind::Elu => select_many(x.greater_than(&zero), one, pv * Vector::exp(x)),
        ElementwiseKind::SRelu => select_many(x.greater_than(&-pv), one, zero),
        ElementwiseKind::Mish => {
            // tanh(sp) + x sech^2(sp) sigmoid(x), sech^2 = (1 - t)(1 + t), 1 - t = 2 / (n + 2).
            let (t, n) = mish_t::<C, N>(x);
            let sech2 = splat::<C, N>(2.0) / (n + splat::<C, N>(2.0)) * (one + t);
            let (s, _sm) = sigmoid_pair::<C, N>(x);
            // x > 20: e^x was capped above, and f' = 1 to working precision.
            select_many(x.greater_than(&splat::<C, N>(20.0)), one, t + x * sech2 * s)
        }
        ElementwiseKind::Squareplus => {
            let r = hypot_b::<C, N>(x, pv);
            // x > 0: (1 + x / r) / 2; x <= 0: b / (2 r (r - x)), without cancellation.
            // x / r is taken on both scaled by 2^-64 where r is large: NVIDIA's shader
            // division returns 0 for divisors above 2^126 (found on an H200, Vulkan: the
            // slope at x = f32::MAX came out 1/2).
            let scale = select_many(
                r.greater_than(&splat::<C, N>(1.8446744e19)),
                splat::<C, N>(5.421011e-20),
                one,
            );
            let right = (one + (x * scale) / (r * scale)) * splat::<C, N>(0.5);
            let den = splat::<C, N>(2.0) * r * (r - x);
            let left = select_many(den.greater_than(&zero), pv / den, zero);
            select_many(x.greater_than(&zero), right, left)
        }
    }
}

/// `(x == +inf, x == -inf)`, without an infinity literal (WGSL has none).
#[cube]
fn infinities<C: Float, N: Size>(x: Vector<C, N>) -> (Vector<bool, N>, Vector<bool, N>) {
    let max = Vector::new(C::max_value());
    (x.greater_than(&max), x.less_than(&-max))
}

/// `f` at the infinities and NaN, where the formulas above would give `inf / inf` or `0 inf`:
/// NaN stays NaN, `f(+inf) = +inf`, and the left limit `f(-inf)` per function.
#[cube]
pub(crate) fn forward_special<C: Float, N: Size>(
    x: Vector<C, N>,
    y: Vector<C, N>,
    p: C,
    #[comptime] kind: ElementwiseKind,
) -> Vector<C, N> {
    let (pos_inf, neg_inf) = infinities::<C, N>(x);
    let left = match kind {
        ElementwiseKind::Relu | ElementwiseKind::Squareplus => splat::<C, N>(0.0),
        ElementwiseKind::LeakyRelu => select_many(
            Vector::new(p).equal(&splat::<C, N>(0.0)),
            splat::<C, N>(-0.0),
            x * Vector::new(p),
        ),
        ElementwiseKind::Elu | ElementwiseKind::SRelu => -Vector::new(p),
        _ => splat::<C, N>(-0.0),
    };
    let y = select_many(neg_inf, left, y);
    let y = select_many(pos_inf, x, y);
    select_many(Vector::is_nan(x), x, y)
}

/// `f'` at the infinities and NaN: NaN stays NaN, `f'(+inf) = 1`, `f'(-inf)` per function.
#[cube]
pub(crate) fn derivative_special<C: Float, N: Size>(
    x: Vector<C, N>,
    d: Vector<C, N>,
    p: C,
    #[comptime] kind: ElementwiseKind,
) -> Vector<C, N> {
    let (pos_inf, neg_inf) = infinities::<C, N>(x);
    let left = match kind {
        ElementwiseKind::LeakyRelu => Vector::new(p),
        ElementwiseKind::Relu
        | ElementwiseKind::SRelu
        | ElementwiseKind::Squareplus
        | ElementwiseKind::Softplus
        | ElementwiseKind::Elu => splat::<C, N>(0.0),
        _ => splat::<C, N>(-0.0),
    };
    let d = select_many(neg_inf, left, d);
    let d = select_many(pos_inf, splat::<C, N>(1.0), d);
    select_many(Vector::is_nan(x), x, d)
}
