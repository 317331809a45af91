//! Shared by the criterion benches: one benchmark per backend × variant × pass for each
//! function and size, through the same measured calls as the CLI (`rectifiers_benches::run`).
//!
//! Names: group `<function>/<size>` (`squareplus/16Mi`), id `<backend>/<variant>/<pass>`
//! (`flex/fused/fwdbwd`), so `cargo bench -p rectifiers-benches --bench squareplus -- flex/`
//! keeps one backend. Throughput is `Throughput::Bytes` of the bytes one call moves (crate
//! docs: `fwd = 2 n s`, `fwdbwd = 5 n s`), so criterion reports GB/s. Each iteration is one
//! measured call, timed with `iter_custom` around the op and its device sync; inputs are
//! prepared and outputs dropped outside the clock.

// Each bench file uses part of this module.
#![allow(dead_code)]

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use rectifiers_benches::timing::time_once;
use rectifiers_benches::{Backend, Case, Dtype, Function, Pass, Variant, format_size, run};

/// The sizes of the issue: 4Ki, 256Ki, 16Mi elements.
pub const SIZES: [usize; 3] = [4 << 10, 256 << 10, 16 << 20];

/// The backends of this build (wgpu, CUDA with their features: they need an adapter or a GPU).
pub fn backends() -> Vec<Backend> {
    Backend::ALL.into_iter().filter(|b| b.compiled()).collect()
}

/// Criterion with short runs: the 16Mi composed backward takes a good fraction of a second.
pub fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

/// Benchmarks every variant of each of `functions`, f32, at [`SIZES`], forward and forward +
/// backward (the layer step is the CLI's: `--pass layer`).
pub fn bench_functions(c: &mut Criterion, functions: &[Function]) {
    bench_functions_at(c, functions, &SIZES);
}

/// [`bench_functions`] at `sizes` (multiples of the CLI's row length, 64).
pub fn bench_functions_at(c: &mut Criterion, functions: &[Function], sizes: &[usize]) {
    for &function in functions {
        for &size in sizes {
            let mut group = c.benchmark_group(format!("{function}/{}", format_size(size)));
            for backend in backends() {
                for pass in [Pass::Fwd, Pass::FwdBwd] {
                    let case = Case {
                        backend,
                        function,
                        dtype: Dtype::F32,
                        size,
                        pass,
                    };
                    let calls = match run::calls(case, &Variant::ALL) {
                        Ok(calls) => calls,
                        Err(why) => {
                            eprintln!("skipping {function} {backend}: {why}");
                            continue;
                        }
                    };
                    group.throughput(Throughput::Bytes(case.bytes()));
                    for (variant, mut call) in calls {
                        let id = BenchmarkId::new(format!("{backend}/{variant}"), pass);
                        group.bench_function(id, |b| {
                            b.iter_custom(|iters| (0..iters).map(|_| time_once(&mut call)).sum())
                        });
                    }
                }
            }
            group.finish();
        }
    }
}
