//! Modules and the `Activation` enum: defaults, validation, config names, and that each runs
//! the functional op.

mod common;

use candle_core::{DType, Device, Module, Result, Tensor};
use candle_rectifiers as cr;
use candle_rectifiers::modules::{self, Activation};
use common::*;

fn x(dev: &Device) -> Result<Tensor> {
    tensor(&inputs(300), DType::F32, dev)
}

fn modules_run_the_functional_ops(dev: &Device) -> Result<()> {
    let x = x(dev)?;
    let same = |a: Tensor, b: Tensor, what: &str| {
        assert_same(
            &a.to_device(&Device::Cpu)?,
            &b.to_device(&Device::Cpu)?,
            what,
        )
    };
    same(
        modules::Squareplus::default().forward(&x)?,
        cr::squareplus(&x, 4.0)?,
        "squareplus",
    )?;
    same(
        modules::Softplus::default().forward(&x)?,
        cr::softplus(&x, 1.0)?,
        "softplus",
    )?;
    same(
        modules::SRelu::default().forward(&x)?,
        cr::srelu(&x, 1.0)?,
        "srelu",
    )?;
    same(
        modules::Elu::default().forward(&x)?,
        cr::elu(&x, 1.0)?,
        "elu",
    )?;
    same(
        modules::LeakyRelu::default().forward(&x)?,
        cr::leaky_relu(&x, 0.01)?,
        "leaky",
    )?;
    same(modules::Gelu::default().forward(&x)?, cr::gelu(&x)?, "gelu")?;
    same(
        modules::Gelu { approximate: true }.forward(&x)?,
        cr::gelu_tanh(&x)?,
        "gelu tanh",
    )?;
    same(modules::Silu.forward(&x)?, cr::silu(&x)?, "silu")?;
    same(modules::Mish.forward(&x)?, cr::mish(&x)?, "mish")?;
    same(modules::Relu.forward(&x)?, cr::relu(&x)?, "relu")?;
    same(
        modules::SoftplusApprox.forward(&x)?,
        cr::softplus_approx(&x)?,
        "softplus_approx",
    )?;
    let x2 = x.reshape((20, 15))?;
    same(
        modules::Lse0Plus.forward(&x2)?,
        cr::lse0_plus_keepdim(&x2, 1)?,
        "lse0+",
    )?;
    Ok(())
}
test_device!(modules_run_the_functional_ops, modules_cpu, modules_cuda);

#[test]
fn defaults_and_validation() {
    assert_eq!(modules::Squareplus::default().b(), 4.0);
    assert_eq!(modules::Softplus::default().k(), 1.0);
    assert_eq!(modules::SRelu::default().a(), 1.0);
    assert_eq!(modules::Elu::default().alpha(), 1.0);
    assert_eq!(modules::LeakyRelu::default().negative_slope(), 0.01);
    let err = modules::Squareplus::new(-1.0).unwrap_err().to_string();
    assert!(err.contains("invalid parameter b = -1"), "{err}");
    assert!(
        modules::Softplus::new(0.0)
            .unwrap_err()
            .to_string()
            .contains("k = 0")
    );
    assert!(modules::SRelu::new(f64::NAN).is_err());
    assert!(modules::Elu::new(-1.0).is_err());
    assert!(modules::LeakyRelu::new(f64::INFINITY).is_err());
}

