//! The elementwise formulas as cubecl functions over vectors of the compute type `C` (f32, or
//! f64 for f64 tensors; f16 and bf16 are widened to f32 and rounded once).
//!
//! The same arrangements as the stable compositions of `crate::composed` (see
//! `src/composed/stable.rs` and `parts.rs`, which say why each is written the way it is), so that
//! a function has one GPU evaluation whether it runs as this kernel or fused: `e^x` reduced to
//! `e^r 2^n` with `e^r` by its series (the device's `exp` errs by about 0.7 |x| ULP on lavapipe)
//! and the powers of 2 applied last so the tails stay normal; no `log1p`, `expm1`, `tanh` or
//! `erf` of the device; exponents split where their rounding would show; corrections multiplied
//! rather than added, because shader compilers reassociate sums (lavapipe rewrites
//! `(a - n l_hi) - n l_lo` as `a - n (l_hi + l_lo)`). The constants are f32 (an f64 kernel
//! computes in f64 with them: f64 results keep about f32 accuracy).

// The coefficients are kept as published or as mpmath printed them (f32 rounds them once).
#![allow(clippy::excessive_precision)]

use cubecl::prelude::*;

use rectifiers_core::ElementwiseKind;

#[cube]
pub(crate) fn splat<C: Float, N: Size>(#[comptime] v: f32) -> Vector<C, N> {
    Vector::new(C::new(v))
}

/// The run-time constants of one launch: the function's parameter and the split
/// `ln 2 / k = l_hi + l_lo` of its exponent's scale `k` (1, the softplus sharpness, or
/// `log2 e`), computed on the host. Cloneable in kernels, which pass it to both the forward and
/// the derivative (the gated backward).
#[derive(CubeType, Clone, Copy)]
#[expand(derive(Clone))]
pub(crate) struct Scalars<C: Float> {
    pub p: C,
    pub k: C,
    pub l_hi: C,
    pub l_lo: C,
}

/// `x` clamped to `[lo, hi]`, NaN staying NaN.
#[cube]
fn clamp<C: Float, N: Size>(
    x: Vector<C, N>,
    #[comptime] lo: f32,
    #[comptime] hi: f32,
) -> Vector<C, N> {
    let x = select_many(x.less_than(&splat::<C, N>(lo)), splat::<C, N>(lo), x);
    select_many(x.greater_than(&splat::<C, N>(hi)), splat::<C, N>(hi), x)
}

/// `max(x, lo)` for a run-time `lo`, NaN staying NaN.
#[cube]
pub(crate) fn max_v<C: Float, N: Size>(x: Vector<C, N>, lo: Vector<C, N>) -> Vector<C, N> {
    select_many(x.less_than(&lo), lo, x)
}

/// `e^r` for `|r| <= 0.36`: the Taylor series to `r^7`.
#[cube]
fn exp_small<C: Float, N: Size>(r: Vector<C, N>) -> Vector<C, N> {
    let mut s = r * splat::<C, N>(1.0 / 5040.0) + splat::<C, N>(1.0 / 720.0);
    s = r * s + splat::<C, N>(1.0 / 120.0);
    s = r * s + splat::<C, N>(1.0 / 24.0);
    s = r * s + splat::<C, N>(1.0 / 6.0);
    s = r * s + splat::<C, N>(0.5);
    s = r * s + splat::<C, N>(1.0);
    r * s + splat::<C, N>(1.0)
}

/// `e^(k a) = e_r 2^n` as `(e_r, 2^(n + 64))` (see `composed::parts::exp_scaled`):
/// `d = a - n l_hi` exact, the `l_lo` part multiplied in by its series.
#[cube]
pub(crate) fn exp_scaled<C: Float, N: Size>(
    a: Vector<C, N>,
    k: C,
    l_hi: C,
    l_lo: C,
) -> (Vector<C, N>, Vector<C, N>) {
    let k = Vector::new(k);
    let n = Vector::floor(a * k * splat::<C, N>(core::f32::consts::LOG2_E) + splat::<C, N>(0.5));
    let d = a - n * Vector::new(l_hi);
    let r = d * k;
    let q = n * k * Vector::new(l_lo);
    let corr = q * (q * splat::<C, N>(0.5) - splat::<C, N>(1.0)) + splat::<C, N>(1.0);
    let pow = Vector::powf(splat::<C, N>(2.0), n + splat::<C, N>(64.0));
    (exp_small::<C, N>(r) * corr, pow)
}

