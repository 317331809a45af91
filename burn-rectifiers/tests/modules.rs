//! The modules: configs and their errors, PRelu training and records, the activation enum.

use burn::module::Module;
use burn::optim::{GradientsParams, SgdConfig};
use burn::store::ModuleRecord;
use burn::tensor::{Device, Tensor};
use burn_rectifiers::nn::{
    Activation, ActivationConfig, EluConfig, LeakyReluConfig, PRelu, PReluConfig, SReluConfig,
    SoftplusConfig, SquareplusConfig,
};

#[test]
fn defaults_follow_the_design() {
    assert_eq!(SquareplusConfig::new().b, 4.0);
    assert_eq!(SoftplusConfig::new().beta, 1.0);
    assert_eq!(SReluConfig::new().a, 1.0);
    assert_eq!(EluConfig::new().alpha, 1.0);
    assert_eq!(LeakyReluConfig::new().negative_slope, 0.01);
    assert!(!burn_rectifiers::nn::Gelu::new().approximate);
    let p = PReluConfig::new();
    assert_eq!((p.num_parameters, p.alpha), (1, 0.25));
}

#[test]
fn invalid_configs_are_errors_naming_the_parameter() {
    let device = Device::default();
    let e = SquareplusConfig::new().with_b(-1.0).try_init().unwrap_err();
    assert_eq!(
        e.to_string(),
        "squareplus: invalid parameter b = -1.0: expected a finite b >= 0"
    );
    assert_eq!(
        SoftplusConfig::new()
            .with_beta(0.0)
            .try_init()
            .unwrap_err()
            .param(),
        "beta"
    );
    assert_eq!(
        SReluConfig::new()
            .with_a(f64::NAN)
            .try_init(&device)
            .unwrap_err()
            .param(),
        "a"
    );
    assert_eq!(
        EluConfig::new()
            .with_alpha(-2.0)
            .try_init()
            .unwrap_err()
            .param(),
        "alpha"
    );
    let e = PReluConfig::new()
        .with_num_parameters(0)
        .try_init(&device)
        .unwrap_err();
    assert_eq!(e.param(), "num_parameters");
    let e = ActivationConfig::from(SoftplusConfig::new().with_beta(-1.0))
        .try_init(&device)
        .unwrap_err();
    assert_eq!(e.param(), "beta");
}

#[test]
#[should_panic(expected = "squareplus: invalid parameter b = -1.0")]
fn init_panics_with_the_same_message() {
    SquareplusConfig::new().with_b(-1.0).init();
}

/// Every config in the enum builds a layer that agrees with the functional API.
#[test]
fn activation_enum_matches_the_functions() {
    let device = Device::default();
    let x = Tensor::<2>::from_floats([[-2.0, -0.5, 0.0, 0.5, 2.0]], &device);
    let cases: Vec<(ActivationConfig, Tensor<2>)> = vec![
        (ActivationConfig::Relu, burn_rectifiers::relu(x.clone())),
        (
            LeakyReluConfig::new().into(),
            burn_rectifiers::leaky_relu(x.clone(), 0.01),
        ),
        (
            PReluConfig::new().into(),
            burn_rectifiers::leaky_relu(x.clone(), 0.25),
        ),
        (ActivationConfig::Gelu, burn_rectifiers::gelu(x.clone())),
        (
            ActivationConfig::GeluApproximate,
            burn_rectifiers::gelu_tanh(x.clone()),
        ),
        (ActivationConfig::Silu, burn_rectifiers::silu(x.clone())),
        (
            SoftplusConfig::new().with_beta(3.0).into(),
            burn_rectifiers::softplus(x.clone(), 3.0),
        ),
        (
            ActivationConfig::SoftplusApprox,
            burn_rectifiers::softplus_approx(x.clone()),
        ),
        (
            EluConfig::new().into(),
            burn_rectifiers::elu(x.clone(), 1.0),
        ),
        (
            SReluConfig::new().into(),
            burn_rectifiers::srelu(x.clone(), 1.0),
        ),
        (ActivationConfig::Mish, burn_rectifiers::mish(x.clone())),
        (
            SquareplusConfig::new().into(),
            burn_rectifiers::squareplus(x.clone(), 4.0),
        ),
    ];
    for (config, want) in cases {
        let got = config.init(&device).forward(x.clone());
        assert_eq!(got.into_data(), want.into_data(), "{config:?}");
    }
    // Config round trip through JSON, as Burn's configs do.
    let json = serde_json::to_string(&ActivationConfig::from(SquareplusConfig::new().with_b(2.0)))
        .unwrap();
    let back: ActivationConfig = serde_json::from_str(&json).unwrap();
    assert!(matches!(back, ActivationConfig::Squareplus(c) if c.b == 2.0));
}

