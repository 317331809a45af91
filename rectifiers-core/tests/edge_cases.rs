//! Edge cases: NaN, infinities, signed zeros, the largest finite values, and the exact values
//! at 0. Limits follow from each function's formula in its file's docs (e.g.
//! `elu(-inf) = -alpha`).

mod support;

use rectifiers_core::Elementwise;
use rectifiers_core::{Elu, LeakyRelu, Rectifier, Relu, Softplus, SoftplusApprox, Squareplus};
use support::{edge_cases_f32, edge_cases_f64, functions, hex64};

#[test]
fn nan_in_nan_out() {
    for f in functions() {
        assert!(f.forward_f64(f64::NAN).is_nan(), "{}", f);
        assert!(f.derivative_f64(f64::NAN).is_nan(), "{}'", f);
        assert!(f.forward_f32(f32::NAN).is_nan(), "{} f32", f);
        assert!(f.derivative_f32(f32::NAN).is_nan(), "{}' f32", f);
    }
}

#[test]
fn finite_in_no_nan_out() {
    for f in functions() {
        for x in edge_cases_f64().into_iter().filter(|x| !x.is_nan()) {
            assert!(!f.forward_f64(x).is_nan(), "{}({})", f, hex64(x));
            assert!(!f.derivative_f64(x).is_nan(), "{}'({})", f, hex64(x));
        }
        for x in edge_cases_f32().into_iter().filter(|x| !x.is_nan()) {
            assert!(!f.forward_f32(x).is_nan(), "{}({x:e}) f32", f);
            assert!(!f.derivative_f32(x).is_nan(), "{}'({x:e}) f32", f);
        }
    }
}

/// `(f(+inf), f(-inf), f'(+inf), f'(-inf))`: the limits of each formula.
fn limits(f: &Elementwise) -> (f64, f64, f64, f64) {
    let inf = f64::INFINITY;
    match f {
        Elementwise::LeakyRelu(r) => (inf, -inf, 1.0, r.slope()),
        Elementwise::Elu(r) => (inf, -r.alpha(), 1.0, 0.0),
        Elementwise::SRelu(r) => (inf, -r.a(), 1.0, 0.0),
        _ => (inf, 0.0, 1.0, 0.0),
    }
}

#[test]
fn infinities() {
    for f in functions() {
        let (fp, fm, dp, dm) = limits(&f);
        let inf = f64::INFINITY;
        assert_eq!(f.forward_f64(inf), fp, "{}(+inf)", f);
        assert_eq!(f.forward_f64(-inf), fm, "{}(-inf)", f);
        assert_eq!(f.derivative_f64(inf), dp, "{}'(+inf)", f);
        assert_eq!(f.derivative_f64(-inf), dm, "{}'(-inf)", f);
        let i32 = f32::INFINITY;
        assert_eq!(f.forward_f32(i32) as f64, fp, "{}(+inf) f32", f);
        assert_eq!(f.forward_f32(-i32), fm as f32, "{}(-inf) f32", f);
        assert_eq!(f.derivative_f32(i32) as f64, dp, "{}'(+inf) f32", f);
        assert_eq!(f.derivative_f32(-i32), dm as f32, "{}'(-inf) f32", f);
    }
}

#[test]
fn largest_finite_does_not_overflow() {
    for f in functions() {
        // Every function is x (or within a few ULP of it) at the top of the range.
        assert_eq!(f.forward_f64(f64::MAX), f64::MAX, "{}", f);
        assert_eq!(f.forward_f32(f32::MAX), f32::MAX, "{} f32", f);
        assert_eq!(f.derivative_f64(f64::MAX), 1.0, "{}'", f);
        assert_eq!(f.derivative_f32(f32::MAX), 1.0, "{}' f32", f);
    }
    // Squareplus at -MAX: b / (4 |x|), no overflow of x^2 or of s - x.
    let sp = Squareplus::new(1e6).unwrap();
    // mpmath: (x + sqrt(x^2 + 1e6))/2 at x = -1.7976931348623157e308: 1.390671161567001e-303
    assert_eq!(sp.forward(-f64::MAX), 1.390_671_161_567_001e-303);
}

