//! Invalid parameters are rejected when built, with an error naming the parameter.

use rectifiers_core::{Elu, LeakyRelu, ParamError, SRelu, Softplus, Squareplus};

fn assert_rejects(result: Result<impl std::fmt::Debug, ParamError>, param: &str, value: &str) {
    let err = result.expect_err("accepted an invalid parameter");
    assert_eq!(err.param(), param);
    let msg = err.to_string();
    assert!(msg.contains(&format!("{param} = {value}")), "{msg}");
}

#[test]
fn squareplus_b() {
    assert_rejects(Squareplus::new(-1.0), "b", "-1");
    assert_rejects(Squareplus::new(f64::NAN), "b", "NaN");
    assert_rejects(Squareplus::new(f64::INFINITY), "b", "inf");
    assert_eq!(Squareplus::new(0.0).unwrap().b(), 0.0);
    assert_eq!(Squareplus::default().b(), 4.0);
    assert_eq!(
        Squareplus::new(-1.0).unwrap_err().to_string(),
        "squareplus: invalid parameter b = -1.0: expected a finite b >= 0"
    );
}

#[test]
fn softplus_k() {
    assert_rejects(Softplus::new(0.0), "k", "0");
    assert_rejects(Softplus::new(-2.0), "k", "-2");
    assert_rejects(Softplus::new(f64::NAN), "k", "NaN");
    assert_rejects(Softplus::new(f64::INFINITY), "k", "inf");
    assert_eq!(Softplus::default().k(), 1.0);
    assert_eq!(
        Softplus::new(f64::MIN_POSITIVE).unwrap().k(),
        f64::MIN_POSITIVE
    );
}

#[test]
fn elu_alpha() {
    assert_rejects(Elu::new(-0.5), "alpha", "-0.5");
    assert_rejects(Elu::new(f64::NEG_INFINITY), "alpha", "-inf");
    assert_eq!(Elu::new(0.0).unwrap().alpha(), 0.0);
    assert_eq!(Elu::default().alpha(), 1.0);
}

#[test]
fn srelu_a() {
    assert_rejects(SRelu::new(-1e-300), "a", "-1e-300");
    assert_rejects(SRelu::new(f64::NAN), "a", "NaN");
    assert_eq!(SRelu::default().a(), 1.0);
}

#[test]
fn leaky_relu_slope() {
    assert_rejects(LeakyRelu::new(f64::NAN), "negative_slope", "NaN");
    assert_rejects(LeakyRelu::new(f64::INFINITY), "negative_slope", "inf");
    // Any finite slope is allowed, negative too.
    assert_eq!(LeakyRelu::new(-0.5).unwrap().slope(), -0.5);
    assert_eq!(LeakyRelu::default().slope(), 0.01);
}

#[test]
fn error_is_a_std_error() {
    let err: Box<dyn std::error::Error> = Box::new(Softplus::new(0.0).unwrap_err());
    assert_eq!(
        err.to_string(),
        "softplus: invalid parameter k = 0.0: expected a finite k > 0"
    );
}
