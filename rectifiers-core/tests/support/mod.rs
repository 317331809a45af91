//! Test support: every elementwise function behind one enum, ULP measures, edge cases.
#![allow(dead_code)]

use rectifiers_core::{
    Elu, Gelu, GeluTanh, LeakyRelu, Mish, Rectifier, Relu, SRelu, Silu, Softplus, SoftplusApprox,
    Squareplus,
};

/// One elementwise function with its parameter.
#[derive(Debug, Clone, Copy)]
pub enum Func {
    Relu(Relu),
    LeakyRelu(LeakyRelu),
    Gelu(Gelu),
    GeluTanh(GeluTanh),
    Silu(Silu),
    Softplus(Softplus),
    SoftplusApprox(SoftplusApprox),
    Elu(Elu),
    SRelu(SRelu),
    Mish(Mish),
    Squareplus(Squareplus),
}

/// Runs `$body` with `$r` bound to the concrete function inside `$f`.
#[macro_export]
macro_rules! with_func {
    ($f:expr, |$r:ident| $body:expr) => {
        match $f {
            $crate::support::Func::Relu($r) => $body,
            $crate::support::Func::LeakyRelu($r) => $body,
            $crate::support::Func::Gelu($r) => $body,
            $crate::support::Func::GeluTanh($r) => $body,
            $crate::support::Func::Silu($r) => $body,
            $crate::support::Func::Softplus($r) => $body,
            $crate::support::Func::SoftplusApprox($r) => $body,
            $crate::support::Func::Elu($r) => $body,
            $crate::support::Func::SRelu($r) => $body,
            $crate::support::Func::Mish($r) => $body,
            $crate::support::Func::Squareplus($r) => $body,
        }
    };
}

impl Func {
    /// The function named as in the reference files, with its parameter (`None` where it
    /// has none).
    pub fn parse(name: &str, param: Option<f64>) -> Func {
        let p = || param.unwrap_or_else(|| panic!("{name} needs a parameter"));
        match name {
            "relu" => Func::Relu(Relu),
            "leaky_relu" => Func::LeakyRelu(LeakyRelu::new(p()).unwrap()),
            "gelu" => Func::Gelu(Gelu),
            "gelu_tanh" => Func::GeluTanh(GeluTanh),
            "silu" => Func::Silu(Silu),
            "softplus" => Func::Softplus(Softplus::new(p()).unwrap()),
            "softplus_approx" => Func::SoftplusApprox(SoftplusApprox),
            "elu" => Func::Elu(Elu::new(p()).unwrap()),
            "srelu" => Func::SRelu(SRelu::new(p()).unwrap()),
            "mish" => Func::Mish(Mish),
            "squareplus" => Func::Squareplus(Squareplus::new(p()).unwrap()),
            other => panic!("unknown function {other}"),
        }
    }

    /// Every function, with its default parameter and the other values the accuracy
    /// contract covers.
    pub fn all() -> Vec<Func> {
        let mut v = vec![
            Func::Relu(Relu),
            Func::LeakyRelu(LeakyRelu::default()),
            Func::LeakyRelu(LeakyRelu::new(0.2).unwrap()),
            Func::Gelu(Gelu),
            Func::GeluTanh(GeluTanh),
            Func::Silu(Silu),
            Func::SoftplusApprox(SoftplusApprox),
            Func::SRelu(SRelu::default()),
            Func::SRelu(SRelu::new(0.5).unwrap()),
            Func::Mish(Mish),
        ];
        v.extend([1.0, 10.0, 0.5].map(|k| Func::Softplus(Softplus::new(k).unwrap())));
        v.extend([1.0, 0.5].map(|a| Func::Elu(Elu::new(a).unwrap())));
        v.extend([4.0, 1.0, 0.0].map(|b| Func::Squareplus(Squareplus::new(b).unwrap())));
        v
    }

    pub fn name(&self) -> String {
        let param = match self {
            Func::LeakyRelu(r) => format!("({})", r.slope()),
            Func::Softplus(r) => format!("(k={})", r.k()),
            Func::Elu(r) => format!("(alpha={})", r.alpha()),
            Func::SRelu(r) => format!("(a={})", r.a()),
            Func::Squareplus(r) => format!("(b={})", r.b()),
            _ => String::new(),
        };
        with_func!(self, |r| format!("{}{param}", name_of(r)))
    }

