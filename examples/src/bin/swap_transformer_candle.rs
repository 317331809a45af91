//! A real model swap in Candle: Mistral's MLP and XLM-RoBERTa's (BERT's) feed-forward block as
//! candle-transformers writes them, built from a `config.json` and a safetensors file, once with
//! candle-nn's `Activation` and once with candle-rectifiers' (one changed import, see
//! `examples/src/transformer_candle/`). Prints how far apart the outputs are, against the f32
//! rounding of the block itself (its distance from the block's formula in f64), and the times; exits
//! with 1 if the swap moves an output by more than that rounding. Mistral's MLP runs a third way,
//! `act_fn(gate) * up` as one fused op (`candle_rectifiers::gated`, `mistral_gated.rs`), against
//! candle-nn's under the same bound.
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

use candle_core::{DType, Device, Module, Tensor};
use rectifiers_examples::swap_report::SwapReport;
use rectifiers_examples::transformer_candle::measure::{Blocks, measure};
use rectifiers_examples::transformer_candle::{
    self, checkpoint, load, mistral, mistral_gated, mistral_swapped, reference, xlm_roberta,
    xlm_roberta_swapped,
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

    let mut reports = run_mistral(&dir.join("mistral"), hidden_act.as_deref(), &x, runs)?;
    let xlm = run_xlm_roberta(&dir.join("xlm-roberta"), hidden_act.as_deref(), &x, runs)?;
    println!("{xlm}");
    reports.push(xlm);
    Ok(if reports.iter().all(SwapReport::within_rounding) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The swap's report, then the gated version's (none where `hidden_act` has no fused gated form).
fn run_mistral(
    dir: &Path,
    hidden_act: Option<&str>,
    x: &Tensor,
    runs: usize,
) -> Result<Vec<SwapReport>, Box<dyn Error>> {
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
    let linear =
        |name| candle_nn::linear_no_bias(cfg.hidden_size, cfg.intermediate_size, vb.pp(name));
    let (gate_proj, up_proj) = (linear("gate_proj")?, linear("up_proj")?);
    let ecosystem = mistral::MLP::new(&cfg, vb.clone())?;
    let reference_f64 = |x: &Tensor| reference::mistral_mlp(&vb_f64, cfg.hidden_act, x);
    let blocks = Blocks {
        names: ["candle-nn", "candle-rectifiers"],
        ecosystem: &ecosystem,
        swapped: &mistral_swapped::MLP::new(&cfg_swapped, vb.clone())?,
        reference_f64: &reference_f64,
        act_ecosystem: &|z| cfg.hidden_act.forward(&z[0]),
        act_swapped: &|z| cfg_swapped.hidden_act.forward(&z[0]),
        linears: &[&gate_proj],
    };
    let swap = measure(&blocks, x, runs)?;
    println!("{swap}");

    let f = match transformer_candle::elementwise(cfg_swapped.hidden_act) {
        Ok(f) => f,
        Err(e) => {
            println!("\nMistral MLP, gated: skipped, {e}");
            return Ok(vec![swap]);
        }
    };
    println!(
        "\nMistral MLP, gated: act_fn(gate) * up as one op, candle_rectifiers::gated(gate, up, {f})"
    );
    let blocks = Blocks {
        names: ["candle-nn", "candle-rectifiers gated"],
        ecosystem: &ecosystem,
        swapped: &mistral_gated::MLP::new(&serde_json::from_str(&json)?, vb)?,
        reference_f64: &reference_f64,
        act_ecosystem: &|z| cfg.hidden_act.forward(&z[0])? * &z[1],
        act_swapped: &|z| candle_rectifiers::gated(&z[0], &z[1], f),
        linears: &[&gate_proj, &up_proj],
    };
    let gated = measure(&blocks, x, runs)?.gated();
    println!("{gated}");
    Ok(vec![swap, gated])
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
        names: ["candle-nn", "candle-rectifiers"],
        ecosystem: &xlm_roberta::FeedForward::new(&cfg, vb.clone())?,
        swapped: &xlm_roberta_swapped::FeedForward::new(&cfg_swapped, vb)?,
        reference_f64: &|x| {
            reference::xlm_roberta_feed_forward(&vb_f64, cfg.hidden_act, cfg.layer_norm_eps, x)
        },
        act_ecosystem: &|z| cfg.hidden_act.forward(&z[0]),
        act_swapped: &|z| cfg_swapped.hidden_act.forward(&z[0]),
        linears: &[&dense],
    };
    Ok(measure(&blocks, x, runs)?)
}