#[test]
fn values_at_zero() {
    use std::f64::consts::LN_2;
    for f in functions() {
        for z in [0.0, -0.0] {
            let (y, d) = (f.forward_f64(z), f.derivative_f64(z));
            let (want_y, want_d) = match f {
                Elementwise::Softplus(r) => (LN_2 / r.k(), 0.5),
                Elementwise::SoftplusApprox(_) => (LN_2, 0.5),
                Elementwise::Squareplus(r) => {
                    (r.b().sqrt() / 2.0, if r.b() > 0.0 { 0.5 } else { 0.0 })
                }
                Elementwise::Relu(_) => (0.0, 0.0),
                Elementwise::LeakyRelu(r) => (0.0, r.slope()),
                Elementwise::Elu(r) => (0.0, r.alpha()),
                Elementwise::SRelu(_) => (0.0, 1.0),
                // tanh(ln 2) = 3/5 exactly.
                Elementwise::Mish(_) => (0.0, 0.6),
                Elementwise::Gelu(_) | Elementwise::GeluTanh(_) | Elementwise::Silu(_) => {
                    (0.0, 0.5)
                }
            };
            assert_eq!(y, want_y, "{}({z})", f);
            assert_eq!(d, want_d, "{}'({z})", f);
            assert_eq!(f.forward_f32(z as f32), want_y as f32, "{}({z}) f32", f);
            assert_eq!(f.derivative_f32(z as f32), want_d as f32, "{}'({z}) f32", f);
        }
    }
}

#[test]
fn relu_of_negative_zero_is_positive_zero() {
    assert_eq!(Relu.forward(-0.0_f64).to_bits(), 0.0_f64.to_bits());
    assert_eq!(Relu.forward(-0.0_f32).to_bits(), 0.0_f32.to_bits());
}

#[test]
fn kinks_take_the_left_value() {
    let leaky = LeakyRelu::new(0.2).unwrap();
    assert_eq!(leaky.derivative(0.0_f64), 0.2);
    assert_eq!(Relu.derivative(0.0_f32), 0.0);
    let srelu = rectifiers_core::SRelu::new(1.0).unwrap();
    assert_eq!(srelu.derivative(-1.0_f64), 0.0);
    assert_eq!(srelu.derivative(-0.999_f64), 1.0);
    assert_eq!(Elu::default().derivative(0.0_f64), 1.0);
}

#[test]
fn squareplus_with_b_zero_is_relu() {
    let sp = Squareplus::new(0.0).unwrap();
    for x in edge_cases_f64() {
        let (a, b) = (sp.forward(x), Relu.forward(x));
        assert!(a == b || a.is_nan() && b.is_nan(), "{x:e}: {a:e} vs {b:e}");
        let (a, b) = (sp.derivative(x), Relu.derivative(x));
        assert!(
            a == b || a.is_nan() && b.is_nan(),
            "d {x:e}: {a:e} vs {b:e}"
        );
    }
}

#[test]
fn softplus_sharp_k_keeps_the_left_tail() {
    // PyTorch's f32 softplus(beta=10) at x = -7.06 is 60 ULP off; mpmath:
    // log1p(exp(10*x))/10 for x = f32(-7.06) = -7.059999942779541: 2.1817743221945138e-32,
    // 2.1817744e-32 rounded to f32.
    let sp = Softplus::new(10.0).unwrap();
    let y: f32 = sp.forward(-7.06_f32);
    assert_eq!(y, 2.181_774_4e-32);
}

#[test]
fn softplus_approx_is_exact_at_zero_and_subnormals() {
    let f = SoftplusApprox;
    assert_eq!(f.forward(0.0_f64), std::f64::consts::LN_2);
    assert_eq!(f.forward(f64::from_bits(1)), std::f64::consts::LN_2);
    assert_eq!(f.derivative(f64::from_bits(1)), 0.5);
    assert_eq!(f.forward(-0.0_f32), std::f32::consts::LN_2);
}