#[test]
fn burn_configs_convert_to_the_same_variant() {
    use burn::nn::activation::ActivationConfig as Burn;
    let c = ActivationConfig::try_from(&Burn::Softplus(
        burn::nn::SoftplusConfig::new().with_beta(2.0),
    ))
    .unwrap();
    assert!(matches!(c, ActivationConfig::Softplus(s) if s.beta == 2.0));
    assert!(matches!(
        ActivationConfig::try_from(&Burn::GeluApproximate).unwrap(),
        ActivationConfig::GeluApproximate
    ));
    assert!(matches!(
        ActivationConfig::try_from(&Burn::Tanh).unwrap(),
        ActivationConfig::Tanh
    ));
}

/// One SGD step on `loss = sum((prelu(x) - target)^2)` moves the slopes toward the ones that
/// produced the target (0.1 and 0.5), from PyTorch's 0.25.
#[test]
fn prelu_training_moves_alpha_toward_the_target() {
    let device = Device::default().autodiff();
    let mut layer: PRelu = PReluConfig::new().with_num_parameters(2).init(&device);
    let x = Tensor::<2>::from_floats([[-1.0, -2.0], [-3.0, 1.0]], &device);
    let target = burn_rectifiers::prelu(x.clone(), Tensor::<1>::from_floats([0.1, 0.5], &device));
    let mut optim = SgdConfig::new().init();
    let mut last = f32::INFINITY;
    for _ in 0..20 {
        let loss = (layer.forward(x.clone()) - target.clone())
            .powf_scalar(2.0)
            .sum();
        let value = loss.clone().into_scalar::<f32>();
        assert!(value <= last, "loss went up: {value} > {last}");
        last = value;
        let grads = GradientsParams::from_grads(loss.backward(), &layer);
        layer = optim.step(0.05, layer, grads);
    }
    let alpha = layer.alpha.val().into_data().try_to_vec::<f32>().unwrap();
    assert!(
        (alpha[0] - 0.1).abs() < 0.01 && (alpha[1] - 0.5).abs() < 0.01,
        "alpha = {alpha:?}"
    );
}

#[test]
fn prelu_record_round_trip() {
    let device = Device::default();
    let layer = PReluConfig::new()
        .with_num_parameters(3)
        .with_alpha(0.3)
        .init(&device);
    // Burn's burnpack format, through bytes as a file would hold them.
    let bytes = layer.clone().into_record().into_bytes().unwrap();
    let fresh: PRelu = PReluConfig::new().with_num_parameters(3).init(&device);
    let loaded = fresh.load_record(ModuleRecord::from_bytes(bytes).unwrap());
    assert_eq!(
        loaded.alpha.val().into_data(),
        layer.alpha.val().into_data()
    );
}

#[test]
fn unit_layers_forward() {
    let device = Device::default();
    let x = Tensor::<1>::from_floats([-1.0, 1.0], &device);
    let y = Activation::Relu(burn_rectifiers::nn::Relu).forward(x);
    assert_eq!(y.into_data().try_to_vec::<f32>().unwrap(), [0.0, 1.0]);
}

/// A learnable SReLU shift moves toward the one that produced the target (a = 2, from 1).
#[test]
fn learnable_srelu_trains_its_shift() {
    let device = Device::default().autodiff();
    let mut layer = SReluConfig::new().with_learnable(true).init(&device);
    let x = Tensor::<1>::from_floats([-3.0, -2.5, -0.2, 1.0], &device);
    let target = burn_rectifiers::srelu(x.clone(), 2.0);
    let mut optim = SgdConfig::new().init();
    for _ in 0..30 {
        let loss = (layer.forward(x.clone()) - target.clone())
            .powf_scalar(2.0)
            .sum();
        let grads = GradientsParams::from_grads(loss.backward(), &layer);
        layer = optim.step(0.1, layer, grads);
    }
    let a = layer.learned.unwrap().val().into_scalar::<f32>();
    assert!((a - 2.0).abs() < 0.01, "a = {a}");
}
