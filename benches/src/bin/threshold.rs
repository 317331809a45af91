//! Measures where splitting an elementwise kernel across threads starts to pay, to choose
//! `rectifiers_core::kernel::PARALLEL_MIN_LEN`.
//!
//! For each size it times the kernel on one thread against the same work split in two halves
//! with `rayon::join` (the cheapest split there is), side by side, and prints the ratio.
//!
//! ```text
//! cargo run --release -p rectifiers-benches --bin threshold
//! ```

use std::time::{Duration, Instant};

use rectifiers_core::{Rectifier, Relu, Silu, Squareplus, kernel};

/// The median of `reps` timings of `f`.
fn median(reps: usize, mut f: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    t.sort();
    t[reps / 2]
}

fn row<R: Rectifier>(r: &R, len: usize) {
    let x: Vec<f32> = (0..len).map(|i| (i % 1000) as f32 * 0.01 - 5.0).collect();
    let mut y = vec![0.0_f32; len];
    let reps = (1 << 24) / len.max(1) + 5;
    let serial = median(reps.min(2001), || {
        // Below PARALLEL_MIN_LEN the kernel runs on this thread.
        for (x, y) in x
            .chunks(kernel::PARALLEL_MIN_LEN / 2)
            .zip(y.chunks_mut(kernel::PARALLEL_MIN_LEN / 2))
        {
            kernel::forward(r, x, y);
        }
    });
    let (xa, xb) = x.split_at(len / 2);
    let (ya, yb) = y.split_at_mut(len / 2);
    let split = median(reps.min(2001), || {
        rayon::join(
            || {
                for (x, y) in xa
                    .chunks(kernel::PARALLEL_MIN_LEN / 2)
                    .zip(ya.chunks_mut(kernel::PARALLEL_MIN_LEN / 2))
                {
                    kernel::forward(r, x, y);
                }
            },
            || {
                for (x, y) in xb
                    .chunks(kernel::PARALLEL_MIN_LEN / 2)
                    .zip(yb.chunks_mut(kernel::PARALLEL_MIN_LEN / 2))
                {
                    kernel::forward(r, x, y);
                }
            },
        );
    });
    println!(
        "| {} | {len} | {:.2?} | {:.2?} | {:.2} |",
        r.name(),
        serial,
        split,
        serial.as_secs_f64() / split.as_secs_f64()
    );
}

fn main() {
    println!("threads: {}", rayon::current_num_threads());
    println!("| function | f32 elements | one thread | split in two | speedup |");
    println!("|---|---|---|---|---|");
    for shift in [10, 12, 13, 14, 15, 16, 17, 18, 20, 22] {
        let len = 1 << shift;
        row(&Relu, len);
        row(&Squareplus::default(), len);
        row(&Silu, len);
    }
}
