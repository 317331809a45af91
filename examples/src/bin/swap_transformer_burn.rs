//! A real model swap in Burn: a transformer feed-forward block as a Burn user writes it (like
//! burn-nn's `PositionWiseFeedForward`), its activation an `ActivationConfig` in a JSON
//! `config.json`, once with burn-nn's `ActivationConfig` and once with burn-rectifiers' (one
//! changed import, see `examples/src/transformer_burn/`). The weights are Burn's seeded
//! initialisation, saved with `burn::store::SafetensorsStore` and loaded into both blocks.
//! Prints how far apart the outputs are, against the f32 rounding of the block itself (its
//! distance from the same block in f64), and the times; exits with 1 if the swap moves an
//! output by more than that rounding. Then LLaMA's SwiGLU feed-forward the same way: burn-nn's
//! `SwiGlu` against burn-rectifiers' `Glu` (fused), loading the same weights.
//!
//! ```text
//! cargo run --release -p rectifiers-examples --bin swap_transformer_burn [-- --activation JSON --runs N]
//! ```
//!
//! `--activation` is the config's JSON value, as burn-nn writes it: `'"Gelu"'` (the default),
//! `'"Relu"'`, `'{"LeakyRelu":{"negative_slope":0.01}}'`, ...

use std::error::Error;
use std::path::Path;
use std::process::ExitCode;

use burn::config::Config;
use burn::store::{FloatCastAdapter, ModuleSnapshot, SafetensorsStore};
use burn::tensor::activation::silu;
use burn::tensor::{DType, Device, Tensor, TensorData};
use rectifiers_examples::swap_report::SwapReport;
use rectifiers_examples::transformer_burn::measure::{Blocks, measure};
use rectifiers_examples::transformer_burn::{
    feed_forward, feed_forward_swapped, swiglu_feed_forward, swiglu_feed_forward_swapped,
};
use rectifiers_examples::uniform::uniform;

const TOKENS: usize = 128;
const D_MODEL: usize = 1024;
const D_FF: usize = 4096;

