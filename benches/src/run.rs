//! One run of the CLI: the copy bandwidth, then every case, as [`Row`]s.
//!
//! Per size × dtype × pass × function (a [`Plan::groups`] group), the variants of every
//! backend, and PyTorch's when it runs beside ([`crate::pytorch`]), are timed in the same
//! rounds ([`crate::timing::interleaved_with`]): each call runs once untimed when it is made
//! (a backend that panics there is skipped for the group), then every round runs each call
//! once and PyTorch's variants once, so drift in the machine's state hits all of them alike.
//! Then each of ours is run once more under the peak-memory probe. Sizes below 1Mi elements
//! get more rounds (`reps × 1Mi / size`, at most 64×), so small cases are not left to a
//! handful of microsecond samples.

use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

use indicatif::ProgressBar;

use crate::copy::{CopyKind, copy_call};
use crate::csv::{Row, SOURCE};
use crate::pytorch::{self, Torch};
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

    /// Every case of the plan, grouped as they are timed side by side: per size, dtype, pass
    /// and function (in that order), the case on each backend.
    pub fn groups(&self) -> Vec<Vec<Case>> {
        let mut all = Vec::new();
        for &size in &self.sizes {
            for &dtype in &self.dtypes {
                for &pass in &self.passes {
                    for &function in &self.functions {
                        let group = self.backends.iter().map(|&backend| Case {
                            backend,
                            function,
                            dtype,
                            size,
                            pass,
                        });
                        all.push(group.collect());
                    }
                }
            }
        }
        all
    }

    /// Every case of the plan, in the order they run.
    pub fn cases(&self) -> Vec<Case> {
        self.groups().into_iter().flatten().collect()
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
        let case_ticks: usize = self
            .groups()
            .iter()
            .map(|g| g.first().map_or(0, |c| self.reps_for(c.size)))
            .sum();
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

/// Why a panic happened, from its payload.
fn panic_message(p: &(dyn std::any::Any + Send)) -> &str {
    p.downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| p.downcast_ref::<&str>().copied())
        .unwrap_or("a panic")
}

/// The calls of `case`, each run once untimed (the warm-up, and the check that the backend
/// has the op: a panic there, such as an op a backend lacks for a dtype, skips the case).
fn warm_calls(case: Case, variants: &[Variant]) -> Result<Vec<(Variant, Call<'static>)>, String> {
    panic::catch_unwind(AssertUnwindSafe(|| {
        let mut calls = calls(case, variants)?;
        for (_, call) in &mut calls {
            timing::time_once(call);
        }
        Ok(calls)
    }))
    .unwrap_or_else(|p| {
        Err(format!(
            "{} {} {} {}: {}",
            case.backend,
            case.function,
            case.pass,
            case.dtype,
            panic_message(p.as_ref())
        ))
    })
}

/// A PyTorch row of `case` (its backend aside).
fn torch_row(case: &Case, variant: &str, stats: Stats, bytes: u64) -> Row {
    Row {
        source: pytorch::SOURCE.to_owned(),
        backend: pytorch::BACKEND.to_owned(),
        ..row(case, variant, stats, bytes, None)
    }
}

