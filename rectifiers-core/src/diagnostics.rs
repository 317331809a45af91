//! The bookkeeping of the dead-unit trackers in the framework crates: per-unit activity
//! counts over a window of batches, and the report drawn from them.

/// Per unit of a layer, the number of rows in which it was active, over a window.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitActivity {
    counts: Vec<u64>,
    rows: u64,
}

/// What a window of [`UnitActivity`] shows.
#[derive(Clone, Debug, PartialEq)]
pub struct DeadUnitReport {
    /// Per unit, the number of rows in which it was active.
    pub counts: Vec<u64>,
    /// The units never active over the window (dead).
    pub dead: Vec<usize>,
    /// `dead.len() / units`.
    pub dead_fraction: f64,
    /// Active values over all values seen.
    pub active_fraction: f64,
    /// Rows (samples) seen.
    pub rows: u64,
}

impl UnitActivity {
    /// No rows yet, for `units` units.
    pub fn new(units: usize) -> Self {
        Self {
            counts: vec![0; units],
            rows: 0,
        }
    }

    /// The number of units.
    pub fn units(&self) -> usize {
        self.counts.len()
    }

    /// Adds a batch of `rows` rows in which unit `u` was active `active[u]` times.
    ///
    /// ```
    /// use rectifiers_core::diagnostics::UnitActivity;
    /// let mut a = UnitActivity::new(3);
    /// a.add([2, 0, 1], 2);
    /// let r = a.report();
    /// assert_eq!((r.dead, r.active_fraction), (vec![1], 0.5));
    /// ```
    pub fn add(&mut self, active: impl IntoIterator<Item = u64>, rows: usize) {
        for (c, a) in self.counts.iter_mut().zip(active) {
            *c += a;
        }
        self.rows += rows as u64;
    }

    /// The report over the window.
    pub fn report(&self) -> DeadUnitReport {
        let dead: Vec<usize> = (0..self.counts.len())
            .filter(|&u| self.counts[u] == 0)
            .collect();
        let units = self.counts.len().max(1) as f64;
        let values = (self.rows as f64 * self.counts.len() as f64).max(1.0);
        DeadUnitReport {
            dead_fraction: dead.len() as f64 / units,
            active_fraction: self.counts.iter().sum::<u64>() as f64 / values,
            counts: self.counts.clone(),
            dead,
            rows: self.rows,
        }
    }

    /// Starts a new window.
    pub fn reset(&mut self) {
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.rows = 0;
    }
}
