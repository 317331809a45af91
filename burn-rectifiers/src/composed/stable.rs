//! The stable compositions of the elementwise functions: each function and derivative built
//! from Burn's float operations the way the core evaluates it (no cancellation, no overflow, no
//! premature underflow), from operations the elementwise fuser of Burn's Fusion backends
//! accepts. They are the default bodies of
//! [`RectifierBackend`](crate::RectifierBackend)'s elementwise methods, so on `Fusion<B>`
//! (wgpu, vulkan, cuda) an activation and its backward fuse with the operations around them.
//!
//! f16 and bf16 are computed in f32 and rounded once; f64 in f64 (with the f64 constants, but the
//! GELU `erfc` fit and the device's transcendental functions keep f64 results near f32
//! accuracy).

use burn::backend::{Backend, TensorMetadata, tensor::FloatTensor};
use burn::tensor::DType;
use rectifiers_core::Elementwise;

use super::expr::{M, V, rsub, select};
use super::parts::{Prec, down, exp_reduced, exp_scaled, expm1_ratio, log1p_ratio, split};

/// `f(x)`.
#[track_caller]
pub(crate) fn forward<B: Backend>(f: Elementwise, x: FloatTensor<B>) -> FloatTensor<B> {
    let dtype = x.dtype();
    let (x, p) = widen::<B>(f, x);
    narrow::<B>(value(f, &x, &p).0, dtype)
}

/// `f'(x) grad`, the product rounded once in the compute type.
///
/// The piecewise-linear functions mask `grad` itself, as Burn's own ReLU backward does (two
/// operations, which a training step's backward keeps in the kernel around them); like Burn's,
/// their gradient at a NaN input is the masked `grad`, not NaN.
#[track_caller]
pub(crate) fn backward<B: Backend>(
    f: Elementwise,
    x: FloatTensor<B>,
    grad: FloatTensor<B>,
) -> FloatTensor<B> {
    let dtype = grad.dtype();
    let (x, p) = widen::<B>(f, x);
    let (grad, _) = widen::<B>(f, grad);
    let dx = match f {
        Elementwise::Relu(_) => grad.fill(&x.le(0.0), 0.0),
        Elementwise::SRelu(r) => grad.fill(&x.le(-r.a()), 0.0),
        Elementwise::LeakyRelu(r) => select(&x.le(0.0), &(&grad * r.slope()), &grad),
        Elementwise::Squareplus(r) if r.b() == 0.0 => grad.fill(&x.le(0.0), 0.0),
        Elementwise::Squareplus(r) => squareplus_slope(&x, r.b()) * grad,
        Elementwise::Elu(r) => elu_slope(&x, r.alpha(), &p) * grad,
        Elementwise::Softplus(r) => softplus_slope(&x, r.k(), &p) * grad,
        Elementwise::Silu(_) => silu_slope(&x, &p) * grad,
        Elementwise::Mish(_) => mish_slope(&x, &p) * grad,
        Elementwise::GeluTanh(_) => gelu_tanh_slope(&x, &p) * grad,
        Elementwise::SoftplusApprox(_) => softplus_approx_slope(&x, &p) * grad,
        Elementwise::Gelu(_) => gelu_slope(&x, &p) * grad,
    };
    narrow::<B>(dx.0, dtype)
}

/// `x` in its compute type (f32 for the half types) and that type's constants.
///
/// # Panics
///
/// For a dtype the device does not support (bf16 on wgpu: WGSL has no bf16, and Burn 0.22.1
/// does not refuse it: its own ops return wrong values there).
#[track_caller]
fn widen<B: Backend>(f: Elementwise, x: FloatTensor<B>) -> (V<B>, Prec) {
    let dtype = x.dtype();
    let device = x.device();
    assert!(
        B::supports_dtype(&device, dtype),
        "{}: {} is not supported on this device ({}); cast to f16 or f32",
        f.name(),
        format!("{dtype:?}").to_lowercase(),
        B::name(&device)
    );
    match dtype {
        DType::F64 => (V(x), Prec::F64),
        DType::F16 | DType::BF16 => (V(B::float_cast(x, DType::F32.into())), Prec::F32),
        _ => (V(x), Prec::F32),
    }
}

