//! Demo: the vanishing gradient. A deep MLP (15 hidden layers of 32) on the UCI digits with
//! sigmoid and tanh against the rectifiers: the gradient norm of each layer's weights at
//! initialisation and after training, and the accuracy reached.
//!
//! ```text
//! cargo run --release -p rectifiers-examples --bin deep [-- --epochs N]
//! ```

use burn::tensor::Device;
use burn_rectifiers::nn::{
    ActivationConfig, EluConfig, LeakyReluConfig, PReluConfig, SoftplusConfig, SquareplusConfig,
};
use indicatif::ProgressBar;
use rectifiers_examples::digits;
use rectifiers_examples::train::{Optim, RunConfig, fit, gradient_norms, initial_model};

/// The layers whose gradient norms are printed (1-based, first to last hidden layer).
const SHOWN: [usize; 5] = [1, 4, 8, 12, 15];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let epochs = match args.iter().position(|a| a == "--epochs") {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .expect("usage: deep [--epochs N]"),
        None => 30,
    };
    let device = Device::from(burn::backend::FlexDevice);
    let (train_set, test_set) = digits::load(7, 0.2);
    let cfg = RunConfig {
        hidden: vec![32; 15],
        epochs,
        batch: 64,
        lr: 0.03,
        optim: Optim::Sgd,
        seed: 11,
        he_init: true,
    };
    println!(
        "MLP 64-(32 x 15)-10, He-normal init, SGD lr {}, batch {}, {} epochs",
        cfg.lr, cfg.batch, cfg.epochs
    );
    let runs: Vec<(&str, ActivationConfig)> = vec![
        ("sigmoid", ActivationConfig::Sigmoid),
        ("tanh", ActivationConfig::Tanh),
        ("ReLU", ActivationConfig::Relu),
        ("Leaky ReLU", LeakyReluConfig::new().into()),
        ("PReLU", PReluConfig::new().into()),
        ("GELU", ActivationConfig::Gelu),
        ("SiLU", ActivationConfig::Silu),
        ("Softplus", SoftplusConfig::new().into()),
        ("ELU", EluConfig::new().into()),
        ("Mish", ActivationConfig::Mish),
        ("Squareplus", SquareplusConfig::new().into()),
    ];

    let progress = ProgressBar::new((runs.len() * cfg.epochs) as u64);
    let mut rows = Vec::new();
    for (name, act) in &runs {
        let before = gradient_norms(&initial_model(act, &cfg, &device), &train_set, &device);
        let (model, result) = fit(name, act, (&train_set, &test_set), &cfg, &device, &progress);
        let after = gradient_norms(&model, &train_set, &device);
        rows.push((name, before, after, result.test_accuracy));
    }
    progress.finish_and_clear();
    let layers: Vec<String> = SHOWN.iter().map(|l| format!("layer {l}")).collect();
    println!("\n|gradient| of each hidden layer's weights, at initialisation / after training:\n");
    println!("| activation | {} | test accuracy |", layers.join(" | "));
    println!("|---|{}---|", "---|".repeat(SHOWN.len()));
    for (name, before, after, acc) in rows {
        let cells: Vec<String> = SHOWN
            .iter()
            .map(|&l| format!("{:.1e} / {:.1e}", before[l - 1], after[l - 1]))
            .collect();
        println!("| {name} | {} | {:.1}% |", cells.join(" | "), 100.0 * acc);
    }
}
