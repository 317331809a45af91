//! [`DeadUnitTracker`]: the dying-ReLU diagnostic for any layer, in any training loop.

use burn::tensor::{Int, Tensor};
pub use rectifiers_core::diagnostics::DeadUnitReport;
use rectifiers_core::diagnostics::UnitActivity;

/// Counts, per unit of a layer, how often it is active (value above a threshold, 0 by
/// default) over a window of batches: the fraction of active units, the units never active
/// (dead: for ReLU they receive no gradient), and each unit's count.
///
/// Feed it a layer's pre-activation (or post-activation) as `[batch, units]`, once per batch;
/// only the per-unit counts (one small integer tensor) are read back from the device.
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use burn_rectifiers::diagnostics::DeadUnitTracker;
///
/// let device = Device::default();
/// let mut tracker = DeadUnitTracker::new(3);
/// tracker.update(Tensor::<2>::from_floats([[1.0, -1.0, 0.0], [2.0, -3.0, 0.5]], &device));
/// let report = tracker.report();
/// assert_eq!(report.counts, [2, 0, 1]);
/// assert_eq!(report.dead, [1]); // unit 1 was never above 0
/// assert_eq!(report.active_fraction, 0.5); // 3 of 6 values
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

    /// Counts values `> threshold` as active instead (for post-activations of smooth functions,
    /// which are never exactly 0).
    pub fn with_threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Adds one batch, `[batch, units]`.
    ///
    /// # Panics
    ///
    /// If the tensor does not have the tracker's number of units.
    pub fn update(&mut self, values: Tensor<2>) {
        let [rows, units] = values.dims();
        let want = self.activity.units();
        assert_eq!(
            units, want,
            "DeadUnitTracker: expected {want} units, got {units}"
        );
        let active: Tensor<2, Int> = values.greater_elem(self.threshold).int().sum_dim(0);
        let active = active.into_data().convert::<i64>();
        let active = active.as_slice::<i64>().expect("i64 data");
        self.activity.add(active.iter().map(|&a| a as u64), rows);
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
