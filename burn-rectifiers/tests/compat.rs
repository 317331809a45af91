//! Drop-in compatibility with burn-nn and PyTorch: configs written by burn-nn load into ours,
//! a record of `burn::nn::PRelu` loads into our `PRelu`, and PyTorch's `nn.PReLU` weights load
//! through `burn::store::PytorchStore`.

use burn::module::{Module, Param};
use burn::nn as bnn;
use burn::nn::activation::ActivationConfig as BurnConfig;
use burn::store::{ModuleRecord, ModuleSnapshot, PytorchStore};
use burn::tensor::{Device, Tensor};
use burn_rectifiers::nn::{Activation, ActivationConfig, PRelu, PReluConfig};

/// Every variant of burn-nn 0.22.1's `ActivationConfig`, with non-default parameters.
fn burn_configs() -> Vec<BurnConfig> {
    vec![
        BurnConfig::Identity,
        BurnConfig::Gelu,
        BurnConfig::GeluApproximate,
        bnn::PReluConfig::new()
            .with_num_parameters(3)
            .with_alpha(0.125)
            .into(),
        BurnConfig::Relu,
        bnn::LeakyReluConfig::new().with_negative_slope(0.2).into(),
        bnn::SwiGluConfig::new(4, 6).with_bias(true).into(),
        BurnConfig::Selu,
        BurnConfig::Sigmoid,
        BurnConfig::Tanh,
        bnn::HardSigmoidConfig::new().with_alpha(0.3).into(),
        BurnConfig::HardSwish,
        bnn::SoftplusConfig::new().with_beta(2.0).into(),
        BurnConfig::Softsign,
        bnn::EluConfig::new().with_alpha(0.5).into(),
        bnn::CeluConfig::new().with_alpha(0.5).into(),
        bnn::ThresholdedReluConfig::new().with_alpha(0.5).into(),
        bnn::HardShrinkConfig::new().with_lambda(0.25).into(),
        bnn::SoftShrinkConfig::new().with_lambda(0.25).into(),
        bnn::ShrinkConfig::new().with_lambda(0.25).into(),
    ]
}

/// The JSON burn-nn writes loads into ours as the variant of the same name with the same
/// parameters (the conversion gives the same config), and ours round-trips. Ours is not read
/// back by burn-nn where it lacks a field burn-nn requires: Softplus's `threshold`.
#[test]
fn every_burn_nn_config_loads_unchanged() {
    let configs = burn_configs();
    assert_eq!(configs.len(), 20, "burn-nn 0.22.1 has 20 variants");
    for burn in configs {
        let json = serde_json::to_string(&burn).unwrap();
        let ours: ActivationConfig = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{json} does not load into ours: {e}"));
        let converted = ActivationConfig::try_from(&burn).unwrap();
        assert_eq!(format!("{converted:?}"), format!("{ours:?}"), "{json}");
        let again: ActivationConfig =
            serde_json::from_str(&serde_json::to_string(&ours).unwrap()).unwrap();
        assert_eq!(format!("{again:?}"), format!("{ours:?}"), "{json}");
        // The variant is Burn's, by name.
        let name = |j: &str| {
            j.trim_start_matches(['{', '"'])
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        };
        assert_eq!(name(&serde_json::to_string(&ours).unwrap()), name(&json));
    }
}

