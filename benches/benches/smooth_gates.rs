//! SiLU, GELU (erf and tanh), Mish and ELU: the smooth gates, whose transcendental functions
//! decide whether the fused op stays memory-bound. See `common` for names and units.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use rectifiers_benches::Function;
use rectifiers_core::ElementwiseKind;

fn smooth_gates(c: &mut Criterion) {
    common::bench_functions(
        c,
        &[
            Function::from(ElementwiseKind::Silu),
            Function::from(ElementwiseKind::Gelu),
            Function::from(ElementwiseKind::GeluTanh),
            Function::from(ElementwiseKind::Mish),
            Function::from(ElementwiseKind::Elu),
        ],
    );
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = smooth_gates
}
criterion_main!(benches);
