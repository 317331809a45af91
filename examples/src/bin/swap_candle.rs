//! Demo 1 in Candle: the `swap` comparison with a candle-nn MLP and candle-rectifiers'
//! activations (same split, batches, optimiser settings and table).
//!
//! ```text
//! cargo run --release -p rectifiers-examples --bin swap_candle [-- --epochs N]
//! ```

use candle_core::Device;
use indicatif::ProgressBar;
use rectifiers_examples::candle_mlp::{family, train};
use rectifiers_examples::digits;
use rectifiers_examples::train::{Optim, RunConfig, table};

fn main() -> candle_core::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let epochs = match args.iter().position(|a| a == "--epochs") {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .expect("usage: swap_candle [--epochs N]"),
        None => 30,
    };
    let (train_set, test_set) = digits::load(7, 0.2);
    let cfg = RunConfig {
        hidden: vec![64, 64],
        epochs,
        batch: 64,
        lr: 3e-3,
        optim: Optim::Adam,
        seed: 42,
        he_init: false,
    };
    println!(
        "UCI digits: {} training / {} test samples; candle-nn MLP 64-64-64-10, Adam lr {}, batch {}, {} epochs, cpu",
        train_set.len(),
        test_set.len(),
        cfg.lr,
        cfg.batch,
        cfg.epochs
    );
    let runs = family();
    let progress = ProgressBar::new((runs.len() * cfg.epochs) as u64);
    let mut results = Vec::new();
    for (name, act) in &runs {
        results.push(train(
            name,
            act,
            (&train_set, &test_set),
            &cfg,
            &Device::Cpu,
            || progress.inc(1),
        )?);
    }
    progress.finish_and_clear();
    print!("{}", table(&results));
    println!(
        "dead units: hidden units whose pre-activation is <= 0 on every training sample; sparsity: hidden activations <= 0.01"
    );
    Ok(())
}
