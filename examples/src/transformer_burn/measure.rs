//! Runs the Burn block three ways and collects the [`SwapReport`].

use burn::tensor::{FloatDType, Tensor, TensorData};

use super::{feed_forward, feed_forward_swapped};
use crate::swap_report::{Reference, Run, SwapReport, min_time};

/// The block as Burn writes it and swapped (f32), and as Burn writes it in f64, all with the
/// same weights.
pub struct Blocks<'a> {
    pub ecosystem: &'a feed_forward::FeedForward,
    pub swapped: &'a feed_forward_swapped::FeedForward,
    pub ecosystem_f64: &'a feed_forward::FeedForward,
}

/// Runs `blocks` on `x` (f32): the outputs, the f64 reference, and `runs` timed runs each.
/// Each time includes reading the result back (`into_data`), which waits for the backend.
pub fn measure(blocks: &Blocks, x: &Tensor<3>, runs: usize) -> SwapReport {
    let z = blocks.ecosystem.linear_inner.forward(x.clone());
    let timed = |f: &dyn Fn() -> Tensor<3>| {
        let (data, t) = min_time(runs, || Ok::<_, ()>(f().into_data())).expect("infallible");
        (vec_f32(data), t)
    };
    let (y, t_block) = timed(&|| blocks.ecosystem.forward(x.clone()));
    let (act, t_act) = timed(&|| blocks.ecosystem.activation.forward(z.clone()));
    let eco = Run {
        act,
        y,
        times: (t_block, t_act),
    };
    let (y, t_block) = timed(&|| blocks.swapped.forward(x.clone()));
    let (act, t_act) = timed(&|| blocks.swapped.activation.forward(z.clone()));
    let swap = Run {
        act,
        y,
        times: (t_block, t_act),
    };
    let f64_of = |t: Tensor<3>| -> Vec<f64> {
        t.into_data()
            .try_into_vec()
            .expect("an f64 tensor (the block's weights were cast on load)")
    };
    let reference = Reference {
        act: f64_of(
            blocks
                .ecosystem_f64
                .activation
                .forward(z.clone().cast(FloatDType::F64)),
        ),
        y: f64_of(
            blocks
                .ecosystem_f64
                .forward(x.clone().cast(FloatDType::F64)),
        ),
    };
    SwapReport::new(
        ["burn-nn", "burn-rectifiers"],
        &vec_f32(z.into_data()),
        &x.dims(),
        [eco, swap],
        &reference,
        runs,
    )
}

fn vec_f32(data: TensorData) -> Vec<f32> {
    data.try_into_vec().expect("an f32 tensor")
}