    pub fn f64(&self, x: f64) -> f64 {
        with_func!(self, |r| r.forward_f64(x))
    }
    pub fn d64(&self, x: f64) -> f64 {
        with_func!(self, |r| r.derivative_f64(x))
    }
    pub fn f32(&self, x: f32) -> f32 {
        with_func!(self, |r| r.forward_f32(x))
    }
    pub fn d32(&self, x: f32) -> f32 {
        with_func!(self, |r| r.derivative_f32(x))
    }
    /// The zero of the derivative, for the functions whose derivative changes sign: there,
    /// f64 derivatives are held to an absolute bound instead of ULPs.
    pub fn derivative_root(&self) -> Option<f64> {
        match self {
            Func::Silu(_) => Some(-1.278_464_542_761_074),
            Func::Gelu(_) => Some(-0.751_791_524_693_564_5),
            Func::GeluTanh(_) => Some(-0.752_237_694_427_2),
            Func::Mish(_) => Some(-1.192_4),
            _ => None,
        }
    }
}

fn name_of<R: Rectifier>(_: &R) -> &'static str {
    R::NAME
}

/// The spacing of f64 values at `|r|` (the gap above it).
pub fn ulp64(r: f64) -> f64 {
    let a = r.abs();
    if a == 0.0 {
        f64::from_bits(1)
    } else {
        a.next_up() - a
    }
}

/// The spacing of f32 values at `|r|`.
pub fn ulp32(r: f32) -> f64 {
    let a = r.abs();
    if a == 0.0 {
        f32::from_bits(1) as f64
    } else {
        (a.next_up() - a) as f64
    }
}

/// ULPs between `got` and the correctly rounded `want` (0 when both are the same NaN class
/// or equal, infinite when only one is NaN or their infinities differ).
pub fn ulps64(got: f64, want: f64) -> f64 {
    if got == want || (got.is_nan() && want.is_nan()) {
        0.0
    } else if !got.is_finite() || !want.is_finite() {
        f64::INFINITY
    } else {
        (got - want).abs() / ulp64(want)
    }
}

/// f32 ULPs between `got` and an exact value `exact` given in f64 (fractional).
pub fn ulps32(got: f32, exact: f64) -> f64 {
    let want = exact as f32;
    if (got as f64) == exact || (got.is_nan() && exact.is_nan()) {
        0.0
    } else if !got.is_finite() || !want.is_finite() {
        if got == want { 0.0 } else { f64::INFINITY }
    } else {
        (got as f64 - exact).abs() / ulp32(want)
    }
}

/// Hex bits of a float, for failure messages a 1-ULP miss can be read from.
pub fn hex64(v: f64) -> String {
    format!("{v:e} ({:#018x})", v.to_bits())
}
pub fn hex32(v: f32) -> String {
    format!("{v:e} ({:#010x})", v.to_bits())
}

/// The f64 edge cases: signed zeros, subnormals, the normal range's ends, infinities, NaN.
pub fn edge_cases_f64() -> Vec<f64> {
    let mut v = vec![
        0.0,
        f64::from_bits(1),
        f64::from_bits((1 << 52) - 1),
        f64::MIN_POSITIVE,
        f64::EPSILON,
        0.5,
        1.0,
        2.0,
        1e-300,
        1e-8,
        30.0,
        700.0,
        710.0,
        745.0,
        1e19,
        1.8e19,
        1e150,
        1.35e154,
        1e300,
        f64::MAX,
        f64::INFINITY,
    ];
    v.extend(v.clone().into_iter().map(|x| -x));
    v.push(f64::NAN);
    v
}

/// The f32 edge cases.
pub fn edge_cases_f32() -> Vec<f32> {
    let mut v = vec![
        0.0,
        f32::from_bits(1),
        f32::from_bits((1 << 23) - 1),
        f32::MIN_POSITIVE,
        f32::EPSILON,
        0.5,
        1.0,
        2.0,
        1e-30,
        10.0,
        88.0,
        89.0,
        103.0,
        104.0,
        1.8e19,
        1.9e19,
        1e30,
        f32::MAX,
        f32::INFINITY,
    ];
    v.extend(v.clone().into_iter().map(|x| -x));
    v.push(f32::NAN);
    v
}