fn main() -> Result<ExitCode, Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter().position(|a| a == name).map(|i| {
            args.get(i + 1)
                .cloned()
                .expect("usage: --activation JSON --runs N")
        })
    };
    let activation = arg("--activation").unwrap_or_else(|| r#""Gelu""#.into());
    let runs = arg("--runs").map_or(30, |r| r.parse().expect("--runs N"));
    let device = Device::from(burn::backend::FlexDevice);
    let dir = std::env::temp_dir().join("rectifiers-swap-transformer/burn");
    std::fs::create_dir_all(&dir)?;
    println!(
        "burn-nn 0.22.1 vs burn-rectifiers on Flex (CPU), f32, {TOKENS} tokens; checkpoint written to {}",
        dir.display()
    );

    // config.json, as `FeedForwardConfig::save` writes it; both configs load the same file.
    let config_json = dir.join("config.json");
    std::fs::write(
        &config_json,
        format!(r#"{{"d_model": {D_MODEL}, "d_ff": {D_FF}, "activation": {activation}}}"#),
    )?;
    let config = feed_forward::FeedForwardConfig::load(&config_json)?;
    let config_swapped = feed_forward_swapped::FeedForwardConfig::load(&config_json)?;
    println!(
        "\nfeed-forward block: d_model {D_MODEL}, d_ff {D_FF}; activation {activation} -> {:?} (burn-nn), {:?} (burn-rectifiers)",
        config.activation, config_swapped.activation
    );

    // The weights: Burn's default initialisation, seeded, saved as safetensors.
    let weights = dir.join("model.safetensors");
    device.seed(2026);
    config
        .init(&device)
        .save_into(&mut SafetensorsStore::from_file(&weights).overwrite(true))?;
    let ecosystem = loaded(config.init(&device), &weights, DType::F32)?;
    let swapped = loaded(config_swapped.init(&device), &weights, DType::F32)?;
    let ecosystem_f64 = loaded(config.init(&device), &weights, DType::F64)?;

    // Hidden states of unit variance, as after a norm layer.
    let x = Tensor::<3>::from_data(
        TensorData::new(
            uniform(TOKENS * D_MODEL, 3f64.sqrt(), &mut 7),
            [1, TOKENS, D_MODEL],
        ),
        &device,
    );
    let blocks = Blocks {
        names: ["burn-nn", "burn-rectifiers"],
        ecosystem: &|x| ecosystem.forward(x),
        swapped: &|x| swapped.forward(x),
        ecosystem_f64: &|x| ecosystem_f64.forward(x),
        act_ecosystem: &|z| ecosystem.activation.forward(z[0].clone()),
        act_swapped: &|z| swapped.activation.forward(z[0].clone()),
        act_ecosystem_f64: &|z| ecosystem_f64.activation.forward(z[0].clone()),
        linears: &|x| vec![ecosystem.linear_inner.forward(x)],
    };
    let report = measure(&blocks, &x, runs);
    println!("{report}");
    let swiglu = run_swiglu(&dir, &device, &x, runs)?;
    println!("{swiglu}");
    Ok(if report.within_rounding() && swiglu.within_rounding() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// LLaMA's SwiGLU feed-forward with burn-nn's `SwiGlu`, and with burn-rectifiers' `Glu` loading
/// its weights.
fn run_swiglu(
    dir: &Path,
    device: &Device,
    x: &Tensor<3>,
    runs: usize,
) -> Result<SwapReport, Box<dyn Error>> {
    let config_json = dir.join("swiglu-config.json");
    let json = format!(r#"{{"d_model": {D_MODEL}, "d_ff": {D_FF}}}"#);
    std::fs::write(&config_json, &json)?;
    let config = swiglu_feed_forward::SwiGluFeedForwardConfig::load(&config_json)?;
    let config_swapped = swiglu_feed_forward_swapped::SwiGluFeedForwardConfig::load(&config_json)?;
    let weights = dir.join("swiglu.safetensors");
    device.seed(2026);
    config
        .init(device)
        .save_into(&mut SafetensorsStore::from_file(&weights).overwrite(true))?;
    let ecosystem = loaded(config.init(device), &weights, DType::F32)?;
    let swapped = loaded(config_swapped.init(device), &weights, DType::F32)?;
    let ecosystem_f64 = loaded(config.init(device), &weights, DType::F64)?;
    let f = swapped.swiglu.activation;
    println!("\nSwiGLU feed-forward block {json}: burn-nn's SwiGlu -> burn-rectifiers' Glu ({f})");
    let act_ecosystem = |z: &[Tensor<3>]| silu(z[0].clone()) * z[1].clone();
    let swiglu = &ecosystem.swiglu;
    let blocks = Blocks {
        names: ["burn-nn", "burn-rectifiers"],
        ecosystem: &|x| ecosystem.forward(x),
        swapped: &|x| swapped.forward(x),
        ecosystem_f64: &|x| ecosystem_f64.forward(x),
        act_ecosystem: &act_ecosystem,
        act_swapped: &|z| burn_rectifiers::gated(z[0].clone(), z[1].clone(), f),
        act_ecosystem_f64: &act_ecosystem,
        linears: &|x| {
            vec![
                swiglu.linear_inner.forward(x.clone()),
                swiglu.linear_outer.forward(x),
            ]
        },
    };
    Ok(measure(&blocks, x, runs).gated())
}

/// `module` with the weights in `file`, cast to `dtype`.
fn loaded<M: ModuleSnapshot>(
    mut module: M,
    file: &Path,
    dtype: DType,
) -> Result<M, Box<dyn Error>> {
    let mut store =
        SafetensorsStore::from_file(file).with_from_adapter(FloatCastAdapter::to(dtype));
    module.load_from(&mut store)?;
    Ok(module)
}
