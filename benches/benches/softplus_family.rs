//! Softplus, the softplus approximation and LSE0+: the log-sum-exp family (an exp and a log
//! per element; LSE0+ reduces rows of 64). See `common` for names and units.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use rectifiers_benches::Function;
use rectifiers_core::ElementwiseKind;

fn softplus_family(c: &mut Criterion) {
    common::bench_functions(
        c,
        &[
            Function::from(ElementwiseKind::Softplus),
            Function::from(ElementwiseKind::SoftplusApprox),
            Function::Lse0Plus,
        ],
    );
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = softplus_family
}
criterion_main!(benches);
