//! Mistral's MLP block in Candle: see [`super`] for where it comes from.

use candle_core::{Module, Result, Tensor};
use candle_nn::{Linear, VarBuilder, linear_no_bias};
use candle_rectifiers::{Elementwise, modules::Activation};

fn default_hidden_act() -> Activation {
    Activation::Silu
}

/// The fields of Mistral's `Config` that the MLP reads (serde skips the rest of `config.json`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Config {
    pub hidden_size: usize,
    pub intermediate_size: usize,
    #[serde(default = "default_hidden_act")]
    pub hidden_act: Activation,
}

/// `down_proj(act_fn(gate_proj(x)) * up_proj(x))`, no biases; `act_fn(..) * ..` one fused op.
#[derive(Debug, Clone)]
#[allow(clippy::upper_case_acronyms)]
pub struct MLP {
    gate_proj: Linear,
    up_proj: Linear,
    down_proj: Linear,
    act_fn: Elementwise,
}

impl MLP {
    pub fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let hidden_sz = cfg.hidden_size;
        let intermediate_sz = cfg.intermediate_size;
        let gate_proj = linear_no_bias(hidden_sz, intermediate_sz, vb.pp("gate_proj"))?;
        let up_proj = linear_no_bias(hidden_sz, intermediate_sz, vb.pp("up_proj"))?;
        let down_proj = linear_no_bias(intermediate_sz, hidden_sz, vb.pp("down_proj"))?;
        Ok(Self {
            gate_proj,
            up_proj,
            down_proj,
            act_fn: super::elementwise(cfg.hidden_act)?,
        })
    }
}

impl Module for MLP {
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        let lhs = xs.apply(&self.gate_proj)?;
        let rhs = xs.apply(&self.up_proj)?;
        candle_rectifiers::gated(&lhs, &rhs, self.act_fn)?.apply(&self.down_proj)
    }
}
