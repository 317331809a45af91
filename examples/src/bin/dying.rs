//! Demo: dying ReLU. A learning rate too high for plain SGD pushes many ReLU units to a
//! pre-activation <= 0 on every input, where they get no gradient and stay dead; Leaky ReLU,
//! PReLU and Squareplus keep a gradient there and keep their units. Prints one table.
//!
//! ```text
//! cargo run --release -p rectifiers-examples --bin dying [-- --lr LR]
//! ```

use burn::tensor::Device;
use burn_rectifiers::nn::{ActivationConfig, LeakyReluConfig, PReluConfig, SquareplusConfig};
use indicatif::ProgressBar;
use rectifiers_examples::digits;
use rectifiers_examples::train::{Optim, RunConfig, table, train};

fn main() {
    let mut lr = 0.5;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--lr") {
        lr = args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .expect("usage: dying [--lr LR]");
    }
    let device = Device::from(burn::backend::FlexDevice);
    let (train_set, test_set) = digits::load(7, 0.2);
    let cfg = RunConfig {
        hidden: vec![128, 128],
        epochs: 10,
        batch: 32,
        lr,
        optim: Optim::Sgd,
        seed: 3,
        he_init: false,
    };
    println!(
        "SGD lr {lr}, batch {}, {} epochs, MLP 64-128-128-10",
        cfg.batch, cfg.epochs
    );
    let runs: Vec<(&str, ActivationConfig)> = vec![
        ("ReLU", ActivationConfig::Relu),
        ("Leaky ReLU (0.01)", LeakyReluConfig::new().into()),
        ("PReLU (0.25)", PReluConfig::new().into()),
        ("Squareplus (b = 4)", SquareplusConfig::new().into()),
    ];
    let progress = ProgressBar::new((runs.len() * cfg.epochs) as u64);
    let results: Vec<_> = runs
        .iter()
        .map(|(name, act)| train(name, act, (&train_set, &test_set), &cfg, &device, &progress))
        .collect();
    progress.finish_and_clear();
    print!("{}", table(&results));
}