/// `v 2^n` from the power of [`exp_scaled`]. The product with the power goes through a select,
/// which keeps the compiler from reassociating `(v pow) 2^-64` as `(v 2^-64) pow` (lavapipe
/// did, and `v 2^-64` underflows for a tiny `v`: `silu(-1e-28)` came out 0).
#[cube]
pub(crate) fn down<C: Float, N: Size>(v: Vector<C, N>, pow: Vector<C, N>) -> Vector<C, N> {
    let scaled = v * pow;
    select_many(pow.equal(&pow), scaled, pow) * splat::<C, N>(5.421_010_862_427_522e-20)
}

/// `e^(-|k x|)` as [`exp_scaled`] parts, `|x|` clamped where the power is 0.
#[cube]
fn exp_neg_abs<C: Float, N: Size>(
    x: Vector<C, N>,
    k: C,
    l_hi: C,
    l_lo: C,
) -> (Vector<C, N>, Vector<C, N>) {
    let lo = splat::<C, N>(-104.0) / Vector::new(k);
    let a = max_v::<C, N>(-Vector::abs(x), lo);
    exp_scaled::<C, N>(a, k, l_hi, l_lo)
}

/// `log1p(u) / u` for `u` in `[0, 1]` by the series of `2 atanh(u / (2 + u))`.
#[cube]
pub(crate) fn log1p_ratio<C: Float, N: Size>(u: Vector<C, N>) -> Vector<C, N> {
    let d = u + splat::<C, N>(2.0);
    let w = u / d;
    let w2 = w * w;
    let mut s = w2 * splat::<C, N>(2.0 / 15.0) + splat::<C, N>(2.0 / 13.0);
    s = w2 * s + splat::<C, N>(2.0 / 11.0);
    s = w2 * s + splat::<C, N>(2.0 / 9.0);
    s = w2 * s + splat::<C, N>(2.0 / 7.0);
    s = w2 * s + splat::<C, N>(2.0 / 5.0);
    s = w2 * s + splat::<C, N>(2.0 / 3.0);
    (w2 * s + splat::<C, N>(2.0)) / d
}

/// `(e^h - 1) / h` for `|h| <= 1`, the Taylor series to `h^10`.
#[cube]
fn expm1_ratio<C: Float, N: Size>(h: Vector<C, N>) -> Vector<C, N> {
    let mut s = h * splat::<C, N>(1.0 / 39_916_800.0) + splat::<C, N>(1.0 / 3_628_800.0);
    s = h * s + splat::<C, N>(1.0 / 362_880.0);
    s = h * s + splat::<C, N>(1.0 / 40_320.0);
    s = h * s + splat::<C, N>(1.0 / 5040.0);
    s = h * s + splat::<C, N>(1.0 / 720.0);
    s = h * s + splat::<C, N>(1.0 / 120.0);
    s = h * s + splat::<C, N>(1.0 / 24.0);
    s = h * s + splat::<C, N>(1.0 / 6.0);
    s = h * s + splat::<C, N>(0.5);
    h * s + splat::<C, N>(1.0)
}

/// `(hi, lo)`, `hi + lo = x` exactly, `hi` of half the significand (Veltkamp; `c - (c - x)`
/// survives the compilers checked, lavapipe among them).
#[cube]
fn split<C: Float, N: Size>(
    x: Vector<C, N>,
    #[comptime] wide: bool,
) -> (Vector<C, N>, Vector<C, N>) {
    let c = if wide {
        x * splat::<C, N>(134_217_729.0)
    } else {
        x * splat::<C, N>(4097.0)
    };
    let hi = c - (c - x);
    (hi, x - hi)
}

/// `d` where `x` is a number, NaN where it is NaN.
#[cube]
fn keep_nan<C: Float, N: Size>(x: Vector<C, N>, d: Vector<C, N>) -> Vector<C, N> {
    select_many(x.equal(&x), d, x)
}

/// `(x_c, t, e_r, pow, e_lo, e_lo_q)` of GELU (see `composed::stable::gelu_parts`).
type GeluParts<C, N> = (
    Vector<C, N>,
    Vector<C, N>,
    Vector<C, N>,
    Vector<C, N>,
    Vector<C, N>,
    Vector<C, N>,
);

