//! The gated activations `f(gate) * up`: SwiGLU, GeGLU and Squareplus-GLU at the sizes of a
//! LLaMA-7B MLP (`[1, 11008]` and `[4096, 11008]`) and at 16Mi, every backend and variant of the
//! CLI (`fused`: one op and one fused backward; `composed`: our activation then a multiply;
//! `builtin`: the framework's activation then a multiply), see `common`; and Candle's split form
//! on one tensor `[4096, 2 x 11008]`:
//!
//! - `ours`: `candle_rectifiers::swiglu(&xs)`, one op on `xs` (the halves read in place, the
//!   gradient of `xs` written in one pass);
//! - `views`: `candle_rectifiers::gated` on the two halves' `narrow` views, which the CPU op
//!   gathers (what `swiglu` ran before it became one op);
//! - `candle_nn`: `candle_nn::ops::swiglu(&xs)`.
//!
//! `fwdbwd` makes a [`Var`] of `xs` once, then per call `y = swiglu(xs)`, `y.backward()` (Candle
//! seeds a non-scalar root with ones) and reads the gradient of `xs`. Throughput in bytes as the
//! CLI counts the gated functions (`fwd` 3 n s, `fwdbwd` 8 n s for n outputs of s bytes).

mod common;

use std::time::Instant;

use candle_core::{D, Device, Result, Tensor, Var};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rectifiers_benches::{Function, inputs};
use rectifiers_core::ElementwiseKind;

/// LLaMA-7B's MLP width.
const WIDTH: usize = 11008;
/// Tokens of a prefill batch.
const TOKENS: usize = 4096;

fn gated(c: &mut Criterion) {
    common::bench_functions_at(
        c,
        &[
            Function::Gated(ElementwiseKind::Silu.with_default()),
            Function::Gated(ElementwiseKind::Gelu.with_default()),
            Function::Gated(ElementwiseKind::Squareplus.with_default()),
        ],
        &[WIDTH, TOKENS * WIDTH, 16 << 20],
    );
}

type Swiglu = fn(&Tensor) -> Result<Tensor>;

fn views(xs: &Tensor) -> Result<Tensor> {
    let h = xs.dim(D::Minus1)? / 2;
    candle_rectifiers::gated(
        &xs.narrow(D::Minus1, 0, h)?,
        &xs.narrow(D::Minus1, h, h)?,
        ElementwiseKind::Silu.with_default(),
    )
}

fn candle_split(c: &mut Criterion) {
    let n = TOKENS * WIDTH;
    let xs =
        Tensor::from_vec(inputs::values(2 * n), (TOKENS, 2 * WIDTH), &Device::Cpu).expect("xs");
    let xv = Var::from_tensor(&xs).expect("var");
    let mut group = c.benchmark_group(format!("swiglu_split/{TOKENS}x{}", 2 * WIDTH));
    let variants: [(&str, Swiglu); 3] = [
        ("ours", candle_rectifiers::swiglu),
        ("views", views),
        ("candle_nn", candle_nn::ops::swiglu),
    ];
    for (name, f) in variants {
        group.throughput(Throughput::Bytes(3 * 4 * n as u64));
        group.bench_function(BenchmarkId::new(format!("candle/{name}"), "fwd"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let start = Instant::now();
                        let y = f(&xs).expect("forward");
                        let t = start.elapsed();
                        drop(y);
                        t
                    })
                    .sum()
            })
        });
        group.throughput(Throughput::Bytes(8 * 4 * n as u64));
        group.bench_function(BenchmarkId::new(format!("candle/{name}"), "fwdbwd"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let start = Instant::now();
                        let grads = f(xv.as_tensor())
                            .and_then(|y| y.backward())
                            .expect("forward and backward");
                        let dxs = grads.get(&xv).expect("gradient of xs").clone();
                        let t = start.elapsed();
                        drop((dxs, grads));
                        t
                    })
                    .sum()
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = gated, candle_split
}
criterion_main!(benches);