fn narrow<B: Backend>(y: FloatTensor<B>, dtype: DType) -> FloatTensor<B> {
    if y.dtype() == dtype {
        y
    } else {
        B::float_cast(y, dtype.into())
    }
}

/// `x` clamped to `[lo, hi]`, NaN staying NaN.
fn clamp<B: Backend>(x: &V<B>, lo: f64, hi: f64) -> V<B> {
    x.max_s(lo).min_s(hi)
}

fn value<B: Backend>(f: Elementwise, x: &V<B>, p: &Prec) -> V<B> {
    match f {
        Elementwise::Relu(_) => x.fill(&x.le(0.0), 0.0),
        Elementwise::LeakyRelu(r) => select(&x.gt(0.0), x, &(x * r.slope())),
        Elementwise::SRelu(r) => x.fill(&x.lt(-r.a()), -r.a()),
        Elementwise::Elu(r) => {
            // e^x - 1 loses nothing below -1 (e^x <= 0.37); above, the series.
            let tail = x.exp() - 1.0;
            let near = x * expm1_ratio(x);
            let neg = select(&x.lt(-1.0), &tail, &near) * r.alpha();
            select(&x.gt(0.0), x, &neg)
        }
        Elementwise::Softplus(r) => softplus(x, r.k(), p),
        Elementwise::Silu(_) => {
            // x / (1 + u), u = e^-|x|; for x < 0, x u / (1 + u), scaled so that it stays
            // normal where u alone is subnormal.
            let a = clamp(&-x.abs(), p.exp_lo, 0.0);
            let (e_r, pow) = exp_scaled(&a, 1.0, p);
            let d = down(&e_r, &pow) + 1.0;
            let xc = x.max_s(p.exp_lo);
            let left = down(&(xc / &d * &e_r), &pow);
            select(&x.lt(0.0), &left, &(x / &d))
        }
        Elementwise::Mish(_) => {
            // x n / (n + 2), n = e^x (e^x + 2) = tanh(softplus(x)) (n + 2) / n; e^x capped at
            // e^20, beyond which the quotient is 1.
            let xc = clamp(x, p.exp_lo, 20.0);
            let (e_r, pow) = exp_scaled(&xc, 1.0, p);
            let e = down(&e_r, &pow);
            let q = &e * (&e + 2.0) + 2.0;
            let right = x * (rsub(1.0, &(q.recip() * 2.0)));
            let left = down(&(&xc * &e_r * (&e + 2.0) / &q), &pow);
            select(&x.lt(0.0), &left, &right)
        }
        Elementwise::GeluTanh(_) => {
            // x sigma(v), v = x (C1 + C2 x^2): as SiLU with v for the exponent.
            let (c1, c2) = gelu_tanh_c();
            let xc = clamp(x, -20.0, 20.0);
            let v = &xc * (&xc * &xc * c2 + c1);
            let a = clamp(&-v.abs(), p.exp_lo, 0.0);
            let (e_r, pow) = exp_scaled(&a, 1.0, p);
            let d = down(&e_r, &pow) + 1.0;
            let left = down(&(&xc / &d * &e_r), &pow);
            select(&x.lt(0.0), &left, &(x / &d))
        }
        Elementwise::SoftplusApprox(_) => softplus_approx(x, p),
        Elementwise::Squareplus(r) => squareplus(x, r.b()),
        Elementwise::Gelu(_) => gelu(x, p),
    }
}

