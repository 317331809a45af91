//! Squareplus, `(x + sqrt(x^2 + b)) / 2`: a square root per element, still memory-bound when
//! fused. See `common` for names and units.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use rectifiers_benches::Function;
use rectifiers_core::ElementwiseKind;

fn squareplus(c: &mut Criterion) {
    common::bench_functions(c, &[Function::from(ElementwiseKind::Squareplus)]);
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = squareplus
}
criterion_main!(benches);
