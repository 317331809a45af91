//! The `f32` kernels against the scalar `libm` evaluation they replaced, one thread, in cache.
//!
//! For each function: ns per element of `kernel::forward` / `kernel::backward` on `f32`
//! (branch-free formulas, vectorised at the level `kernel::simd_level()` picks), and of the
//! careful `f64` path rounded to `f32` (`std`/`libm` `exp`, `erfc`, ... one element at a
//! time: what the `f32` path computed before it was vectorised). Best of 7 runs of 16Ki
//! elements (below the parallel threshold, so one thread), side by side in one process.
//!
//! ```text
//! cargo run --release -p rectifiers-core --example vector_speed
//! RECTIFIERS_SIMD=avx2 cargo run --release -p rectifiers-core --example vector_speed
//! ```

use std::hint::black_box;
use std::time::Instant;

use rectifiers_core::{
    Elu, Gelu, GeluTanh, LeakyRelu, Mish, Rectifier, Relu, SRelu, Silu, Softplus, SoftplusApprox,
    Squareplus, kernel,
};

const LEN: usize = 1 << 14;

/// The best of 7 runs of `reps` calls of `f`, in ns per element.
fn ns_per_elem(mut f: impl FnMut()) -> f64 {
    let reps = 200;
    (0..7)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..reps {
                f();
            }
            start.elapsed().as_secs_f64() * 1e9 / (reps * LEN) as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn row<R: Rectifier>(r: R, x: &[f32], y: &mut [f32]) {
    let dy = vec![1.0_f32; x.len()];
    let fwd = ns_per_elem(|| kernel::forward(&r, black_box(x), black_box(&mut *y)));
    let bwd = ns_per_elem(|| kernel::backward(&r, black_box(x), &dy, black_box(&mut *y)));
    let fwd_libm = ns_per_elem(|| {
        for (y, &x) in y.iter_mut().zip(black_box(x)) {
            *y = r.forward_f64(x as f64) as f32;
        }
    });
    let bwd_libm = ns_per_elem(|| {
        for ((y, &x), &g) in y.iter_mut().zip(black_box(x)).zip(&dy) {
            *y = g * r.derivative_f64(x as f64) as f32;
        }
    });
    println!(
        "| {} | {fwd:.2} | {fwd_libm:.2} | {:.1}x | {bwd:.2} | {bwd_libm:.2} | {:.1}x |",
        r.name(),
        fwd_libm / fwd,
        bwd_libm / bwd
    );
}

fn main() -> Result<(), rectifiers_core::ParamError> {
    // -8..8 in a scrambled order, so branches (in the libm paths) are not predictable.
    let x: Vec<f32> = (0..LEN)
        .map(|i| ((i * 7919) % LEN) as f32 / LEN as f32 * 16.0 - 8.0)
        .collect();
    let mut y = vec![0.0_f32; LEN];
    println!("SIMD level: {:?}\n", kernel::simd_level());
    println!(
        "| function | fwd ns/elem | fwd libm | speed-up | bwd ns/elem | bwd libm | speed-up |"
    );
    println!("|---|---|---|---|---|---|---|");
    row(Relu, &x, &mut y);
    row(LeakyRelu::default(), &x, &mut y);
    row(SRelu::default(), &x, &mut y);
    row(Squareplus::default(), &x, &mut y);
    row(Softplus::new(1.0)?, &x, &mut y);
    row(SoftplusApprox, &x, &mut y);
    row(Silu, &x, &mut y);
    row(Elu::default(), &x, &mut y);
    row(Mish, &x, &mut y);
    row(Gelu, &x, &mut y);
    row(GeluTanh, &x, &mut y);
    Ok(())
}
