//! ReLU, Leaky ReLU, PReLU and SReLU: the piecewise-linear rectifiers (memory-bound: the fused
//! forward's target is the framework's own ReLU). See `common` for names and units.

mod common;

use burn_rectifiers::Elementwise;
use criterion::{Criterion, criterion_group, criterion_main};
use rectifiers_benches::Function;

fn relu_family(c: &mut Criterion) {
    common::bench_functions(
        c,
        &[
            Function::Elementwise(Elementwise::Relu),
            Function::Elementwise(Elementwise::LeakyRelu),
            Function::Prelu,
            Function::Elementwise(Elementwise::SRelu),
        ],
    );
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = relu_family
}
criterion_main!(benches);
