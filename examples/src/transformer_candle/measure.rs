//! What the demo prints for one block: how far the swapped block's output is from the
//! ecosystem's, against how far f32 arithmetic already puts the ecosystem's from f64, and the
//! times.

use std::fmt;
use std::time::{Duration, Instant};

use candle_core::{DType, Module, Result, Tensor};
use candle_nn::Linear;
use candle_rectifiers::modules::Activation;

/// The block three ways, on the same weights: as the ecosystem writes it and swapped (f32),
/// and its formula in f64 ([`super::reference`]); with the activations and the linear layer
/// before them.
pub struct Blocks<'a> {
    pub ecosystem: &'a dyn Module,
    pub swapped: &'a dyn Module,
    pub reference_f64: &'a dyn Fn(&Tensor) -> Result<Tensor>,
    pub act_ecosystem: candle_nn::Activation,
    pub act_swapped: Activation,
    pub first_linear: &'a Linear,
}

/// The measurements of [`measure`].
pub struct Measured {
    /// The activation's input: the first linear layer's output (count, min, max).
    pub act_input: (usize, f32, f32),
    /// Max ULP of each activation from its f64 result (candle-nn's op in f64), and between them.
    pub act_ulp: (u64, u64, u64),
    /// Output shape.
    pub shape: Vec<usize>,
    /// `max |y_ecosystem - y_swapped|`.
    pub diff: f64,
    /// `max |y_ecosystem|`.
    pub max_y: f64,
    /// `max |y_ecosystem - y_f64|` and `max |y_swapped - y_f64|`: the f32 blocks' rounding.
    pub rounding: (f64, f64),
    /// Min times: block (ecosystem, swapped), activation alone (ecosystem, swapped).
    pub times: [Duration; 4],
    /// Runs per time.
    pub runs: usize,
}

impl Measured {
    /// The swap moves the output by no more than f32 arithmetic already moves the ecosystem's
    /// block from the f64 result.
    pub fn within_rounding(&self) -> bool {
        self.diff <= self.rounding.0
    }
}

/// Runs `blocks` on `x` (f32): the outputs, the f64 reference, and `runs` timed runs each.
pub fn measure(blocks: &Blocks, x: &Tensor, runs: usize) -> Result<Measured> {
    let (y_eco, t_eco) = min_time(runs, || blocks.ecosystem.forward(x))?;
    let (y_swap, t_swap) = min_time(runs, || blocks.swapped.forward(x))?;
    let y_f64 = (blocks.reference_f64)(&x.to_dtype(DType::F64)?)?;

    let z = blocks.first_linear.forward(x)?;
    let (a_eco, t_act_eco) = min_time(runs, || blocks.act_ecosystem.forward(&z))?;
    let (a_swap, t_act_swap) = min_time(runs, || blocks.act_swapped.forward(&z))?;
    let a_f64 = blocks
        .act_ecosystem
        .forward(&z.to_dtype(DType::F64)?)?
        .to_dtype(DType::F32)?;
    let zs = z.flatten_all()?.to_vec1::<f32>()?;
    let (lo, hi) = zs
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });

    Ok(Measured {
        act_input: (zs.len(), lo, hi),
        act_ulp: (
            max_ulp(&a_eco, &a_f64)?,
            max_ulp(&a_swap, &a_f64)?,
            max_ulp(&a_eco, &a_swap)?,
        ),
        shape: y_eco.dims().to_vec(),
        diff: max_abs_diff(&y_eco, &y_swap)?,
        max_y: y_eco.abs()?.max_all()?.to_scalar::<f32>()? as f64,
        rounding: (
            max_abs_diff(&y_eco, &y_f64)?,
            max_abs_diff(&y_swap, &y_f64)?,
        ),
        times: [t_eco, t_swap, t_act_eco, t_act_swap],
        runs,
    })
}

impl fmt::Display for Measured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, lo, hi) = self.act_input;
        let (ulp_eco, ulp_swap, ulp_between) = self.act_ulp;
        writeln!(
            f,
            "  activation on {n} values in [{lo:.2}, {hi:.2}]: max ULP from the f64 result (candle-nn's op in f64): \
             candle-nn {ulp_eco}, candle-rectifiers {ulp_swap}; between them {ulp_between}"
        )?;
        writeln!(
            f,
            "  output {:?}: max |candle-nn - candle-rectifiers| = {:.2e} ({:.1e} of max |y| = {:.2})",
            self.shape,
            self.diff,
            self.diff / self.max_y,
            self.max_y
        )?;
        writeln!(
            f,
            "  f32 rounding: max |candle-nn - f64 reference| = {:.2e}, max |candle-rectifiers - f64 reference| = {:.2e}: the swap {}",
            self.rounding.0,
            self.rounding.1,
            if self.within_rounding() {
                "is within the f32 rounding of candle-nn's block"
            } else {
                "EXCEEDS the f32 rounding of candle-nn's block"
            }
        )?;
        let ms = |t: Duration| t.as_secs_f64() * 1e3;
        let [b_eco, b_swap, a_eco, a_swap] = self.times;
        write!(
            f,
            "  time (min of {} runs): block: candle-nn {:.1} ms, candle-rectifiers {:.1} ms; \
             activation alone: candle-nn {:.2} ms, candle-rectifiers {:.2} ms",
            self.runs,
            ms(b_eco),
            ms(b_swap),
            ms(a_eco),
            ms(a_swap)
        )
    }
}

/// The least wall time of `runs` calls after one warm-up, with the last result.
fn min_time(runs: usize, mut f: impl FnMut() -> Result<Tensor>) -> Result<(Tensor, Duration)> {
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
fn max_abs_diff(a: &Tensor, b: &Tensor) -> Result<f64> {
    let d = (a.to_dtype(DType::F64)? - b.to_dtype(DType::F64)?)?;
    d.abs()?.max_all()?.to_scalar::<f64>()
}

/// The largest number of f32 steps between `a` and `b` (f32 tensors of one shape).
fn max_ulp(a: &Tensor, b: &Tensor) -> Result<u64> {
    // Bits as integers ordered like the floats: +0 and -0 both map to 0.
    let ordered = |x: f32| {
        let i = x.to_bits() as i32 as i64;
        if i < 0 { i32::MIN as i64 - i } else { i }
    };
    let (a, b) = (
        a.flatten_all()?.to_vec1::<f32>()?,
        b.flatten_all()?.to_vec1::<f32>()?,
    );
    Ok(a.iter()
        .zip(&b)
        .map(|(&x, &y)| ordered(x).abs_diff(ordered(y)))
        .max()
        .unwrap_or(0))
}
