//! Runs one Candle block three ways and collects the [`SwapReport`].

use candle_core::{DType, Module, Result, Tensor};
use candle_nn::Linear;

use crate::swap_report::{Reference, Run, SwapReport, min_time};

/// The activation step alone, on the outputs of the linear layers before it (`[z]`, or
/// `[gate, up]` for a gated one).
pub type Act<'a> = &'a dyn Fn(&[Tensor]) -> Result<Tensor>;

/// The block three ways, on the same weights: as the ecosystem writes it and swapped (f32),
/// and its formula in f64 ([`super::reference`]); with the activation step and the linear
/// layers before it.
pub struct Blocks<'a> {
    /// The two versions' names.
    pub names: [&'static str; 2],
    pub ecosystem: &'a dyn Module,
    pub swapped: &'a dyn Module,
    pub reference_f64: &'a dyn Fn(&Tensor) -> Result<Tensor>,
    /// The ecosystem's activation step, also run in f64 for the reference.
    pub act_ecosystem: Act<'a>,
    pub act_swapped: Act<'a>,
    pub linears: &'a [&'a Linear],
}

/// Runs `blocks` on `x` (f32): the outputs, the f64 reference, and `runs` timed runs each.
pub fn measure(blocks: &Blocks, x: &Tensor, runs: usize) -> Result<SwapReport> {
    let zs = blocks
        .linears
        .iter()
        .map(|l| l.forward(x))
        .collect::<Result<Vec<_>>>()?;
    let run = |block: &dyn Module, act: Act| -> Result<Run> {
        let (y, t_block) = min_time(runs, || block.forward(x))?;
        let (a, t_act) = min_time(runs, || act(&zs))?;
        Ok(Run {
            act: a.flatten_all()?.to_vec1()?,
            y: y.flatten_all()?.to_vec1()?,
            times: (t_block, t_act),
        })
    };
    let eco = run(blocks.ecosystem, blocks.act_ecosystem)?;
    let swap = run(blocks.swapped, blocks.act_swapped)?;
    let y_f64 = (blocks.reference_f64)(&x.to_dtype(DType::F64)?)?;
    let zs_f64 = zs
        .iter()
        .map(|z| z.to_dtype(DType::F64))
        .collect::<Result<Vec<_>>>()?;
    let reference = Reference {
        act: (blocks.act_ecosystem)(&zs_f64)?.flatten_all()?.to_vec1()?,
        y: y_f64.flatten_all()?.to_vec1()?,
    };
    let shape = y_f64.dims().to_vec();
    Ok(SwapReport::new(
        blocks.names,
        &zs[0].flatten_all()?.to_vec1()?,
        &shape,
        [eco, swap],
        &reference,
        runs,
    ))
}
