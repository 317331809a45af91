//! A real model swap in Burn: a transformer feed-forward block as a Burn user writes it (like
//! burn-nn's `PositionWiseFeedForward`), its activation an `ActivationConfig` in a JSON
//! `config.json`, once with burn-nn's `ActivationConfig` and once with burn-rectifiers' (one
//! changed import, see `examples/src/transformer_burn/`). The weights are Burn's seeded
//! initialisation, saved with `burn::store::SafetensorsStore` and loaded into both blocks.
//! Prints how far apart the outputs are, against the f32 rounding of the block itself (its
//! distance from the same block in f64), and the times; exits with 1 if the swap moves an
//! output by more than that rounding.
//!
//! ```text
//! cargo run --release -p rectifiers-examples --bin swap_transformer_burn [-- --activation JSON --runs N]
//! ```
//!
//! `--activation` is the config's JSON value, as burn-nn writes it: `'"Gelu"'` (the default),
//! `'"Relu"'`, `'{"LeakyRelu":{"negative_slope":0.01}}'`, ...

use std::error::Error;
use std::process::ExitCode;

use burn::config::Config;
use burn::store::{FloatCastAdapter, ModuleSnapshot, SafetensorsStore};
use burn::tensor::{DType, Device, Tensor, TensorData};
use rectifiers_examples::transformer_burn::measure::{Blocks, measure};
use rectifiers_examples::transformer_burn::{feed_forward, feed_forward_swapped};
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
    let mut ecosystem = config.init(&device);
    ecosystem.load_from(&mut SafetensorsStore::from_file(&weights))?;
    let mut swapped = config_swapped.init(&device);
    swapped.load_from(&mut SafetensorsStore::from_file(&weights))?;
    let mut ecosystem_f64 = config.init(&device);
    ecosystem_f64.load_from(
        &mut SafetensorsStore::from_file(&weights)
            .with_from_adapter(FloatCastAdapter::to(DType::F64)),
    )?;

    // Hidden states of unit variance, as after a norm layer.
    let x = Tensor::<3>::from_data(
        TensorData::new(
            uniform(TOKENS * D_MODEL, 3f64.sqrt(), &mut 7),
            [1, TOKENS, D_MODEL],
        ),
        &device,
    );
    let blocks = Blocks {
        ecosystem: &ecosystem,
        swapped: &swapped,
        ecosystem_f64: &ecosystem_f64,
    };
    let report = measure(&blocks, &x, runs);
    println!("{report}");
    Ok(if report.within_rounding() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
