//! Demo 1: the same MLP trained on the UCI digits once per activation, same seed, split and
//! batches; prints one table and writes the learning curves.
//!
//! ```text
//! cargo run --release -p rectifiers-examples --bin swap [-- --epochs N] [--out PATH] [--backend flex|ndarray|wgpu]
//! ```
//!
//! `--backend wgpu` needs the crate's `wgpu` feature.

#![allow(deprecated)] // burn-ndarray is deprecated upstream; the demo still offers it.

use std::path::PathBuf;
use std::process::ExitCode;

use burn::tensor::Device;
use indicatif::{ProgressBar, ProgressStyle};
use rectifiers_examples::train::{Optim, RunConfig, family, table, train};
use rectifiers_examples::{curves, digits};

const USAGE: &str = "usage: swap [--epochs N] [--out PATH] [--backend flex|ndarray|wgpu]";

fn device(name: &str) -> Result<Device, String> {
    match name {
        "flex" => Ok(Device::from(burn::backend::FlexDevice)),
        "ndarray" => Ok(Device::from(burn::backend::NdArrayDevice::Cpu)),
        #[cfg(feature = "wgpu")]
        "wgpu" => Ok(Device::from(burn::backend::WgpuDevice::default())),
        other => Err(format!(
            "unknown or not compiled-in backend {other:?}\n{USAGE}"
        )),
    }
}

fn main() -> ExitCode {
    let mut epochs = 30;
    let mut out = PathBuf::from("target/swap-curves.png");
    let mut backend = String::from("flex");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = match a.as_str() {
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => args.next(),
        };
        let ok = match (a.as_str(), value) {
            ("--epochs", Some(v)) => v.parse().map(|n| epochs = n).is_ok(),
            ("--out", Some(v)) => {
                out = PathBuf::from(v);
                true
            }
            ("--backend", Some(v)) => {
                backend = v;
                true
            }
            _ => false,
        };
        if !ok {
            eprintln!("bad argument {a:?}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let device = match device(&backend) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
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
        "UCI digits: {} training / {} test samples; MLP 64-64-64-10, Adam lr {}, batch {}, {} epochs, backend {backend}",
        train_set.len(),
        test_set.len(),
        cfg.lr,
        cfg.batch,
        cfg.epochs
    );
    let runs = family();
    let progress = ProgressBar::new((runs.len() * cfg.epochs) as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} epochs {msg}").expect("valid template"),
    );
    let results: Vec<_> = runs
        .iter()
        .map(|(name, act)| {
            progress.set_message(name.to_string());
            train(name, act, (&train_set, &test_set), &cfg, &device, &progress)
        })
        .collect();
    progress.finish_and_clear();
    print!("{}", table(&results));
    println!(
        "dead units: hidden units whose pre-activation is <= 0 on every training sample; sparsity: hidden activations <= 0.01"
    );
    match curves::render(&out, "MLP on UCI digits: one run per activation", &results) {
        Ok(()) => println!("learning curves: {}", out.display()),
        Err(e) => {
            eprintln!("could not write {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
