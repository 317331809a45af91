//! SiLU, GELU (erf and tanh), Mish and ELU: the smooth gates, whose transcendental functions
//! decide whether the fused op stays memory-bound. See `common` for names and units.

mod common;

use burn_rectifiers::Elementwise;
use criterion::{Criterion, criterion_group, criterion_main};
use rectifiers_benches::Function;

fn smooth_gates(c: &mut Criterion) {
    common::bench_functions(
        c,
        &[
            Function::Elementwise(Elementwise::Silu),
            Function::Elementwise(Elementwise::Gelu),
            Function::Elementwise(Elementwise::GeluTanh),
            Function::Elementwise(Elementwise::Mish),
            Function::Elementwise(Elementwise::Elu),
        ],
    );
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = smooth_gates
}
criterion_main!(benches);