/// `alpha e^x` for `x <= 0` (scaled, so it stays normal down to `e^-104`), 1 beyond.
fn elu_slope<B: Backend>(x: &V<B>, alpha: f64, p: &Prec) -> V<B> {
    let xc = clamp(x, p.exp_lo, 0.0);
    let (e_r, pow) = exp_scaled(&xc, 1.0, p);
    down(&(e_r * alpha), &pow).fill(&x.gt(0.0), 1.0)
}

/// `s (1 + x (1 - s))`, `s = sigma(x)`: `(1 + x u / d) / d` for `x >= 0`, `(u / d) (1 + x / d)`
/// for `x < 0`, `u = e^-|x|`, `d = 1 + u`. Beyond 30 it is 1.
fn silu_slope<B: Backend>(x: &V<B>, p: &Prec) -> V<B> {
    let xc = clamp(x, p.exp_lo, 30.0);
    let a = -xc.abs();
    let (e_r, pow) = exp_scaled(&a, 1.0, p);
    let u = down(&e_r, &pow);
    let r = (&u + 1.0).recip();
    let right = (&xc * &u * &r + 1.0) * &r;
    let left = down(&(&e_r * &r * (&xc * &r + 1.0)), &pow);
    select(&x.lt(0.0), &left, &right)
}

/// `t + x sech^2(sp) sigma(x)`, `t = n / q`, `sech^2 = (2 / q) (1 + t)`, `q = n + 2`,
/// `n = e (e + 2)`, `e = e^x` (capped at `e^20`: beyond, 1).
fn mish_slope<B: Backend>(x: &V<B>, p: &Prec) -> V<B> {
    let xc = clamp(x, p.exp_lo, 20.0);
    let (e_r, pow) = exp_scaled(&xc, 1.0, p);
    let e = down(&e_r, &pow);
    let q = &e * (&e + 2.0) + 2.0;
    let rq = q.recip();
    let t = rsub(1.0, &(&rq * 2.0));
    let a = &rq * 2.0 * (&t + 1.0);
    let re = (&e + 1.0).recip();
    let right = &t + &xc * &a * &e * &re;
    // x < 0: e ((e + 2) / q + x a / (1 + e)), scaled.
    let inner = (&e + 2.0) * &rq + &xc * &a * &re;
    let left = down(&(&e_r * inner), &pow);
    select(&x.lt(0.0), &left, &right)
}

/// `s (1 + x (1 - s) v')`, `s = sigma(v)`, `v' = C1 + 3 C2 x^2`, as SiLU's with `v`.
fn gelu_tanh_slope<B: Backend>(x: &V<B>, p: &Prec) -> V<B> {
    let (c1, c2) = gelu_tanh_c();
    let xc = clamp(x, -20.0, 20.0);
    let x2 = &xc * &xc;
    let v = &xc * (&x2 * c2 + c1);
    let dv = &x2 * (3.0 * c2) + c1;
    let a = clamp(&-v.abs(), p.exp_lo, 0.0);
    let (e_r, pow) = exp_scaled(&a, 1.0, p);
    let u = down(&e_r, &pow);
    let r = (&u + 1.0).recip();
    let xdv = &xc * dv;
    let right = (&xdv * &u * &r + 1.0) * &r;
    let left = down(&(&e_r * &r * (&xdv * &r + 1.0)), &pow);
    select(&x.lt(0.0), &left, &right)
}

/// `2 sqrt(2/pi)` and `2 * 0.044715 * sqrt(2/pi)`: `gelu_tanh(x) = x sigma(x (C1 + C2 x^2))`.
fn gelu_tanh_c() -> (f64, f64) {
    let c1 = 2.0 * (2.0 / core::f64::consts::PI).sqrt();
    (c1, 0.044715 * c1)
}

/// `(e^r, 2^(n+64))` of `e^(-|k x|) = e^r 2^n`: the reduction is on `|x|`, so the rounding
/// of `k x` does not reach the result (see [`exp_scaled`]); `|x|` is clamped where the power
/// is 0.
fn exp_neg_abs<B: Backend>(x: &V<B>, k: f64, p: &Prec) -> (V<B>, V<B>) {
    let a = (-x.abs()).max_s(p.exp_lo / k);
    exp_scaled(&a, k, p)
}

