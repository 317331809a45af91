//! Every f32 input, for every function and derivative, against the f64 evaluation.
//!
//! The reference is the careful f64 path, itself held to 2 ULP of mpmath by `reference.rs`:
//! its error is about 2^-27 of an f32 ULP, so the measured errors are the f32 path's own.
//! Near the zero of the SiLU, GELU and Mish derivatives the f64 reference is held to 4.5e-16
//! absolute instead, which can blur the measure there by up to half an f32 ULP.
//!
//! By default it walks every 65,537th bit pattern (65,536 inputs); with
//! `RECTIFIERS_EXHAUSTIVE=1` all 2^32 (`=N`: every N-th). The table in `rectifiers-core/ACCURACY.md` was made by
//!
//! ```text
//! RECTIFIERS_EXHAUSTIVE=1 cargo test --release -p rectifiers-core --test exhaustive -- --nocapture
//! ```
//!
//! `RECTIFIERS_EXHAUSTIVE_ONLY=silu,gelu` restricts it to the named functions.

mod support;

use rayon::prelude::*;
use rectifiers_core::{Elementwise, Rectifier};
use support::{functions, hex32, ulps32};

#[derive(Clone, Copy, Default)]
struct Worst {
    ulps: f64,
    x: f32,
    got: f32,
    want: f64,
    /// Inputs where the result is not NaN but should be, or the other way round.
    nan_mismatch: u64,
    /// One input of those.
    nan_x: f32,
    /// Inputs whose correctly rounded result is a normal f32 (the contract's domain).
    checked: u64,
}

impl Worst {
    fn merge(self, o: Worst) -> Worst {
        let mut w = if o.ulps > self.ulps { o } else { self };
        w.nan_mismatch = self.nan_mismatch + o.nan_mismatch;
        w.nan_x = if o.nan_mismatch > 0 {
            o.nan_x
        } else {
            self.nan_x
        };
        w.checked = self.checked + o.checked;
        w
    }
}

fn measure(
    stride: u64,
    f32_fn: impl Fn(f32) -> f32 + Sync,
    f64_fn: impl Fn(f64) -> f64 + Sync,
) -> Worst {
    let n = (1u64 << 32).div_ceil(stride) as usize;
    (0..n)
        .into_par_iter()
        .with_min_len(1 << 16)
        .fold(Worst::default, |mut w, i| {
            let x = f32::from_bits((i as u64 * stride) as u32);
            let got = f32_fn(x);
            let want = f64_fn(x as f64);
            if got.is_nan() != want.is_nan() {
                w.nan_mismatch += 1;
                w.nan_x = x;
            } else if (want as f32).is_normal() {
                w.checked += 1;
                let u = ulps32(got, want);
                if u > w.ulps {
                    (w.ulps, w.x, w.got, w.want) = (u, x, got, want);
                }
            }
            w
        })
        .reduce(Worst::default, Worst::merge)
}

fn selected() -> Vec<Elementwise> {
    let only = std::env::var("RECTIFIERS_EXHAUSTIVE_ONLY").ok();
    functions()
        .into_iter()
        .filter(|f| {
            only.as_ref()
                .is_none_or(|o| o.split(',').any(|n| f.kind().name() == n))
        })
        .collect()
}

#[test]
fn f32_paths_within_1_ulp_on_every_input() {
    // RECTIFIERS_EXHAUSTIVE=1: every input; =N: every N-th; unset: every 65,537th.
    let stride = std::env::var("RECTIFIERS_EXHAUSTIVE")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(65_537);
    println!(
        "| function | f max ULP | f' max ULP | inputs checked | worst f input | worst f' input |"
    );
    println!("|---|---|---|---|---|---|");
    let mut failures = Vec::new();
    for f in selected() {
        let start = std::time::Instant::now();
        let fw = measure(stride, |x| f.forward_f32(x), |x| f.forward_f64(x));
        let dw = measure(stride, |x| f.derivative_f32(x), |x| f.derivative_f64(x));
        println!(
            "| {} | {:.3} | {:.3} | {} | {} | {} |",
            f,
            fw.ulps,
            dw.ulps,
            fw.checked.min(dw.checked),
            hex32(fw.x),
            hex32(dw.x),
        );
        eprintln!("  {} took {:.1?}", f, start.elapsed());
        for (which, w) in [("f", fw), ("f'", dw)] {
            // The contract: faithful (below 1 ULP of the exact value).
            if w.ulps >= 1.0 || w.nan_mismatch > 0 {
                failures.push(format!(
                    "{} {which}: {:.2} ULP at x = {}: got {}, f64 {:e}; {} NaN mismatches (e.g. at {})",
                    f,
                    w.ulps,
                    hex32(w.x),
                    hex32(w.got),
                    w.want,
                    w.nan_mismatch,
                    hex32(w.nan_x)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `f16` and `bf16`: all 65,536 inputs of each, every function and derivative, always run.
/// Computed in f32 and rounded once, so within half an ULP of the f64 value plus the f32
/// error (2^-13 of an f16 ULP at most): the bound is 0.501.
#[test]
fn half_types_within_half_an_ulp_on_every_input() {
    use rectifiers_core::{bf16, f16};

    fn ulp_of(v: f64, mantissa_bits: i32, min_exp: i32) -> f64 {
        let e = v.abs().log2().floor().max(min_exp as f64) as i32;
        2f64.powi(e - mantissa_bits)
    }
    println!("| function | f16 f | f16 f' | bf16 f | bf16 f' |");
    println!("|---|---|---|---|---|");
    let mut failures = Vec::new();
    for f in functions() {
        let mut worst = [0.0f64; 4];
        for bits in 0..=u16::MAX {
            let (h, b) = (f16::from_bits(bits), bf16::from_bits(bits));
            let cases = [
                (
                    f.forward(h).to_f64(),
                    f.forward_f64(h.to_f64()),
                    10,
                    -14,
                    65504.0,
                ),
                (
                    f.derivative(h).to_f64(),
                    f.derivative_f64(h.to_f64()),
                    10,
                    -14,
                    65504.0,
                ),
                (
                    f.forward(b).to_f64(),
                    f.forward_f64(b.to_f64()),
                    7,
                    -126,
                    3.38e38,
                ),
                (
                    f.derivative(b).to_f64(),
                    f.derivative_f64(b.to_f64()),
                    7,
                    -126,
                    3.38e38,
                ),
            ];
            for (i, (got, want, m, min_exp, max)) in cases.into_iter().enumerate() {
                let normal = want.abs() >= 2f64.powi(min_exp) && want.abs() <= max;
                if want.is_nan() || !normal {
                    continue;
                }
                let u = (got - want).abs() / ulp_of(want, m, min_exp);
                worst[i] = worst[i].max(u);
            }
        }
        println!(
            "| {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            f, worst[0], worst[1], worst[2], worst[3]
        );
        if worst.iter().any(|&w| w > 0.501) {
            failures.push(format!("{}: {worst:?}", f));
        }
    }
    assert!(failures.is_empty(), "over 0.501 ULP: {failures:?}");
}
