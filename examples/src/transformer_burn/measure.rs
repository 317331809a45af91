//! Runs one Burn block three ways and collects the [`SwapReport`].

use burn::tensor::{FloatDType, Tensor, TensorData};

use crate::swap_report::{Reference, Run, SwapReport, min_time};

/// A block's forward.
pub type Block<'a> = &'a dyn Fn(Tensor<3>) -> Tensor<3>;

/// The activation step alone, on the outputs of the linear layers before it (`[z]`, or
/// `[gate, up]` for a gated one).
pub type Act<'a> = &'a dyn Fn(&[Tensor<3>]) -> Tensor<3>;

/// The block as Burn writes it and swapped (f32), and as Burn writes it in f64, all with the
/// same weights; with the activation step and the linear layers before it.
pub struct Blocks<'a> {
    /// The two versions' names.
    pub names: [&'static str; 2],
    pub ecosystem: Block<'a>,
    pub swapped: Block<'a>,
    pub ecosystem_f64: Block<'a>,
    pub act_ecosystem: Act<'a>,
    pub act_swapped: Act<'a>,
    /// The ecosystem's activation step in f64 (the f64 block's), the reference.
    pub act_ecosystem_f64: Act<'a>,
    /// The outputs of the linear layers before the activation.
    pub linears: &'a dyn Fn(Tensor<3>) -> Vec<Tensor<3>>,
}

/// Runs `blocks` on `x` (f32): the outputs, the f64 reference, and `runs` timed runs each.
/// Each time includes reading the result back (`into_data`), which waits for the backend.
pub fn measure(blocks: &Blocks, x: &Tensor<3>, runs: usize) -> SwapReport {
    let zs = (blocks.linears)(x.clone());
    let timed = |f: &dyn Fn() -> Tensor<3>| {
        let (data, t) = min_time(runs, || Ok::<_, ()>(f().into_data())).expect("infallible");
        (vec_f32(data), t)
    };
    let run = |block: Block, act: Act| {
        let (y, t_block) = timed(&|| block(x.clone()));
        let (act, t_act) = timed(&|| act(&zs));
        Run {
            act,
            y,
            times: (t_block, t_act),
        }
    };
    let eco = run(blocks.ecosystem, blocks.act_ecosystem);
    let swap = run(blocks.swapped, blocks.act_swapped);
    let f64_of = |t: Tensor<3>| -> Vec<f64> {
        t.into_data()
            .try_into_vec()
            .expect("an f64 tensor (the block's weights were cast on load)")
    };
    let zs_f64: Vec<_> = zs.iter().map(|z| z.clone().cast(FloatDType::F64)).collect();
    let reference = Reference {
        act: f64_of((blocks.act_ecosystem_f64)(&zs_f64)),
        y: f64_of((blocks.ecosystem_f64)(x.clone().cast(FloatDType::F64))),
    };
    SwapReport::new(
        blocks.names,
        &vec_f32(zs[0].clone().into_data()),
        &x.dims(),
        [eco, swap],
        &reference,
        runs,
    )
}

fn vec_f32(data: TensorData) -> Vec<f32> {
    data.try_into_vec().expect("an f32 tensor")
}
