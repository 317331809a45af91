//! Test support: the functions checked, ULP measures, edge cases.
#![allow(dead_code)]

use rectifiers_core::{Elementwise, ElementwiseKind, Elu, LeakyRelu, Softplus, Squareplus};

/// Every function, with its default parameter and the other values the accuracy contract
/// covers.
pub fn functions() -> Vec<Elementwise> {
    let mut v: Vec<Elementwise> = ElementwiseKind::ALL
        .iter()
        .map(|k| k.with_default())
        .collect();
    v.push(LeakyRelu::new(0.2).unwrap().into());
    v.push(rectifiers_core::SRelu::new(0.5).unwrap().into());
    v.extend([10.0, 0.5].map(|k| Elementwise::from(Softplus::new(k).unwrap())));
    v.push(Elu::new(0.5).unwrap().into());
    v.extend([1.0, 0.0].map(|b| Elementwise::from(Squareplus::new(b).unwrap())));
    v
}

/// The function named as in the reference files, with its parameter (`None` where it has
/// none).
pub fn parse(name: &str, param: Option<f64>) -> Elementwise {
    let kind: ElementwiseKind = name.parse().unwrap();
    match param {
        Some(p) => kind.with_param(p).unwrap(),
        None => {
            assert!(kind.param().is_none(), "{name} needs a parameter");
            kind.with_default()
        }
    }
}

/// The zero of the derivative, for the functions whose derivative changes sign: there, f64
/// derivatives are held to an absolute bound instead of ULPs.
pub fn derivative_root(f: &Elementwise) -> Option<f64> {
    match f {
        Elementwise::Silu(_) => Some(-1.278_464_542_761_074),
        Elementwise::Gelu(_) => Some(-0.751_791_524_693_564_5),
        Elementwise::GeluTanh(_) => Some(-0.752_237_694_427_2),
        Elementwise::Mish(_) => Some(-1.192_4),
        _ => None,
    }
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
