//! A real model swap in Candle: Mistral's MLP and XLM-RoBERTa's (BERT's) feed-forward block as
//! candle-transformers writes them, built from a `config.json` and a safetensors file, once with
//! candle-nn's `Activation` and once with candle-rectifiers' (one changed import, see
//! `examples/src/transformer_candle/`). Prints how far apart the outputs are, against the f32
//! rounding of the block itself (its distance from the block's formula in f64), and the times; exits
//! with 1 if the swap moves an output by more than that rounding.
//!
//! ```text
//! cargo run --release -p rectifiers-examples --bin swap_transformer_candle [-- --hidden-act NAME --runs N]
//! ```
//!
//! `--hidden-act` (a candle-nn name such as `gelu`, `silu`, `gelu_pytorch_tanh`, or JSON such
//! as `{"elu": 1.0}`) goes into both `config.json`s; by default Mistral's is `silu` and
//! XLM-RoBERTa's `gelu`.

use std::error::Error;
use std::path::Path;
use std::process::ExitCode;

use candle_core::{DType, Device, Tensor};
use rectifiers_examples::swap_report::SwapReport;
use rectifiers_examples::transformer_candle::measure::{Blocks, measure};
use rectifiers_examples::transformer_candle::{
    checkpoint, load, mistral, mistral_swapped, reference, xlm_roberta, xlm_roberta_swapped,
};
use rectifiers_examples::uniform::uniform;

const TOKENS: usize = 128;
const HIDDEN: usize = 1024;

fn main() -> Result<ExitCode, Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter().position(|a| a == name).map(|i| {
            args.get(i + 1)
                .cloned()
                .expect("usage: --hidden-act NAME --runs N")
        })
    };
    let hidden_act = arg("--hidden-act");
    let runs = arg("--runs").map_or(30, |r| r.parse().expect("--runs N"));
    let dir = std::env::temp_dir().join("rectifiers-swap-transformer");
    println!(
        "candle-nn 0.11.1 vs candle-rectifiers on the CPU, f32, {TOKENS} tokens; checkpoints written to {}",
        dir.display()
    );
    // Hidden states of unit variance, as after a norm layer.
    let x = Tensor::from_vec(
        uniform(TOKENS * HIDDEN, 3f64.sqrt(), &mut 7),
        (TOKENS, HIDDEN),
        &Device::Cpu,
    )?;

    let mistral = run_mistral(&dir.join("mistral"), hidden_act.as_deref(), &x, runs)?;
    println!("{mistral}");
    let xlm = run_xlm_roberta(&dir.join("xlm-roberta"), hidden_act.as_deref(), &x, runs)?;
    println!("{xlm}");
    Ok(if mistral.within_rounding() && xlm.within_rounding() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn run_mistral(
    dir: &Path,
    hidden_act: Option<&str>,
    x: &Tensor,
    runs: usize,
) -> Result<SwapReport, Box<dyn Error>> {
    let ckpt = checkpoint::mistral(dir, hidden_act.unwrap_or("silu"))?;
    let json = ckpt.config_json()?;
    let cfg: mistral::Config = serde_json::from_str(&json)?;
    let cfg_swapped: mistral_swapped::Config = serde_json::from_str(&json)?;
    let (vb, vb_f64) = (
        load(&ckpt.weights(), DType::F32)?,
        load(&ckpt.weights(), DType::F64)?,
    );
    let (vb, vb_f64) = (vb.pp(ckpt.prefix), vb_f64.pp(ckpt.prefix));
    println!(
        "\nMistral MLP ({}): hidden {}, intermediate {}; hidden_act -> {:?} (candle-nn), {:?} (candle-rectifiers)",
        ckpt.prefix, cfg.hidden_size, cfg.intermediate_size, cfg.hidden_act, cfg_swapped.hidden_act
    );
    let gate_proj =
        candle_nn::linear_no_bias(cfg.hidden_size, cfg.intermediate_size, vb.pp("gate_proj"))?;
    let blocks = Blocks {
        ecosystem: &mistral::MLP::new(&cfg, vb.clone())?,
        swapped: &mistral_swapped::MLP::new(&cfg_swapped, vb)?,
        reference_f64: &|x| reference::mistral_mlp(&vb_f64, cfg.hidden_act, x),
        act_ecosystem: cfg.hidden_act,
        act_swapped: cfg_swapped.hidden_act,
        first_linear: &gate_proj,
    };
    Ok(measure(&blocks, x, runs)?)
}

fn run_xlm_roberta(
    dir: &Path,
    hidden_act: Option<&str>,
    x: &Tensor,
    runs: usize,
) -> Result<SwapReport, Box<dyn Error>> {
    let ckpt = checkpoint::xlm_roberta(dir, hidden_act.unwrap_or("gelu"))?;
    let json = ckpt.config_json()?;
    let cfg: xlm_roberta::Config = serde_json::from_str(&json)?;
    let cfg_swapped: xlm_roberta_swapped::Config = serde_json::from_str(&json)?;
    let (vb, vb_f64) = (
        load(&ckpt.weights(), DType::F32)?,
        load(&ckpt.weights(), DType::F64)?,
    );
    let (vb, vb_f64) = (vb.pp(ckpt.prefix), vb_f64.pp(ckpt.prefix));
    println!(
        "\nXLM-RoBERTa feed-forward ({}): hidden {}, intermediate {}; hidden_act -> {:?} (candle-nn), {:?} (candle-rectifiers)",
        ckpt.prefix, cfg.hidden_size, cfg.intermediate_size, cfg.hidden_act, cfg_swapped.hidden_act
    );
    let dense = candle_nn::linear(
        cfg.hidden_size,
        cfg.intermediate_size,
        vb.pp("intermediate.dense"),
    )?;
    let blocks = Blocks {
        ecosystem: &xlm_roberta::FeedForward::new(&cfg, vb.clone())?,
        swapped: &xlm_roberta_swapped::FeedForward::new(&cfg_swapped, vb)?,
        reference_f64: &|x| {
            reference::xlm_roberta_feed_forward(&vb_f64, cfg.hidden_act, cfg.layer_norm_eps, x)
        },
        act_ecosystem: cfg.hidden_act,
        act_swapped: cfg_swapped.hidden_act,
        first_linear: &dense,
    };
    Ok(measure(&blocks, x, runs)?)
}
