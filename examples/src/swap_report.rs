//! The report of a model swap, shared by the Candle and Burn demos: how far the swapped block's
//! output is from the ecosystem's, against how far f32 arithmetic already puts the ecosystem's
//! from the f64 result, and the times. Everything here works on plain vectors.

use std::fmt;
use std::time::{Duration, Instant};

/// One version of the block (as the ecosystem writes it, or swapped), run in f32.
pub struct Run {
    /// Its activation on the activation's input.
    pub act: Vec<f32>,
    /// Its output.
    pub y: Vec<f32>,
    /// Least times of the block and of the activation alone.
    pub times: (Duration, Duration),
}

/// The block's f64 result: the activation (the ecosystem's op in f64) and the output.
pub struct Reference {
    pub act: Vec<f64>,
    pub y: Vec<f64>,
}

/// The numbers printed for one block.
pub struct SwapReport {
    /// The two versions' names (`candle-nn`, `candle-rectifiers`).
    names: [&'static str; 2],
    /// Whether the activation is gated, `act(gate) * up`: its input is then `gate`.
    gated: bool,
    /// The activation's input (the first linear layer's output): count, min, max.
    act_input: (usize, f32, f32),
    /// Max ULP of each activation from the f64 result, and between them.
    act_ulp: (u64, u64, u64),
    shape: Vec<usize>,
    /// `max |y_ecosystem - y_swapped|`.
    diff: f64,
    /// `max |y_ecosystem|`.
    max_y: f64,
    /// `max |y - y_f64|` of each version: its f32 rounding.
    rounding: (f64, f64),
    /// Block and activation times, the ecosystem's then the swapped version's.
    times: [(Duration, Duration); 2],
    runs: usize,
}

impl SwapReport {
    /// Compares `[ecosystem, swapped]`, whose activations ran on `act_input` and outputs have
    /// `shape`, with `reference`; each time the least of `runs`.
    pub fn new(
        names: [&'static str; 2],
        act_input: &[f32],
        shape: &[usize],
        [eco, swap]: [Run; 2],
        reference: &Reference,
        runs: usize,
    ) -> Self {
        let act_ref: Vec<f32> = reference.act.iter().map(|&v| v as f32).collect();
        let (lo, hi) = act_input
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        Self {
            names,
            gated: false,
            act_input: (act_input.len(), lo, hi),
            act_ulp: (
                max_ulp(&eco.act, &act_ref),
                max_ulp(&swap.act, &act_ref),
                max_ulp(&eco.act, &swap.act),
            ),
            shape: shape.to_vec(),
            diff: max_abs_diff(&eco.y, swap.y.iter().map(|&v| v as f64)),
            max_y: eco.y.iter().fold(0.0, |m, &v| m.max(v.abs() as f64)),
            rounding: (
                max_abs_diff(&eco.y, reference.y.iter().copied()),
                max_abs_diff(&swap.y, reference.y.iter().copied()),
            ),
            times: [eco.times, swap.times],
            runs,
        }
    }

    /// The report of a gated activation, `act(gate) * up`, whose input `act_input` was `gate`.
    pub fn gated(self) -> Self {
        Self {
            gated: true,
            ..self
        }
    }

    /// The swap moves the output by no more than f32 arithmetic already moves the ecosystem's
    /// block from the f64 result.
    pub fn within_rounding(&self) -> bool {
        self.diff <= self.rounding.0
    }
}

impl fmt::Display for SwapReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [eco, swap] = self.names;
        let (n, lo, hi) = self.act_input;
        let (ulp_eco, ulp_swap, ulp_between) = self.act_ulp;
        let (act, on, ops) = if self.gated {
            let on = format!("{n} values, gate in [{lo:.2}, {hi:.2}]");
            ("act(gate) * up", on, "ops")
        } else {
            (
                "activation",
                format!("{n} values in [{lo:.2}, {hi:.2}]"),
                "op",
            )
        };
        writeln!(
            f,
            "  {act} on {on}: max ULP from the f64 result ({eco}'s {ops} in f64): {eco} {ulp_eco}, \
             {swap} {ulp_swap}; between them {ulp_between}"
        )?;
        writeln!(
            f,
            "  output {:?}: max |{eco} - {swap}| = {:.2e} ({:.1e} of max |y| = {:.2})",
            self.shape,
            self.diff,
            self.diff / self.max_y,
            self.max_y
        )?;
        writeln!(
            f,
            "  f32 rounding: max |{eco} - f64 reference| = {:.2e}, max |{swap} - f64 reference| \
             = {:.2e}: the swap {} the f32 rounding of {eco}'s block",
            self.rounding.0,
            self.rounding.1,
            if self.within_rounding() {
                "is within"
            } else {
                "EXCEEDS"
            }
        )?;
        let ms = |t: Duration| t.as_secs_f64() * 1e3;
        let [(b_eco, a_eco), (b_swap, a_swap)] = self.times;
        write!(
            f,
            "  time (min of {} runs): block: {eco} {:.1} ms, {swap} {:.1} ms; \
             {act} alone: {eco} {:.2} ms, {swap} {:.2} ms",
            self.runs,
            ms(b_eco),
            ms(b_swap),
            ms(a_eco),
            ms(a_swap)
        )
    }
}

/// The least wall time of `runs` calls after one warm-up, with the last result.
pub fn min_time<T, E>(
    runs: usize,
    mut f: impl FnMut() -> Result<T, E>,
) -> Result<(T, Duration), E> {
    let mut y = f()?;
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        y = f()?;
        best = best.min(start.elapsed());
    }
    Ok((y, best))
}

/// `max |a - b|`, in f64.
fn max_abs_diff(a: &[f32], b: impl Iterator<Item = f64>) -> f64 {
    a.iter()
        .zip(b)
        .fold(0.0, |m, (&x, y)| m.max((x as f64 - y).abs()))
}

/// The largest number of f32 steps between `a` and `b`.
fn max_ulp(a: &[f32], b: &[f32]) -> u64 {
    // Bits as integers ordered like the floats: +0 and -0 both map to 0.
    let ordered = |x: f32| {
        let i = x.to_bits() as i32 as i64;
        if i < 0 { i32::MIN as i64 - i } else { i }
    };
    a.iter()
        .zip(b)
        .map(|(&x, &y)| ordered(x).abs_diff(ordered(y)))
        .max()
        .unwrap_or(0)
}
