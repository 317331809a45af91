//! The blocks' formulas in f64 from stock tensor ops: the yardstick for the f32 blocks'
//! rounding. (The copied blocks cannot run in f64 as they are: candle-nn's fused LayerNorm has
//! no f64 CPU kernel.)

use candle_core::{D, Result, Tensor};
use candle_nn::{Module, VarBuilder};

/// `down_proj(act(gate_proj(x)) * up_proj(x))`, weights from `vb` (in f64).
pub fn mistral_mlp(vb: &VarBuilder, act: candle_nn::Activation, x: &Tensor) -> Result<Tensor> {
    let w = |name: &str| vb.get_unchecked(&format!("{name}.weight"));
    let gate = act.forward(&x.matmul(&w("gate_proj")?.t()?)?)?;
    let up = x.matmul(&w("up_proj")?.t()?)?;
    (gate * up)?.matmul(&w("down_proj")?.t()?)
}

/// `LayerNorm(x + output.dense(act(intermediate.dense(x))))`, weights from `vb` (in f64).
pub fn xlm_roberta_feed_forward(
    vb: &VarBuilder,
    act: candle_nn::Activation,
    eps: f64,
    x: &Tensor,
) -> Result<Tensor> {
    let get = |name: &str| vb.get_unchecked(name);
    let dense = |x: &Tensor, name: &str| {
        x.matmul(&get(&format!("{name}.weight"))?.t()?)?
            .broadcast_add(&get(&format!("{name}.bias"))?)
    };
    let h = act.forward(&dense(x, "intermediate.dense")?)?;
    let h = (dense(&h, "output.dense")? + x)?;
    let centred = h.broadcast_sub(&h.mean_keepdim(D::Minus1)?)?;
    let var = centred.sqr()?.mean_keepdim(D::Minus1)?;
    centred
        .broadcast_div(&(var + eps)?.sqrt()?)?
        .broadcast_mul(&get("output.LayerNorm.weight")?)?
        .broadcast_add(&get("output.LayerNorm.bias")?)
}
