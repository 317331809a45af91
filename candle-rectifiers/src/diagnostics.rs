//! [`DeadUnitTracker`]: the dying-ReLU diagnostic for any layer, in any training loop.

use candle_core::{DType, Result, Tensor};
pub use rectifiers_core::diagnostics::DeadUnitReport;
use rectifiers_core::diagnostics::UnitActivity;

/// Counts, per unit of a layer, how often it is active (value above a threshold, 0 by default)
/// over a window of batches: the fraction of active units, the units never active (dead: for
/// ReLU they receive no gradient), and each unit's count.
///
/// Feed it a layer's pre-activation (or post-activation) as `[batch, units]`, once per batch;
/// only the per-unit counts are copied from the device.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use candle_rectifiers::diagnostics::DeadUnitTracker;
///
/// let mut tracker = DeadUnitTracker::new(3);
/// let xs = Tensor::new(&[[1.0f32, -1.0, 0.0], [2.0, -3.0, 0.5]], &Device::Cpu)?;
/// tracker.update(&xs)?;
/// let report = tracker.report();
/// assert_eq!(report.counts, [2, 0, 1]);
/// assert_eq!(report.dead, [1]);
/// assert_eq!(report.active_fraction, 0.5);
/// # Ok::<(), candle_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct DeadUnitTracker {
    threshold: f64,
    activity: UnitActivity,
}

impl DeadUnitTracker {
    /// A tracker for a layer of `units` units, counting values `> 0` as active.
    pub fn new(units: usize) -> Self {
        Self {
            threshold: 0.0,
            activity: UnitActivity::new(units),
        }
    }

    /// Counts values `> threshold` as active instead.
    pub fn with_threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Adds one batch, `[batch, units]`; an error if the shape does not match.
    pub fn update(&mut self, xs: &Tensor) -> Result<()> {
        let (rows, units) = xs.dims2()?;
        let want = self.activity.units();
        if units != want {
            candle_core::bail!("DeadUnitTracker: expected {want} units, got {units}");
        }
        let active = xs
            .gt(self.threshold)?
            .to_dtype(DType::U32)?
            .sum(0)?
            .to_vec1::<u32>()?;
        self.activity.add(active.into_iter().map(u64::from), rows);
        Ok(())
    }

    /// The report over every batch since the tracker was made or [`reset`](Self::reset).
    pub fn report(&self) -> DeadUnitReport {
        self.activity.report()
    }

    /// Starts a new window.
    pub fn reset(&mut self) {
        self.activity.reset();
    }
}
