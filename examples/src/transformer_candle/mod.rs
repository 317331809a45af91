//! Two real transformer blocks as candle-transformers 0.11.0 writes them, and the same blocks
//! with candle-rectifiers' activation. The swap is one import: `Activation` names the type of
//! `Config::hidden_act` (read from `config.json`) and of the block's activation field.
//!
//! - [`mistral`]: `models/mistral.rs` `MLP`, `down_proj(act_fn(gate_proj(x)) * up_proj(x))`,
//!   no biases, `hidden_act` defaulting to silu.
//! - [`xlm_roberta`]: `models/xlm_roberta.rs` `XLMRobertaIntermediate` and `XLMRobertaOutput`,
//!   BERT's feed-forward `LayerNorm(x + output.dense(act(intermediate.dense(x))))`, with
//!   biases; xlm-roberta-large's `hidden_act` is gelu (erf).
//!
//! `mistral_swapped.rs` and `xlm_roberta_swapped.rs` are those files with the import changed
//! (`diff` shows it). Where the copies differ from upstream: `Config` keeps only the fields the
//! block reads (serde skips the rest of `config.json`); `with_tracing::{linear,
//! linear_no_bias}` are candle-nn's functions they wrap (without the tracing span); upstream's
//! `default_hidden_act` spells `candle_nn::Activation` where the copy names the import;
//! `FeedForward` (the feed-forward half of `XLMRobertaLayer`) and the constructors are public.
//!
//! `mistral_gated.rs` is `mistral_swapped.rs` with `act_fn(gate) * up` one fused op,
//! [`candle_rectifiers::gated`]: `act_fn` is the [`Elementwise`] function that `hidden_act`
//! runs ([`elementwise`]), and the forward passes it both projections.

pub mod checkpoint;
pub mod measure;
pub mod mistral;
pub mod mistral_gated;
pub mod mistral_swapped;
pub mod reference;
pub mod xlm_roberta;
pub mod xlm_roberta_swapped;

use std::path::Path;

use candle_core::{DType, Device, Error, Result};
use candle_nn::VarBuilder;
use candle_rectifiers::Elementwise;
use candle_rectifiers::modules::Activation;

/// The safetensors file at `path`, memory-mapped, its tensors converted to `dtype` on load.
pub fn load(path: &Path, dtype: DType) -> Result<VarBuilder<'static>> {
    // SAFETY: the mapping is undefined behaviour if the file changes while mapped; this process
    // wrote it before and nothing writes it while the demo runs (candle-examples load
    // checkpoints the same way).
    unsafe { VarBuilder::from_mmaped_safetensors(&[path], dtype, &Device::Cpu) }
}

/// The function of the family that `act` runs, for [`candle_rectifiers::gated`]; an error for
/// the ones that are not such a function (`sigmoid`, `relu2`, ... run candle-nn's op;
/// `lse0_plus`; the gated forms).
pub fn elementwise(act: Activation) -> Result<Elementwise> {
    act.elementwise()?.ok_or_else(|| {
        Error::Msg(format!(
            "{act:?} is not an elementwise function of the family: no fused form"
        ))
    })
}