/// `ln(1 + e^(k x)) / k`: `x + log1p(u) / k` for `x >= 0` and `log1p(u) / k` for `x < 0`,
/// `u = e^-|k x|`, the left one scaled so it stays normal where `u` is subnormal.
fn softplus<B: Backend>(x: &V<B>, k: f64, p: &Prec) -> V<B> {
    let (e_r, pow) = exp_neg_abs(x, k, p);
    let u = down(&e_r, &pow);
    let s = log1p_ratio(&u);
    let right = x + &u * &s * (1.0 / k);
    let left = down(&(e_r * s * (1.0 / k)), &pow);
    select(&x.lt(0.0), &left, &right)
}

/// `sigma(k x)`: `1 / (1 + u)` for `x >= 0`, `u / (1 + u)` for `x < 0` (scaled).
fn softplus_slope<B: Backend>(x: &V<B>, k: f64, p: &Prec) -> V<B> {
    let (e_r, pow) = exp_neg_abs(x, k, p);
    let r = (down(&e_r, &pow) + 1.0).recip();
    let left = down(&(e_r * &r), &pow);
    select(&x.lt(0.0), &left, &r)
}

/// `x / (1 - e^-u)`, `u = x / ln 2`; `ln 2` at 0.
///
/// For `|u| <= 1`, `ln 2 g(u)` with `g(u) = u / (1 - e^-u)` by its series (`x / u` is `ln 2`
/// exactly, and nothing cancels). Beyond, with `w = e^-|u|`: `x / (1 - w)` for `u > 1`, and
/// for `u < -1`, `-x w / (1 - w)`, scaled, so the far left tail (`-x e^u`, normal down to
/// `x = -61`) keeps its digits.
fn softplus_approx<B: Backend>(x: &V<B>, p: &Prec) -> V<B> {
    // Clamped where e^-|u| is 0, so infinities need no other care.
    let lim = -p.exp_lo * core::f64::consts::LN_2;
    let xc = clamp(x, -lim, lim);
    let u = &xc * core::f64::consts::LOG2_E;
    // ln 2 g(u), g(u) = u / (1 - e^-u) = 1 + u/2 + u^2/12 - u^4/720 + ... (Bernoulli numbers; to
    // u^10, truncation below 2^-27 for |u| <= 1).
    let u2 = &u * &u;
    let mut s = &u2 * (1.0 / 47_900_160.0) + -1.0 / 1_209_600.0;
    for c in [1.0 / 30_240.0, -1.0 / 720.0, 1.0 / 12.0] {
        s = &u2 * s + c;
    }
    let near = (&u2 * s + &u * 0.5 + 1.0) * core::f64::consts::LN_2;
    let (e_r, pow) = exp_scaled(&-xc.abs(), core::f64::consts::LOG2_E, p);
    let d = rsub(1.0, &down(&e_r, &pow));
    let right = x / &d;
    let left = down(&(-&xc * &e_r / &d), &pow);
    let far = select(&x.lt(0.0), &left, &right);
    select(&u.abs().le(1.0), &near, &far)
}