#[test]
fn config_names() {
    let parse = |s: &str| serde_json::from_str::<Activation>(s);
    // candle-nn's names, as model configs write them.
    assert_eq!(parse(r#""gelu""#).unwrap(), Activation::Gelu);
    assert_eq!(parse(r#""gelu_new""#).unwrap(), Activation::NewGelu);
    assert_eq!(
        parse(r#""gelu_pytorch_tanh""#).unwrap(),
        Activation::GeluPytorchTanh
    );
    assert_eq!(parse(r#""silu""#).unwrap(), Activation::Silu);
    assert_eq!(parse(r#""relu6""#).unwrap(), Activation::Relu6);
    assert_eq!(parse(r#"{"elu": 0.5}"#).unwrap(), Activation::Elu(0.5));
    assert_eq!(
        parse(r#"{"leakyrelu": 0.2}"#).unwrap(),
        Activation::LeakyRelu(0.2)
    );
    // Ours, with and without parameters.
    assert_eq!(
        parse(r#""squareplus""#).unwrap(),
        Activation::Squareplus(4.0)
    );
    assert_eq!(
        parse(r#"{"squareplus": 1.0}"#).unwrap(),
        Activation::Squareplus(1.0)
    );
    assert_eq!(parse(r#""srelu""#).unwrap(), Activation::SRelu(1.0));
    assert_eq!(
        parse(r#"{"softplus": 10.0}"#).unwrap(),
        Activation::Softplus(10.0)
    );
    assert_eq!(
        parse(r#""softplus_approx""#).unwrap(),
        Activation::SoftplusApprox
    );
    assert_eq!(parse(r#""lse0_plus""#).unwrap(), Activation::Lse0Plus);
    // Errors name the problem.
    let err = parse(r#"{"squareplus": -1.0}"#).unwrap_err().to_string();
    assert!(err.contains("invalid parameter b = -1"), "{err}");
    let err = parse(r#""swishy""#).unwrap_err().to_string();
    assert!(err.contains("unknown activation `swishy`"), "{err}");
    let err = parse(r#"{"relu": 1.0}"#).unwrap_err().to_string();
    assert!(err.contains("takes no parameter"), "{err}");
    // Serialisation round-trips.
    for a in [
        Activation::Squareplus(2.0),
        Activation::SRelu(0.5),
        Activation::Gelu,
        Activation::NewGelu,
    ] {
        assert_eq!(parse(&serde_json::to_string(&a).unwrap()).unwrap(), a);
    }
}

fn activation_enum_runs_fused_ops(dev: &Device) -> Result<()> {
    let x = x(dev)?;
    let cases: [(Activation, Tensor); 6] = [
        (Activation::Squareplus(4.0), cr::squareplus(&x, 4.0)?),
        (Activation::Gelu, cr::gelu(&x)?),
        (Activation::GeluPytorchTanh, cr::gelu_tanh(&x)?),
        (Activation::Elu(0.5), cr::elu(&x, 0.5)?),
        (
            Activation::try_from(candle_nn::Activation::Relu)?,
            cr::relu(&x)?,
        ),
        (
            Activation::try_from(candle_nn::Activation::Silu)?,
            cr::silu(&x)?,
        ),
    ];
    for (act, want) in cases {
        let got = act.forward(&x)?;
        assert_same(
            &got.to_device(&Device::Cpu)?,
            &want.to_device(&Device::Cpu)?,
            &format!("{act:?}"),
        )?;
    }
    // Those without a fused op defer to candle-nn.
    let got = Activation::Relu6.forward(&x)?;
    let want = candle_nn::Activation::Relu6.forward(&x)?;
    assert_same(
        &got.to_device(&Device::Cpu)?,
        &want.to_device(&Device::Cpu)?,
        "relu6",
    )?;
    Ok(())
}
test_device!(
    activation_enum_runs_fused_ops,
    activation_cpu,
    activation_cuda
);

/// Every `candle_nn::Activation` variant once, with the name candle-nn's serde reads and that
/// ours writes. `index` is an exhaustive match, so a variant added to candle-nn fails to
/// compile here until it is listed.
fn candle_nn_variants() -> Vec<(candle_nn::Activation, &'static str)> {
    use candle_nn::Activation as Nn;
    fn index(a: Nn) -> usize {
        match a {
            Nn::Gelu => 0,
            Nn::NewGelu => 1,
            Nn::GeluPytorchTanh => 2,
            Nn::Relu => 3,
            Nn::Relu2 => 4,
            Nn::Relu6 => 5,
            Nn::Silu => 6,
            Nn::Swish => 7,
            Nn::Sigmoid => 8,
            Nn::HardSigmoid => 9,
            Nn::Swiglu => 10,
            Nn::HardSwish => 11,
            Nn::Mish => 12,
            Nn::Elu(_) => 13,
            Nn::LeakyRelu(_) => 14,
        }
    }
    let all = vec![
        (Nn::Gelu, r#""gelu""#),
        (Nn::NewGelu, r#""gelu_new""#),
        (Nn::GeluPytorchTanh, r#""gelu_pytorch_tanh""#),
        (Nn::Relu, r#""relu""#),
        (Nn::Relu2, r#""relu2""#),
        (Nn::Relu6, r#""relu6""#),
        (Nn::Silu, r#""silu""#),
        (Nn::Swish, r#""swish""#),
        (Nn::Sigmoid, r#""sigmoid""#),
        (Nn::HardSigmoid, r#""hardsigmoid""#),
        (Nn::Swiglu, r#""swiglu""#),
        (Nn::HardSwish, r#""hardswish""#),
        (Nn::Mish, r#""mish""#),
        (Nn::Elu(0.5), r#"{"elu":0.5}"#),
        (Nn::LeakyRelu(0.2), r#"{"leakyrelu":0.2}"#),
    ];
    let indices: Vec<usize> = all.iter().map(|&(a, _)| index(a)).collect();
    assert_eq!(indices, (0..15).collect::<Vec<_>>(), "each variant once");
    all
}

#[test]
fn candle_nn_reads_what_we_write() {
    for (nn, json) in candle_nn_variants() {
        let ours = Activation::try_from(nn).unwrap();
        let written = serde_json::to_string(&ours).unwrap();
        assert_eq!(written, json, "{nn:?}");
        let back: candle_nn::Activation = serde_json::from_str(&written).unwrap();
        assert_eq!(back, nn, "{written}");
        // And ours reads it back too.
        assert_eq!(serde_json::from_str::<Activation>(&written).unwrap(), ours);
    }
}

#[test]
fn every_variant_round_trips_through_our_serde() {
    let all = [
        (Activation::Gelu, r#""gelu""#),
        (Activation::NewGelu, r#""gelu_new""#),
        (Activation::GeluPytorchTanh, r#""gelu_pytorch_tanh""#),
        (Activation::Relu, r#""relu""#),
        (Activation::Relu2, r#""relu2""#),
        (Activation::Relu6, r#""relu6""#),
        (Activation::Silu, r#""silu""#),
        (Activation::Swish, r#""swish""#),
        (Activation::Sigmoid, r#""sigmoid""#),
        (Activation::HardSigmoid, r#""hardsigmoid""#),
        (Activation::Swiglu, r#""swiglu""#),
        (Activation::HardSwish, r#""hardswish""#),
        (Activation::Mish, r#""mish""#),
        (Activation::Elu(0.5), r#"{"elu":0.5}"#),
        (Activation::LeakyRelu(-0.1), r#"{"leakyrelu":-0.1}"#),
        (Activation::Squareplus(2.0), r#"{"squareplus":2.0}"#),
        (Activation::SRelu(0.5), r#"{"srelu":0.5}"#),
        (Activation::Softplus(10.0), r#"{"softplus":10.0}"#),
        (Activation::SoftplusApprox, r#""softplus_approx""#),
        (Activation::Lse0Plus, r#""lse0_plus""#),
        (Activation::Geglu, r#""geglu""#),
        (Activation::GegluTanh, r#""geglu_tanh""#),
        (Activation::Reglu, r#""reglu""#),
        (Activation::LeakyReluGlu(0.2), r#"{"leaky_relu_glu":0.2}"#),
        (Activation::SoftplusGlu(10.0), r#"{"softplus_glu":10.0}"#),
        (Activation::SoftplusApproxGlu, r#""softplus_approx_glu""#),
        (Activation::EluGlu(0.5), r#"{"elu_glu":0.5}"#),
        (Activation::SReluGlu(0.5), r#"{"srelu_glu":0.5}"#),
        (Activation::MishGlu, r#""mish_glu""#),
        (Activation::SquareplusGlu(4.0), r#"{"squareplus_glu":4.0}"#),
    ];
    for (act, json) in all {
        let written = serde_json::to_string(&act).unwrap();
        assert_eq!(written, json, "{act:?}");
        assert_eq!(serde_json::from_str::<Activation>(&written).unwrap(), act);
    }
    // The names written before candle-nn compatibility still read.
    for (old, act) in [
        (r#""new_gelu""#, Activation::NewGelu),
        (r#""hard_sigmoid""#, Activation::HardSigmoid),
        (r#""hard_swish""#, Activation::HardSwish),
        (r#"{"leaky_relu":0.01}"#, Activation::LeakyRelu(0.01)),
    ] {
        assert_eq!(serde_json::from_str::<Activation>(old).unwrap(), act);
    }
}

#[test]
fn try_from_candle_nn_validates_the_parameter() -> Result<()> {
    use candle_nn::Activation as Nn;
    assert_eq!(Activation::try_from(Nn::Elu(0.5))?, Activation::Elu(0.5));
    assert_eq!(
        Activation::try_from(Nn::LeakyRelu(0.2))?,
        Activation::LeakyRelu(0.2)
    );
    assert_eq!(Activation::try_from(Nn::NewGelu)?, Activation::NewGelu);
    let err = Activation::try_from(Nn::Elu(f64::NAN))
        .unwrap_err()
        .to_string();
    assert!(err.contains("invalid parameter alpha = NaN"), "{err}");
    let err = Activation::try_from(Nn::Elu(-0.5)).unwrap_err().to_string();
    assert!(err.contains("invalid parameter alpha = -0.5"), "{err}");
    let err = Activation::try_from(Nn::LeakyRelu(f64::NAN))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("invalid parameter negative_slope = NaN"),
        "{err}"
    );
    Ok(())
}
