//! Runs one Candle block three ways and collects the [`SwapReport`].

use candle_core::{DType, Module, Result, Tensor};
use candle_nn::Linear;
use candle_rectifiers::modules::Activation;

use crate::swap_report::{Reference, Run, SwapReport, min_time};

/// The block three ways, on the same weights: as the ecosystem writes it and swapped (f32),
/// and its formula in f64 ([`super::reference`]); with the activations and the linear layer
/// before them.
pub struct Blocks<'a> {
    pub ecosystem: &'a dyn Module,
    pub swapped: &'a dyn Module,
    pub reference_f64: &'a dyn Fn(&Tensor) -> Result<Tensor>,
    pub act_ecosystem: candle_nn::Activation,
    pub act_swapped: Activation,
    pub first_linear: &'a Linear,
}

/// Runs `blocks` on `x` (f32): the outputs, the f64 reference, and `runs` timed runs each.
pub fn measure(blocks: &Blocks, x: &Tensor, runs: usize) -> Result<SwapReport> {
    let z = blocks.first_linear.forward(x)?;
    let run = |block: &dyn Module, act: &dyn Module| -> Result<Run> {
        let (y, t_block) = min_time(runs, || block.forward(x))?;
        let (a, t_act) = min_time(runs, || act.forward(&z))?;
        Ok(Run {
            act: a.flatten_all()?.to_vec1()?,
            y: y.flatten_all()?.to_vec1()?,
            times: (t_block, t_act),
        })
    };
    let eco = run(blocks.ecosystem, &blocks.act_ecosystem)?;
    let swap = run(blocks.swapped, &blocks.act_swapped)?;
    let y_f64 = (blocks.reference_f64)(&x.to_dtype(DType::F64)?)?;
    let reference = Reference {
        act: blocks
            .act_ecosystem
            .forward(&z.to_dtype(DType::F64)?)?
            .flatten_all()?
            .to_vec1()?,
        y: y_f64.flatten_all()?.to_vec1()?,
    };
    let shape = y_f64.dims().to_vec();
    Ok(SwapReport::new(
        ["candle-nn", "candle-rectifiers"],
        &z.flatten_all()?.to_vec1()?,
        &shape,
        [eco, swap],
        &reference,
        runs,
    ))
}