/// The parts of GELU that its forward and its derivative share: [`GeluParts`].
#[cube]
fn gelu_parts<C: Float, N: Size>(
    x: Vector<C, N>,
    s: Scalars<C>,
    #[comptime] wide: bool,
) -> GeluParts<C, N> {
    let xc = clamp::<C, N>(x, -14.0, 14.0);
    let t = Vector::recip(
        Vector::abs(xc) * splat::<C, N>(0.5 * core::f32::consts::FRAC_1_SQRT_2)
            + splat::<C, N>(1.0),
    );
    let mut q = t * splat::<C, N>(0.17087277) + splat::<C, N>(-0.82215223);
    q = t * q + splat::<C, N>(1.48851587);
    q = t * q + splat::<C, N>(-1.13520398);
    q = t * q + splat::<C, N>(0.27886807);
    q = t * q + splat::<C, N>(-0.18628806);
    q = t * q + splat::<C, N>(0.09678418);
    q = t * q + splat::<C, N>(0.37409196);
    q = t * q + splat::<C, N>(1.00002368);
    q = t * q + splat::<C, N>(-1.26551223);
    let (x_hi, x_lo) = split::<C, N>(xc, wide);
    let hi = x_hi * x_hi * splat::<C, N>(-0.5);
    let lo = -(x_hi * x_lo) - x_lo * x_lo * splat::<C, N>(0.5);
    let (e_r, pow) = exp_scaled::<C, N>(hi, s.k, s.l_hi, s.l_lo);
    let (eq_r, pow_q) = exp_scaled::<C, N>(lo + q, s.k, s.l_hi, s.l_lo);
    (
        xc,
        t,
        e_r,
        pow,
        exp_small::<C, N>(lo),
        down::<C, N>(eq_r, pow_q),
    )
}

/// `2 sqrt(2/pi)` and `2 * 0.044715 * sqrt(2/pi)`.
#[cube]
fn gelu_tanh_c<C: Float, N: Size>() -> (Vector<C, N>, Vector<C, N>) {
    (splat::<C, N>(1.595_769_1), splat::<C, N>(0.071_354_82))
}

/// `f(x)`.
#[cube]
pub(crate) fn forward<C: Float, N: Size>(
    x: Vector<C, N>,
    s: Scalars<C>,
    #[comptime] kind: ElementwiseKind,
    #[comptime] wide: bool,
) -> Vector<C, N> {
    let zero = splat::<C, N>(0.0);
    let one = splat::<C, N>(1.0);
    let pv = Vector::new(s.p);
    let lo = splat::<C, N>(-104.0);
    match kind {
        ElementwiseKind::Relu => select_many(x.less_equal(&zero), zero, x),
        ElementwiseKind::LeakyRelu => select_many(x.greater_than(&zero), x, x * pv),
        ElementwiseKind::SRelu => select_many(x.less_than(&-pv), -pv, x),
        ElementwiseKind::Elu => {
            let tail = Vector::exp(x) - one;
            let near = x * expm1_ratio::<C, N>(x);
            let neg = select_many(x.less_than(&-one), tail, near) * pv;
            select_many(x.greater_than(&zero), x, neg)
        }
        ElementwiseKind::Softplus => {
            let (e_r, pow) = exp_neg_abs::<C, N>(x, s.k, s.l_hi, s.l_lo);
            let u = down::<C, N>(e_r, pow);
            let r = log1p_ratio::<C, N>(u);
            let right = x + u * r / pv;
            let left = down::<C, N>(e_r * r / pv, pow);
            select_many(x.less_than(&zero), left, right)
        }
        ElementwiseKind::Silu => {
            let (e_r, pow) = exp_neg_abs::<C, N>(x, s.k, s.l_hi, s.l_lo);
            let d = down::<C, N>(e_r, pow) + one;
            let xc = max_v::<C, N>(x, lo);
            let left = down::<C, N>(xc / d * e_r, pow);
            select_many(x.less_than(&zero), left, x / d)
        }
        ElementwiseKind::Mish => {
            let xc = clamp::<C, N>(x, -104.0, 20.0);
            let (e_r, pow) = exp_scaled::<C, N>(xc, s.k, s.l_hi, s.l_lo);
            let e = down::<C, N>(e_r, pow);
            let q = e * (e + splat::<C, N>(2.0)) + splat::<C, N>(2.0);
            let right = x * (one - Vector::recip(q) * splat::<C, N>(2.0));
            let left = down::<C, N>(xc * e_r * (e + splat::<C, N>(2.0)) / q, pow);
            select_many(x.less_than(&zero), left, right)
        }
        ElementwiseKind::GeluTanh => {
            let (c1, c2) = gelu_tanh_c::<C, N>();
            let xc = clamp::<C, N>(x, -20.0, 20.0);
            let v = xc * (xc * xc * c2 + c1);
            let (e_r, pow) = exp_neg_abs::<C, N>(v, s.k, s.l_hi, s.l_lo);
            let d = down::<C, N>(e_r, pow) + one;
            let left = down::<C, N>(xc / d * e_r, pow);
            select_many(x.less_than(&zero), left, x / d)
        }
        ElementwiseKind::SoftplusApprox => {
            let u = x * splat::<C, N>(core::f32::consts::LOG2_E);
            let near =
                Vector::recip(expm1_ratio::<C, N>(-u)) * splat::<C, N>(core::f32::consts::LN_2);
            let (e_r, pow) = exp_neg_abs::<C, N>(x, s.k, s.l_hi, s.l_lo);
            let d = one - down::<C, N>(e_r, pow);
            let right = x / d;
            let left = down::<C, N>(-max_v::<C, N>(x, lo) * e_r / d, pow);
            let far = select_many(x.less_than(&zero), left, right);
            select_many(Vector::abs(u).less_equal(&one), near, far)
        }
        ElementwiseKind::Squareplus => {
            let r = hypot_b::<C, N>(x, pv);
            let hb = pv * splat::<C, N>(0.5);
            let left = Vector::recip(r - x) * hb;
            let right = x + Vector::recip(r + x) * hb;
            let y = select_many(x.greater_than(&zero), right, left);
            // b = 0 is ReLU (and (r - x) = 0 at x = 0 there).
            select_many(
                pv.equal(&zero),
                select_many(x.less_equal(&zero), zero, x),
                y,
            )
        }
        ElementwiseKind::Gelu => {
            let (xc, t, e_r, pow, _e_lo, e_lo_q) = gelu_parts::<C, N>(x, s, wide);
            let half_erfc_r = t * e_r * e_lo_q * splat::<C, N>(0.5);
            let left = down::<C, N>(xc * half_erfc_r, pow);
            let right = x * (one - down::<C, N>(half_erfc_r, pow));
            select_many(x.less_than(&zero), left, right)
        }
    }
}