/// `f'(x) = (1 - E - u E) / (1 - E)^2`, `E = e^-u`, `u = x / ln 2`; 1/2 at 0.
///
/// For `|u| <= 3/2` the series of `d/du [u / (1 - e^-u)]` (Bernoulli numbers); beyond, with `w = e^-|u|`: `(1 - w - u w) / (1 - w)^2` for `u > 1`,
/// and for `u < -1` `w (w - 1 - u) / (1 - w)^2`, scaled (`-u e^u` in the far left tail).
fn softplus_approx_slope<B: Backend>(x: &V<B>, p: &Prec) -> V<B> {
    // Clamped where e^-|u| is 0 (and f' is 0 or 1), so infinities need no other care.
    let lim = -p.exp_lo * core::f64::consts::LN_2;
    let xc = clamp(x, -lim, lim);
    let u = &xc * core::f64::consts::LOG2_E;
    let u2 = &u * &u;
    // g'(u) = 1/2 + u/6 - u^3/180 + ..., g(u) = u / (1 - e^-u) (mpmath's Taylor coefficients;
    // to u^15, truncation below 2^-30 for |u| <= 3/2).
    let mut s = &u2 * -5.423_488_474_116_132e-12 + 1.873_555_114_295_855e-10;
    for c in [
        -6.341_028_166_424_991_8e-9,
        2.087_675_698_786_81e-7,
        -1.0 / 151_200.0,
        1.0 / 5040.0,
        -1.0 / 180.0,
        1.0 / 6.0,
    ] {
        s = &u2 * s + c;
    }
    let near = &u * s + 0.5;
    let (e_r, pow) = exp_scaled(&-xc.abs(), core::f64::consts::LOG2_E, p);
    let w = down(&e_r, &pow);
    let d = rsub(1.0, &w);
    let d2 = &d * &d;
    let right = (&d - &u * &w) / &d2;
    let left = down(&(&e_r * (&w - 1.0 - &u) / &d2), &pow);
    let far = select(&x.lt(0.0), &left, &right);
    // NaN needs no care: every branch gives NaN.
    select(&u.abs().le(1.5), &near, &far)
}

/// `(x + sqrt(x^2 + b)) / 2`: `x + (b/2) / (r + x)` for `x > 0`, `(b/2) / (r - x)` for
/// `x <= 0`, `r = sqrt(x^2 + b)` (as `|x| sqrt(1 + b / x^2)` above `|x| = 1e18`, where `x^2`
/// would overflow in f32). `b = 0` is ReLU.
fn squareplus<B: Backend>(x: &V<B>, b: f64) -> V<B> {
    if b == 0.0 {
        return x.fill(&x.le(0.0), 0.0);
    }
    let r = hypot_b(x, b);
    let left = (&r - x).recip() * (0.5 * b);
    let right = x + (&r + x).recip() * (0.5 * b);
    select(&x.gt(0.0), &right, &left)
}

/// `sqrt(x^2 + b)` without overflow of `x^2`.
fn hypot_b<B: Backend>(x: &V<B>, b: f64) -> V<B> {
    let ax = x.abs();
    let big = ax.gt(1e18);
    let small = (x * x + b).sqrt();
    let large = &ax * ((ax.recip() * b) / &ax + 1.0).sqrt();
    select(&big, &large, &small)
}

/// `(1 + x / r) / 2` for `x > 0`; `(b/2) / r / (r - x)` for `x <= 0`, without cancellation
/// (`b > 0`: `b = 0` is ReLU's).
fn squareplus_slope<B: Backend>(x: &V<B>, b: f64) -> V<B> {
    let r = hypot_b(x, b);
    // x / r, as 1 / sqrt(1 + b / x^2) above 1e18 (no division by a huge r: some GPUs return
    // 0 for divisors above 2^126).
    let ax = x.abs();
    let q = select(
        &ax.gt(1e18),
        &((ax.recip() * b) / &ax + 1.0).sqrt().recip(),
        &(x / &r),
    );
    let right = (q + 1.0) * 0.5;
    let left = r.recip() * (0.5 * b) * (&r - x).recip();
    select(&x.gt(0.0), &right, &left)
}