/// Burn's names load as the fused functions (the variant is the layer that runs).
#[test]
fn burn_names_select_our_fused_layers() {
    let device = Device::default();
    for (json, matches) in [
        (r#""Gelu""#, "Gelu(Gelu { approximate: false })"),
        (r#""GeluApproximate""#, "Gelu(Gelu { approximate: true })"),
        (r#""Relu""#, "Relu(Relu)"),
        (
            r#"{"Softplus":{"beta":2.0,"threshold":20.0}}"#,
            "Softplus(Softplus { beta: 2.0 })",
        ),
        (
            r#"{"LeakyRelu":{"negative_slope":0.2}}"#,
            "LeakyRelu(LeakyRelu { negative_slope: 0.2 })",
        ),
        (r#"{"Elu":{"alpha":0.5}}"#, "Elu(Elu { alpha: 0.5 })"),
    ] {
        let config: ActivationConfig = serde_json::from_str(json).unwrap();
        let layer = config.init(&device);
        let debug = format!("{layer:?}");
        assert!(debug.starts_with(matches), "{json}: {debug}");
    }
}

/// The pass-through variants are Burn's own modules: the same values as Burn's wrapper.
#[test]
fn burn_only_variants_run_burns_modules() {
    let device = Device::default();
    let x = Tensor::<2>::from_floats([[-2.0, -0.5, 0.0, 0.3, 1.0, 3.0]], &device);
    for burn in burn_configs() {
        if matches!(burn, BurnConfig::SwiGlu(_) | BurnConfig::PRelu(_)) {
            continue; // random weights / ours (checked below and in tests/modules.rs)
        }
        let ours = ActivationConfig::try_from(&burn).unwrap().init(&device);
        if !matches!(
            ours,
            Activation::Identity(_)
                | Activation::Selu(_)
                | Activation::Sigmoid(_)
                | Activation::Tanh(_)
                | Activation::HardSigmoid(_)
                | Activation::HardSwish(_)
                | Activation::Softsign(_)
                | Activation::Celu(_)
                | Activation::ThresholdedRelu(_)
                | Activation::HardShrink(_)
                | Activation::SoftShrink(_)
                | Activation::Shrink(_)
        ) {
            continue;
        }
        let want = burn.init(&device).forward(x.clone()).into_data();
        assert_eq!(ours.forward(x.clone()).into_data(), want, "{burn:?}");
    }
}

/// A config's Softplus `beta` is validated with Burn's name.
#[test]
fn softplus_beta_is_checked_by_its_name() {
    let config: ActivationConfig = serde_json::from_str(r#"{"Softplus":{"beta":0.0}}"#).unwrap();
    let e = config.try_init(&Device::default()).unwrap_err();
    assert_eq!(e.param(), "beta");
    assert_eq!(
        e.to_string(),
        "softplus: invalid parameter beta = 0.0: expected a finite beta > 0"
    );
}

fn values(t: Tensor<1>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().unwrap()
}

/// A record saved from `burn::nn::PRelu` loads into ours (the same fields, `alpha` and
/// `alpha_value`), and ours into Burn's.
#[test]
fn prelu_record_of_burn_nn_loads() {
    let device = Device::default();
    let mut burn = bnn::PReluConfig::new()
        .with_num_parameters(3)
        .with_alpha(0.3)
        .init(&device);
    burn.alpha = Param::from_tensor(Tensor::from_floats([0.125, -0.5, 2.0], &device));
    let bytes = burn.clone().into_record().into_bytes().unwrap();
    let ours: PRelu = PReluConfig::new().with_num_parameters(3).init(&device);
    let ours = ours.load_record(ModuleRecord::from_bytes(bytes).unwrap());
    assert_eq!(values(ours.alpha.val()), [0.125, -0.5, 2.0]);

    let bytes = ours.into_record().into_bytes().unwrap();
    let burn = bnn::PReluConfig::new()
        .with_num_parameters(3)
        .init(&device)
        .load_record(ModuleRecord::from_bytes(bytes).unwrap());
    assert_eq!(values(burn.alpha.val()), [0.125, -0.5, 2.0]);
}

#[derive(Module, Debug)]
struct Net {
    act: PRelu,
}

/// PyTorch's `nn.PReLU(3)` state dict (`tests/data/prelu.pt`, made by `make_prelu_pt.py`) loads
/// through `PytorchStore` with `act.weight` remapped to `act.alpha`; the forward is PyTorch's.
#[test]
fn pytorch_prelu_weights_load_through_pytorch_store() {
    let device = Device::default();
    let mut net = Net {
        act: PReluConfig::new().with_num_parameters(3).init(&device),
    };
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/prelu.pt");
    let mut store = PytorchStore::from_file(path).with_key_remapping(r"^act\.weight$", "act.alpha");
    let result = net.load_from(&mut store).unwrap();
    assert!(result.errors.is_empty(), "{result:?}");
    assert_eq!(values(net.act.alpha.val()), [0.125, -0.5, 2.0]);

    let x = Tensor::<3>::from_floats([[[-2.0, 3.0], [-1.0, -4.0], [0.5, -0.25]]], &device);
    // PyTorch 2.15: `net(x).tolist()` printed by make_prelu_pt.py.
    let want = [-0.25, 3.0, 0.5, 2.0, 0.5, -0.5];
    let got = net.act.forward(x).into_data().try_to_vec::<f32>().unwrap();
    assert_eq!(got, want);
}
