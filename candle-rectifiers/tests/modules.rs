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
        (Activation::from(candle_nn::Activation::Relu), cr::relu(&x)?),
        (Activation::from(candle_nn::Activation::Silu), cr::silu(&x)?),
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
