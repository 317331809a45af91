//! XLM-RoBERTa's (BERT's) feed-forward block in Candle: see [`super`] for where it comes from.

use candle_core::{Module, Result, Tensor};
use candle_nn::{Activation, LayerNorm, Linear, VarBuilder, linear};

/// The fields of XLM-RoBERTa's `Config` that the feed-forward block reads.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Config {
    pub hidden_size: usize,
    pub layer_norm_eps: f64,
    pub intermediate_size: usize,
    pub hidden_act: Activation,
}

struct XLMRobertaOutput {
    dense: Linear,
    layernorm: LayerNorm,
}

impl XLMRobertaOutput {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let dense = linear(cfg.intermediate_size, cfg.hidden_size, vb.pp("dense"))?;
        let layernorm =
            candle_nn::layer_norm(cfg.hidden_size, cfg.layer_norm_eps, vb.pp("LayerNorm"))?;
        Ok(Self { dense, layernorm })
    }

    fn forward(&self, hidden_states: &Tensor, input_tensor: &Tensor) -> Result<Tensor> {
        let hidden_states = self.dense.forward(hidden_states)?;
        let hidden_states = self.layernorm.forward(&(hidden_states + input_tensor)?)?;
        Ok(hidden_states)
    }
}

struct XLMRobertaIntermediate {
    dense: Linear,
    intermediate_act_fn: Activation,
}

impl XLMRobertaIntermediate {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let dense = linear(cfg.hidden_size, cfg.intermediate_size, vb.pp("dense"))?;
        let intermediate_act_fn = cfg.hidden_act;
        Ok(Self {
            dense,
            intermediate_act_fn,
        })
    }

    fn forward(&self, hidden_states: &Tensor) -> Result<Tensor> {
        let hidden_states = self.dense.forward(hidden_states)?;
        let hidden_states = self.intermediate_act_fn.forward(&hidden_states)?;
        Ok(hidden_states)
    }
}

/// The feed-forward half of `XLMRobertaLayer`:
/// `LayerNorm(x + output.dense(act(intermediate.dense(x))))`.
pub struct FeedForward {
    intermediate: XLMRobertaIntermediate,
    output: XLMRobertaOutput,
}

impl FeedForward {
    pub fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let intermediate = XLMRobertaIntermediate::new(cfg, vb.pp("intermediate"))?;
        let output = XLMRobertaOutput::new(cfg, vb.pp("output"))?;
        Ok(Self {
            intermediate,
            output,
        })
    }
}

impl Module for FeedForward {
    fn forward(&self, attention_output: &Tensor) -> Result<Tensor> {
        let intermediate_output = self.intermediate.forward(attention_output)?;
        self.output.forward(&intermediate_output, attention_output)
    }
}
