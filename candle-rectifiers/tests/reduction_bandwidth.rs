//! Bandwidth of the CUDA reductions against the device copy, at 256Mi f32: LSE0+ over rows of
//! 16, 64, 4096 and 65536 elements (a lane group, a block and several blocks per row), and
//! PReLU's backward channels last and over long rows. Needs a GPU (ignored by default; the GPU
//! script `gpu/run.sh` runs it):
//!
//! ```text
//! cargo test -p candle-rectifiers --features cuda --test reduction_bandwidth -- \
//!     --ignored --nocapture
//! ```
//!
//! GB/s counts the bytes an ideal kernel moves (the bench CLI's convention, `benches/src/lib.rs`):
//! LSE0+ forward reads x and writes one value per row, its backward reads x and dy and writes
//! dx; PReLU's backward reads x and dy and writes dx. `% copy` is of [`Tensor::copy`]'s GB/s
//! (1 GiB read and 1 GiB written). Targets (issue #16): LSE0+ at least 60% for rows of 64 and
//! 4096.
#![cfg(feature = "cuda")]

use std::time::Instant;

use candle_core::{Device, Result, Tensor, Var};
use candle_rectifiers as cr;

/// Elements of every input: 256Mi f32, 1 GiB.
const N: usize = 1 << 28;
/// Timed repetitions (after one warm-up); the median is reported.
const REPS: usize = 7;

/// The median time of `f` in seconds, the device synchronised around each call.
fn time(dev: &Device, mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    f()?;
    dev.synchronize()?;
    let mut t = Vec::with_capacity(REPS);
    for _ in 0..REPS {
        let start = Instant::now();
        f()?;
        dev.synchronize()?;
        t.push(start.elapsed().as_secs_f64());
    }
    t.sort_by(f64::total_cmp);
    Ok(t[REPS / 2])
}

fn row(what: &str, bytes: usize, secs: f64, copy_gbs: f64) -> String {
    let gbs = bytes as f64 / secs / 1e9;
    format!(
        "| {what} | {:.3} ms | {gbs:.0} | {:.0}% |",
        secs * 1e3,
        100.0 * gbs / copy_gbs
    )
}

#[test]
#[ignore = "needs a GPU; a timing, run by gpu/run.sh"]
fn reduction_bandwidth() -> Result<()> {
    let dev = Device::new_cuda(0)?;
    let x = Tensor::randn(0f32, 4.0, N, &dev)?;
    let t = time(&dev, || x.copy().map(|_| ()))?;
    let copy_gbs = (2 * 4 * N) as f64 / t / 1e9;
    let mut lines = vec![
        format!(
            "\n256Mi f32 on {dev:?}; device copy {copy_gbs:.0} GB/s ({:.3} ms)",
            t * 1e3
        ),
        "| case | time | GB/s | % copy |".to_string(),
        "|---|---|---|---|".to_string(),
    ];

    for n in [16, 64, 4096, 65536] {
        let rows = N / n;
        let xs = x.reshape((rows, n))?;
        let t = time(&dev, || cr::lse0_plus_keepdim(&xs, 1).map(|_| ()))?;
        lines.push(row(
            &format!("lse0_plus fwd, rows of {n}"),
            4 * (N + rows),
            t,
            copy_gbs,
        ));
        // Plus Candle's own small ops on [rows, 1] (the sum and its gradient).
        let v = Var::from_tensor(&xs)?;
        let t_both = time(&dev, || {
            let y = cr::lse0_plus_keepdim(v.as_tensor(), 1)?;
            y.sum_all()?.backward().map(|_| ())
        })?;
        lines.push(row(
            &format!("lse0_plus fwd+bwd, rows of {n}"),
            4 * (N + rows) + 4 * (2 * N + rows),
            t_both,
            copy_gbs,
        ));
    }

    for (shape, channels) in [(vec![N / 64, 64], 64), (vec![16, 64, N / 1024], 64)] {
        let xs = x.reshape(shape.as_slice())?;
        let alpha = Tensor::full(0.25f32, channels, &dev)?;
        let t = time(&dev, || cr::prelu(&xs, &alpha).map(|_| ()))?;
        lines.push(row(&format!("prelu fwd {shape:?}"), 4 * 2 * N, t, copy_gbs));
        let (xv, av) = (Var::from_tensor(&xs)?, Var::from_tensor(&alpha)?);
        let t_both = time(&dev, || {
            let y = cr::prelu(xv.as_tensor(), av.as_tensor())?;
            y.sum_all()?.backward().map(|_| ())
        })?;
        lines.push(row(
            &format!("prelu fwd+bwd {shape:?} (+ Candle's sum, and dy made contiguous: 1 GiB)"),
            4 * 2 * N + 4 * 3 * N,
            t_both,
            copy_gbs,
        ));
    }
    println!("{}", lines.join("\n"));
    Ok(())
}
