//! One run of the CLI: the copy bandwidth, then every case, as [`Row`]s.
//!
//! Per backend × size × dtype × pass × function, the variants are timed interleaved
//! ([`crate::timing::interleaved`]) after one warm-up round, then each is run once more under
//! the peak-memory probe. Sizes below 1Mi elements get more repetitions (`reps × 1Mi / size`,
//! at most 64×), so small cases are not left to a handful of microsecond samples.

use std::panic::{self, AssertUnwindSafe};

use indicatif::ProgressBar;

use crate::copy::{CopyKind, copy_call};
use crate::csv::{Row, SOURCE};
use crate::timing::{self, Call, Stats};
use crate::{Backend, Case, Dtype, Function, Pass, Variant, bytes_moved};

/// What to measure.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Backends, in order.
    pub backends: Vec<Backend>,
    /// Functions, in order.
    pub functions: Vec<Function>,
    /// Sizes in elements (multiples of [`crate::ROW`]).
    pub sizes: Vec<usize>,
    /// Element types.
    pub dtypes: Vec<Dtype>,
    /// Passes.
    pub passes: Vec<Pass>,
    /// Variants.
    pub variants: Vec<Variant>,
    /// Timed repetitions at 1Mi elements and above.
    pub reps: usize,
    /// Whether to probe the peak memory of each call.
    pub memory: bool,
}

impl Plan {
    /// Repetitions at `size` elements: `reps × clamp(1Mi / size, 1, 64)`.
    pub fn reps_for(&self, size: usize) -> usize {
        self.reps * ((1 << 20) / size.max(1)).clamp(1, 64)
    }

    /// Every case of the plan, in the order they run.
    pub fn cases(&self) -> Vec<Case> {
        let mut all = Vec::new();
        for &backend in &self.backends {
            for &size in &self.sizes {
                for &dtype in &self.dtypes {
                    for &pass in &self.passes {
                        for &function in &self.functions {
                            all.push(Case {
                                backend,
                                function,
                                dtype,
                                size,
                                pass,
                            });
                        }
                    }
                }
            }
        }
        all
    }

    /// The progress bar's length: one tick per timed round.
    pub fn ticks(&self) -> u64 {
        let gpus = self.backends.iter().filter(|b| b.is_gpu()).count();
        let copies = self.sizes.len() * self.dtypes.len() * (1 + gpus);
        let copy_ticks: usize = self
            .sizes
            .iter()
            .map(|&s| self.reps_for(s) * self.dtypes.len() * (1 + gpus))
            .sum();
        let case_ticks: usize = self.cases().iter().map(|c| self.reps_for(c.size)).sum();
        (copy_ticks + case_ticks + copies) as u64
    }
}

/// The measured calls of `case`, or why there are none.
pub fn calls(case: Case, variants: &[Variant]) -> Result<Vec<(Variant, Call<'static>)>, String> {
    if !case.backend.compiled() {
        return Err(format!(
            "{} is not in this build (see the crate features)",
            case.backend
        ));
    }
    if !case.backend.supports(case.dtype) {
        return Err(format!("{} has no {}", case.backend, case.dtype));
    }
    let calls = if case.backend.is_burn() {
        crate::burn_cases::calls(case, variants)
    } else {
        candle(case, variants)?
    };
    if calls.is_empty() {
        return Err(format!("{}: no device", case.backend));
    }
    Ok(calls)
}

#[cfg(feature = "candle")]
fn candle(case: Case, variants: &[Variant]) -> Result<Vec<(Variant, Call<'static>)>, String> {
    crate::candle_cases::calls(case, variants).map_err(|e| e.to_string())
}

#[cfg(not(feature = "candle"))]
fn candle(_: Case, _: &[Variant]) -> Result<Vec<(Variant, Call<'static>)>, String> {
    Ok(Vec::new())
}

fn row(case: &Case, variant: &str, stats: Stats, bytes: u64, peak: Option<f64>) -> Row {
    let median_ns = stats.median.as_nanos() as u64;
    Row {
        source: SOURCE.to_owned(),
        backend: case.backend.name().to_owned(),
        function: case.function.name().to_owned(),
        param: case.function.param(),
        variant: variant.to_owned(),
        pass: case.pass.name().to_owned(),
        dtype: case.dtype.name().to_owned(),
        size: case.size,
        threads: rayon::current_num_threads(),
        median_ns,
        min_ns: stats.min.as_nanos() as u64,
        bytes,
        gbps: bytes as f64 / median_ns.max(1) as f64,
        peak_rss_mib: peak,
    }
}

