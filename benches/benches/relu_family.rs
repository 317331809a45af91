//! ReLU, Leaky ReLU, PReLU and SReLU: the piecewise-linear rectifiers (memory-bound: the fused
//! forward's target is the framework's own ReLU). See `common` for names and units.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use rectifiers_benches::Function;
use rectifiers_core::ElementwiseKind;

fn relu_family(c: &mut Criterion) {
    common::bench_functions(
        c,
        &[
            Function::from(ElementwiseKind::Relu),
            Function::from(ElementwiseKind::LeakyRelu),
            Function::Prelu,
            Function::from(ElementwiseKind::SRelu),
        ],
    );
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = relu_family
}
criterion_main!(benches);