/// What GELU and its derivative share: `erfc(a) = t e^(-a^2 + q(t))`, `a = |x| / sqrt 2`,
/// `t = 1 / (1 + a/2)`, `q` the fit of Numerical Recipes' `erfcc` (relative error below 1.2e-7
/// for every `a`). The exponent `-a^2 = -x^2 / 2 = hi + lo` is taken exactly (`x` split), and
/// each part of `e^(hi + lo + q)` has its own exponential, multiplied (a sum of the parts would
/// be reassociated by some shader compilers, losing `hi`'s exactness). Inputs are clamped to
/// `[-14, 14]`, beyond which `Phi` is 0 or 1.
struct GeluParts<B: Backend> {
    /// `|x|`, clamped to 14 (NaN stays NaN).
    ax: V<B>,
    t: V<B>,
    /// `e^hi = e_r e^-q 2^n`, with `2^(n + 64)`.
    e_r: V<B>,
    pow: V<B>,
    /// `lo - q`: `e^(-x^2/2) = e_r e^m 2^n`.
    m: V<B>,
    /// `e^(m + q(t))`: `m + q(t)` is in `[-1.4, 0.6]`, where the device's `exp` is 3 to 4 ULP; a
    /// second reduction would make GELU's kernels 19 operations longer.
    e_cdf: V<B>,
    neg: M<B>,
}

fn gelu_parts<B: Backend>(x: &V<B>, p: &Prec) -> GeluParts<B> {
    let ax = x.abs().min_s(14.0);
    let t = (&ax * (0.5 * core::f64::consts::FRAC_1_SQRT_2) + 1.0).recip();
    let mut q = &t * 0.170_872_77 + -0.822_152_23;
    for c in [
        1.488_515_87,
        -1.135_203_98,
        0.278_868_07,
        -0.186_288_06,
        0.096_784_18,
        0.374_091_96,
        1.000_023_68,
        -1.265_512_23,
    ] {
        q = &t * q + c;
    }
    let (x_hi, x_lo) = split(&ax, p);
    let hi = &x_hi * &x_hi * -0.5;
    let (e_r, pow, q_hi) = exp_reduced(&hi, 1.0, p);
    // lo - q_hi, lo = -(x_hi x_lo + x_lo^2 / 2) = x_lo (-x_lo / 2 - x_hi).
    let m = &x_lo * (&x_lo * -0.5 - &x_hi) - q_hi;
    let e_cdf = (&m + q).exp();
    GeluParts {
        ax,
        t,
        e_r,
        pow,
        m,
        e_cdf,
        neg: x.lt(0.0),
    }
}

/// `x Phi(x)`: `x erfc(a) / 2` for `x < 0` (scaled), `x (1 - erfc(a) / 2)` for `x >= 0`.
fn gelu<B: Backend>(x: &V<B>, p: &Prec) -> V<B> {
    let g = gelu_parts(x, p);
    // erfc(a) e^-n, the halving folded into the power of 2 (`down_half`).
    let erfc_r = &g.t * &g.e_r * &g.e_cdf;
    select(
        &g.neg,
        &down_half(&(-&g.ax * &erfc_r), &g.pow),
        &(x * rsub(1.0, &down_half(&erfc_r, &g.pow))),
    )
}

/// `v 2^(n-1)`: [`down`] with a halving folded in (one operation less in a kernel that is at
/// the fuser's limit).
fn down_half<B: Backend>(v: &V<B>, pow: &V<B>) -> V<B> {
    v * pow * 2f64.powi(-65)
}

/// `Phi(x) + x phi(x)`, `phi(x) = e^(-x^2/2) / sqrt(2 pi)`: with `h = erfc(a) / 2` and
/// `D = h - |x| phi(x)` (both scaled), `D` for `x < 0` and `1 - D` for `x >= 0`.
fn gelu_slope<B: Backend>(x: &V<B>, p: &Prec) -> V<B> {
    let g = gelu_parts(x, p);
    // 2 |x| phi(x) e^-n and erfc(a) e^-n, halved by `down_half`.
    let ax_phi_r = &g.ax * g.m.exp() * (2.0 / (2.0 * core::f64::consts::PI).sqrt());
    let d = down_half(&(&g.e_r * (&g.t * &g.e_cdf - ax_phi_r)), &g.pow);
    select(&g.neg, &d, &rsub(1.0, &d))
}