/// The copy rows of `size` elements of `dtype` (see [`crate::copy`]).
pub fn copy_rows(plan: &Plan, size: usize, dtype: Dtype, progress: &ProgressBar) -> Vec<Row> {
    let bytes = size * dtype.size();
    let mut calls: Vec<Call<'static>> = CopyKind::ALL
        .iter()
        .map(|&k| Box::new(copy_call(k, bytes)) as Call<'static>)
        .collect();
    let stats = timing::interleaved(&mut calls, 1, plan.reps_for(size), || progress.inc(1));
    let peaks: Vec<Option<f64>> = calls
        .iter_mut()
        .map(|c| plan.memory.then(|| timing::peak_mib(c)).flatten())
        .collect();
    CopyKind::ALL
        .iter()
        .zip(stats)
        .zip(peaks)
        .map(|((k, s), peak)| copy_row("cpu", k.name(), size, dtype, s, peak))
        .collect()
}

/// A `copy` row: `size` elements of `dtype` read and written (`2 n s` bytes).
fn copy_row(
    backend: &str,
    variant: &str,
    size: usize,
    dtype: Dtype,
    stats: Stats,
    peak: Option<f64>,
) -> Row {
    let median_ns = stats.median.as_nanos() as u64;
    let moved = 2 * (size * dtype.size()) as u64;
    Row {
        source: SOURCE.to_owned(),
        backend: backend.to_owned(),
        function: "copy".to_owned(),
        param: 0.0,
        variant: variant.to_owned(),
        pass: Pass::Fwd.name().to_owned(),
        dtype: dtype.name().to_owned(),
        size,
        threads: rayon::current_num_threads(),
        median_ns,
        min_ns: stats.min.as_nanos() as u64,
        bytes: moved,
        gbps: moved as f64 / median_ns.max(1) as f64,
        peak_rss_mib: peak,
    }
}

/// The device copy of `size` elements of `dtype` on each GPU backend of the plan (Burn: `x * 1`,
/// Candle: `Tensor::copy`), as rows with function `copy` and variant `device`; a backend this
/// build or machine lacks gives none.
pub fn device_copy_rows(
    plan: &Plan,
    size: usize,
    dtype: Dtype,
    progress: &ProgressBar,
) -> Vec<Row> {
    let mut rows = Vec::new();
    for &backend in plan.backends.iter().filter(|b| b.is_gpu()) {
        let call = if backend.is_burn() {
            crate::burn_cases::device_copy_call(backend, size, dtype)
        } else {
            candle_copy(backend, size, dtype)
        };
        let Some(call) = call else {
            progress.inc(plan.reps_for(size) as u64 + 1);
            continue;
        };
        let mut calls = vec![call];
        let stats = timing::interleaved(&mut calls, 1, plan.reps_for(size), || progress.inc(1));
        progress.inc(1);
        rows.push(copy_row(
            backend.name(),
            "device",
            size,
            dtype,
            stats[0],
            None,
        ));
    }
    rows
}

#[cfg(feature = "candle")]
fn candle_copy(backend: Backend, size: usize, dtype: Dtype) -> Option<Call<'static>> {
    crate::candle_cases::device_copy_call(backend, size, dtype)
        .ok()
        .flatten()
}

#[cfg(not(feature = "candle"))]
fn candle_copy(_: Backend, _: usize, _: Dtype) -> Option<Call<'static>> {
    None
}

/// The rows of one case; `Err` says why it was skipped.
pub fn case_rows(plan: &Plan, case: Case, progress: &ProgressBar) -> Result<Vec<Row>, String> {
    let reps = plan.reps_for(case.size);
    let calls = calls(case, &plan.variants);
    let (variants, mut calls): (Vec<Variant>, Vec<Call<'static>>) = match calls {
        Ok(c) => c.into_iter().unzip(),
        Err(why) => {
            progress.inc(reps as u64);
            return Err(why);
        }
    };
    let stats = timing::interleaved(&mut calls, 1, reps, || progress.inc(1));
    let bytes = bytes_moved(case.function, case.pass, case.size, case.dtype.size());
    Ok(variants
        .iter()
        .zip(stats)
        .zip(calls.iter_mut())
        .map(|((v, s), call)| {
            let peak = plan.memory.then(|| timing::peak_mib(call)).flatten();
            row(&case, v.name(), s, bytes, peak)
        })
        .collect())
}

/// Every row of the plan: copies first, then the cases; skipped cases (missing backend or dtype,
/// or a panic inside the framework) are reported once each through `skipped`.
pub fn run(plan: &Plan, progress: &ProgressBar, mut skipped: impl FnMut(String)) -> Vec<Row> {
    let mut rows = Vec::new();
    for &size in &plan.sizes {
        for &dtype in &plan.dtypes {
            rows.extend(copy_rows(plan, size, dtype, progress));
            progress.inc(1);
            rows.extend(device_copy_rows(plan, size, dtype, progress));
        }
    }
    let mut reasons: Vec<String> = Vec::new();
    for case in plan.cases() {
        progress.set_message(format!(
            "{} {} {} {} {}",
            case.backend,
            case.function,
            case.pass,
            case.dtype,
            crate::format_size(case.size)
        ));
        // A backend that panics on a case (an op it lacks for a dtype) skips that case only.
        let result = panic::catch_unwind(AssertUnwindSafe(|| case_rows(plan, case, progress)))
            .unwrap_or_else(|p| {
                let what = p
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| p.downcast_ref::<&str>().copied())
                    .unwrap_or("a panic");
                Err(format!(
                    "{} {} {} {}: {what}",
                    case.backend, case.function, case.pass, case.dtype
                ))
            });
        match result {
            Ok(r) => rows.extend(r),
            Err(why) if !reasons.contains(&why) => {
                reasons.push(why.clone());
                skipped(why);
            }
            Err(_) => {}
        }
    }
    rows
}