/// `sqrt(x^2 + b)` without overflow of `x^2`.
#[cube]
fn hypot_b<C: Float, N: Size>(x: Vector<C, N>, b: Vector<C, N>) -> Vector<C, N> {
    let ax = Vector::abs(x);
    let small = Vector::sqrt(x * x + b);
    let large = ax * Vector::sqrt(Vector::recip(ax) * b / ax + splat::<C, N>(1.0));
    select_many(ax.greater_than(&splat::<C, N>(1e18)), large, small)
}

/// `f'(x)`, the left value at a kink.
#[cube]
pub(crate) fn derivative<C: Float, N: Size>(
    x: Vector<C, N>,
    s: Scalars<C>,
    #[comptime] kind: ElementwiseKind,
    #[comptime] wide: bool,
) -> Vector<C, N> {
    let zero = splat::<C, N>(0.0);
    let one = splat::<C, N>(1.0);
    let pv = Vector::new(s.p);
    match kind {
        ElementwiseKind::Relu => keep_nan::<C, N>(x, select_many(x.greater_than(&zero), one, zero)),
        ElementwiseKind::LeakyRelu => {
            keep_nan::<C, N>(x, select_many(x.greater_than(&zero), one, pv))
        }
        ElementwiseKind::SRelu => keep_nan::<C, N>(x, select_many(x.greater_than(&-pv), one, zero)),
        ElementwiseKind::Elu => {
            let xc = clamp::<C, N>(x, -104.0, 0.0);
            let (e_r, pow) = exp_scaled::<C, N>(xc, s.k, s.l_hi, s.l_lo);
            let left = down::<C, N>(e_r * pv, pow);
            select_many(x.greater_than(&zero), one, left)
        }
        ElementwiseKind::Softplus => {
            let (e_r, pow) = exp_neg_abs::<C, N>(x, s.k, s.l_hi, s.l_lo);
            let r = Vector::recip(down::<C, N>(e_r, pow) + one);
            let left = down::<C, N>(e_r * r, pow);
            select_many(x.less_than(&zero), left, r)
        }
        ElementwiseKind::Silu => {
            let xc = clamp::<C, N>(x, -104.0, 30.0);
            let (e_r, pow) = exp_scaled::<C, N>(-Vector::abs(xc), s.k, s.l_hi, s.l_lo);
            let u = down::<C, N>(e_r, pow);
            let r = Vector::recip(u + one);
            let right = (xc * u * r + one) * r;
            let left = down::<C, N>(e_r * r * (xc * r + one), pow);
            select_many(x.less_than(&zero), left, right)
        }
        ElementwiseKind::Mish => {
            let two = splat::<C, N>(2.0);
            let xc = clamp::<C, N>(x, -104.0, 20.0);
            let (e_r, pow) = exp_scaled::<C, N>(xc, s.k, s.l_hi, s.l_lo);
            let e = down::<C, N>(e_r, pow);
            let rq = Vector::recip(e * (e + two) + two);
            let t = one - rq * two;
            let a = rq * two * (t + one);
            let re = Vector::recip(e + one);
            let right = t + xc * a * e * re;
            let inner = (e + two) * rq + xc * a * re;
            let left = down::<C, N>(e_r * inner, pow);
            select_many(x.less_than(&zero), left, right)
        }
        ElementwiseKind::GeluTanh => {
            let (c1, c2) = gelu_tanh_c::<C, N>();
            let xc = clamp::<C, N>(x, -20.0, 20.0);
            let x2 = xc * xc;
            let v = xc * (x2 * c2 + c1);
            let dv = x2 * (c2 * splat::<C, N>(3.0)) + c1;
            let (e_r, pow) = exp_neg_abs::<C, N>(v, s.k, s.l_hi, s.l_lo);
            let u = down::<C, N>(e_r, pow);
            let r = Vector::recip(u + one);
            let xdv = xc * dv;
            let right = (xdv * u * r + one) * r;
            let left = down::<C, N>(e_r * r * (xdv * r + one), pow);
            select_many(x.less_than(&zero), left, right)
        }
        ElementwiseKind::SoftplusApprox => {
            let u = x * splat::<C, N>(core::f32::consts::LOG2_E);
            let u2 = u * u;
            let mut ser =
                u2 * splat::<C, N>(1.5454911701300120e-13) + splat::<C, N>(-5.4234884741161326e-12);
            ser = u2 * ser + splat::<C, N>(1.8735551142958550e-10);
            ser = u2 * ser + splat::<C, N>(-6.3410281664249918e-9);
            ser = u2 * ser + splat::<C, N>(2.0876756987868099e-7);
            ser = u2 * ser + splat::<C, N>(-1.0 / 151_200.0);
            ser = u2 * ser + splat::<C, N>(1.0 / 5040.0);
            ser = u2 * ser + splat::<C, N>(-1.0 / 180.0);
            ser = u2 * ser + splat::<C, N>(1.0 / 6.0);
            let near = u * ser + splat::<C, N>(0.5);
            let (e_r, pow) = exp_neg_abs::<C, N>(x, s.k, s.l_hi, s.l_lo);
            let w = down::<C, N>(e_r, pow);
            let d = one - w;
            let d2 = d * d;
            let uc_hi = select_many(u.greater_than(&splat::<C, N>(60.0)), splat::<C, N>(60.0), u);
            let uc_lo = select_many(
                u.less_than(&splat::<C, N>(-208.0)),
                splat::<C, N>(-208.0),
                u,
            );
            let right = (d - uc_hi * w) / d2;
            let left = down::<C, N>(e_r * (w - one - uc_lo) / d2, pow);
            let far = select_many(x.less_than(&zero), left, right);
            keep_nan::<C, N>(
                x,
                select_many(Vector::abs(u).less_equal(&two_v::<C, N>()), near, far),
            )
        }
        ElementwiseKind::Squareplus => {
            let r = hypot_b::<C, N>(x, pv);
            let ax = Vector::abs(x);
            let q = select_many(
                ax.greater_than(&splat::<C, N>(1e18)),
                Vector::recip(Vector::sqrt(Vector::recip(ax) * pv / ax + one)),
                x / r,
            );
            let right = (q + one) * splat::<C, N>(0.5);
            let left = Vector::recip(r) * (pv * splat::<C, N>(0.5)) * Vector::recip(r - x);
            let y = select_many(x.greater_than(&zero), right, left);
            let relu = keep_nan::<C, N>(x, select_many(x.greater_than(&zero), one, zero));
            select_many(pv.equal(&zero), relu, y)
        }
        ElementwiseKind::Gelu => {
            let (xc, t, e_r, pow, e_lo, e_lo_q) = gelu_parts::<C, N>(x, s, wide);
            let x_phi_r = xc * e_lo * splat::<C, N>(0.398_942_28);
            let half_cdf_r = t * e_lo_q * splat::<C, N>(0.5);
            let left = down::<C, N>(e_r * (half_cdf_r + x_phi_r), pow);
            let right = down::<C, N>(e_r * (x_phi_r - half_cdf_r), pow) + one;
            select_many(x.less_than(&zero), left, right)
        }
    }
}

#[cube]
fn two_v<C: Float, N: Size>() -> Vector<C, N> {
    splat::<C, N>(2.0)
}