/// The rows of one group ([`Plan::groups`]): ours in backend order, then PyTorch's. A case or
/// PyTorch's part that cannot run is reported through `skipped` and left out.
pub fn group_rows(
    plan: &Plan,
    group: &[Case],
    torch: Option<&mut Torch>,
    progress: &ProgressBar,
    skipped: &mut impl FnMut(String),
) -> Vec<Row> {
    let Some(&first) = group.first() else {
        return Vec::new();
    };
    let reps = plan.reps_for(first.size);
    let mut members: Vec<(Case, Vec<Variant>)> = Vec::new();
    let mut calls: Vec<Call<'static>> = Vec::new();
    for &case in group {
        match warm_calls(case, &plan.variants) {
            Ok(c) => {
                let (variants, c): (Vec<Variant>, Vec<Call<'static>>) = c.into_iter().unzip();
                members.push((case, variants));
                calls.extend(c);
            }
            Err(why) => skipped(why),
        }
    }
    if members.is_empty() {
        progress.inc(reps as u64);
        return Vec::new();
    }
    // PyTorch's variants of this case, prepared (and run once) in its process.
    let torch = torch.and_then(|t| {
        let wanted = pytorch::wanted(&plan.variants, first.function, first.pass);
        match t.case(&first, &wanted) {
            Ok(names) => Some((t, names)),
            // Once the process is gone, one message says so (not one per case).
            Err(why) if !t.alive() => {
                skipped(why);
                None
            }
            Err(why) => {
                skipped(format!(
                    "PyTorch {} {} {}: {why}",
                    first.function, first.pass, first.dtype
                ));
                None
            }
        }
    });
    let (torch, torch_names) = match torch {
        Some((t, names)) => (Some(t), names),
        None => (None, Vec::new()),
    };
    let timed = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut torch = torch;
        let others = || match torch.as_deref_mut() {
            Some(t) => t.round(),
            None => Ok(Vec::<Duration>::new()),
        };
        timing::interleaved_with(&mut calls, 0, reps, others, || progress.inc(1))
    }));
    let (stats, torch_stats) = match timed {
        Ok(s) => s,
        Err(p) => {
            skipped(format!(
                "{} {} {} {}: {}",
                first.function,
                first.pass,
                first.dtype,
                crate::format_size(first.size),
                panic_message(p.as_ref())
            ));
            return Vec::new();
        }
    };
    let bytes = bytes_moved(first.function, first.pass, first.size, first.dtype.size());
    let mut rows = Vec::new();
    let mut stats = stats.into_iter();
    let mut calls = calls.iter_mut();
    for (case, variants) in &members {
        for v in variants {
            let (s, call) = (stats.next(), calls.next());
            let (Some(s), Some(call)) = (s, call) else {
                unreachable!("one call and one Stats per variant");
            };
            let peak = plan.memory.then(|| timing::peak_mib(call)).flatten();
            rows.push(row(case, v.name(), s, bytes, peak));
        }
    }
    match torch_stats {
        Ok(ts) => rows.extend(
            torch_names
                .iter()
                .zip(ts)
                .map(|(v, s)| torch_row(&first, v, s, bytes)),
        ),
        Err(why) => skipped(format!(
            "PyTorch {} {} {}: {why}",
            first.function, first.pass, first.dtype
        )),
    }
    rows
}

/// Every row of the plan: copies first, then the cases, group by group ([`Plan::groups`]),
/// with PyTorch's beside ours when `torch` is given; skipped cases (missing backend or dtype,
/// a panic inside the framework, PyTorch failing) are reported once each through `skipped`.
pub fn run(
    plan: &Plan,
    progress: &ProgressBar,
    mut torch: Option<&mut Torch>,
    mut skipped: impl FnMut(String),
) -> Vec<Row> {
    let mut rows = Vec::new();
    for &size in &plan.sizes {
        for &dtype in &plan.dtypes {
            rows.extend(copy_rows(plan, size, dtype, progress));
            progress.inc(1);
            rows.extend(device_copy_rows(plan, size, dtype, progress));
        }
    }
    let mut reasons: Vec<String> = Vec::new();
    let mut report = |why: String| {
        if !reasons.contains(&why) {
            reasons.push(why.clone());
            skipped(why);
        }
    };
    for group in plan.groups() {
        let Some(case) = group.first() else {
            continue;
        };
        progress.set_message(format!(
            "{} {} {} {}",
            case.function,
            case.pass,
            case.dtype,
            crate::format_size(case.size)
        ));
        rows.extend(group_rows(
            plan,
            &group,
            torch.as_deref_mut(),
            progress,
            &mut report,
        ));
    }
    rows
}
