//! Timing: a [`Meter`] that a measured call starts and stops around its timed part, and
//! [`interleaved`], which times several calls side by side.
//!
//! A measured call is a closure `FnMut(&mut Meter)`: it prepares its input, calls
//! [`Meter::start`], runs the op and forces its result (device sync included), calls
//! [`Meter::stop`], then drops what it made. The same closure serves the wall clock and the
//! peak-memory probe ([`crate::memory`]), so both measure the same part of the call.
//!
//! Repetitions are interleaved (round `r` runs every variant once), so drift in the machine's
//! state (other processes, frequency, page cache) hits every variant alike; the ratios between
//! variants are what the benchmarks report. [`interleaved_with`] adds a batch timed in another
//! process (PyTorch's variants) to every round.

use std::time::{Duration, Instant};

use crate::memory;

/// One measured call, as the benches and the CLI write it.
pub type Call<'a> = Box<dyn FnMut(&mut Meter) + 'a>;

/// What a [`Meter`] records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Wall-clock time between `start` and `stop`.
    Time,
    /// The growth of the peak resident set between `start` and `stop` (slow: reads `/proc`).
    PeakMemory,
}

/// Started and stopped by a measured call around its timed part.
#[derive(Debug)]
pub struct Meter {
    mode: Mode,
    started: Option<Instant>,
    baseline_kib: Option<u64>,
    /// The time between the last `start` and `stop`.
    pub elapsed: Duration,
    /// In [`Mode::PeakMemory`]: the peak resident set reached between `start` and `stop`
    /// minus the resident set at `start`, in KiB (`None` where `/proc` cannot tell).
    pub peak_kib: Option<u64>,
}

impl Meter {
    /// A meter that records `mode`.
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            started: None,
            baseline_kib: None,
            elapsed: Duration::ZERO,
            peak_kib: None,
        }
    }

    /// Starts the measured part.
    pub fn start(&mut self) {
        if self.mode == Mode::PeakMemory {
            self.baseline_kib = memory::reset_peak();
        }
        self.started = Some(Instant::now());
    }

    /// Ends the measured part.
    ///
    /// # Panics
    ///
    /// If [`Meter::start`] was not called first (a bug in the measured call).
    pub fn stop(&mut self) {
        let started = self.started.take().expect("Meter::stop without start");
        self.elapsed = started.elapsed();
        if self.mode == Mode::PeakMemory {
            self.peak_kib = match (self.baseline_kib, memory::peak_kib()) {
                (Some(base), Some(peak)) => Some(peak.saturating_sub(base)),
                _ => None,
            };
        }
    }
}

/// Runs `call` once and returns the time of its measured part.
pub fn time_once(call: &mut dyn FnMut(&mut Meter)) -> Duration {
    let mut meter = Meter::new(Mode::Time);
    call(&mut meter);
    meter.elapsed
}

/// Runs `call` once and returns the growth of the peak resident set in its measured part, in
/// MiB.
pub fn peak_mib(call: &mut dyn FnMut(&mut Meter)) -> Option<f64> {
    let mut meter = Meter::new(Mode::PeakMemory);
    call(&mut meter);
    meter.peak_kib.map(|k| k as f64 / 1024.0)
}

/// The median and the minimum of a set of times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// The median (the upper one for an even count).
    pub median: Duration,
    /// The fastest.
    pub min: Duration,
}

impl Stats {
    /// The statistics of `times`.
    ///
    /// # Panics
    ///
    /// If `times` is empty.
    pub fn of(times: &[Duration]) -> Self {
        let mut t = times.to_vec();
        t.sort();
        Self {
            median: t[t.len() / 2],
            min: t[0],
        }
    }
}

/// Times each call `reps` times, interleaved, after `warmup` untimed rounds; one [`Stats`] per
/// call, in order. `tick` runs after each round (a progress bar).
pub fn interleaved(
    calls: &mut [Call<'_>],
    warmup: usize,
    reps: usize,
    tick: impl FnMut(),
) -> Vec<Stats> {
    interleaved_with(calls, warmup, reps, || Ok(Vec::new()), tick).0
}

/// [`interleaved`], with a batch timed elsewhere run after the calls in every round (the
/// warm-up rounds too): `others` runs each member once and returns its times (PyTorch's
/// variants, timed in their own process). Returns one [`Stats`] per call, and one per member
/// of the batch, or the batch's first error (it is not run again after one; the calls go on).
pub fn interleaved_with(
    calls: &mut [Call<'_>],
    warmup: usize,
    reps: usize,
    mut others: impl FnMut() -> Result<Vec<Duration>, String>,
    mut tick: impl FnMut(),
) -> (Vec<Stats>, Result<Vec<Stats>, String>) {
    let mut other_times: Result<Vec<Vec<Duration>>, String> = Ok(Vec::new());
    let mut run_others = |record: bool, other_times: &mut Result<Vec<Vec<Duration>>, String>| {
        let Ok(times) = other_times else {
            return;
        };
        match others() {
            Ok(t) if times.is_empty() || t.len() == times.len() => {
                if record {
                    times.resize(t.len(), Vec::with_capacity(reps));
                    for (all, t) in times.iter_mut().zip(t) {
                        all.push(t);
                    }
                }
            }
            Ok(t) => {
                *other_times = Err(format!(
                    "{} times in a round, {} before",
                    t.len(),
                    times.len()
                ))
            }
            Err(e) => *other_times = Err(e),
        }
    };
    for _ in 0..warmup {
        for call in calls.iter_mut() {
            time_once(call);
        }
        run_others(false, &mut other_times);
    }
    let mut times = vec![Vec::with_capacity(reps); calls.len()];
    for _ in 0..reps.max(1) {
        for (call, t) in calls.iter_mut().zip(&mut times) {
            t.push(time_once(call));
        }
        run_others(true, &mut other_times);
        tick();
    }
    let stats = times.iter().map(|t| Stats::of(t)).collect();
    let other_stats = other_times.map(|all| all.iter().map(|t| Stats::of(t)).collect());
    (stats, other_stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_take_the_median_and_the_minimum() {
        let t = [3, 1, 2, 5].map(Duration::from_millis);
        let s = Stats::of(&t);
        assert_eq!(s.median, Duration::from_millis(3));
        assert_eq!(s.min, Duration::from_millis(1));
    }

    #[test]
    fn interleaved_runs_every_call_each_round() {
        let mut counts = [0usize; 2];
        {
            let (a, b) = counts.split_at_mut(1);
            let mut calls: Vec<Call<'_>> = vec![
                Box::new(|m: &mut Meter| {
                    m.start();
                    a[0] += 1;
                    m.stop();
                }),
                Box::new(|m: &mut Meter| {
                    m.start();
                    b[0] += 1;
                    m.stop();
                }),
            ];
            let stats = interleaved(&mut calls, 1, 3, || {});
            assert_eq!(stats.len(), 2);
        }
        assert_eq!(counts, [4, 4]);
    }

    #[test]
    fn the_batch_runs_after_the_calls_in_every_round() {
        let log = std::cell::RefCell::new(Vec::new());
        let mut calls: Vec<Call<'_>> = vec![Box::new(|m: &mut Meter| {
            m.start();
            log.borrow_mut().push("ours");
            m.stop();
        })];
        let mut round = 0u64;
        let (ours, theirs) = interleaved_with(
            &mut calls,
            1,
            3,
            || {
                log.borrow_mut().push("theirs");
                round += 1;
                // Two members; the warm-up round's times (1 and 10 ms) are not recorded.
                Ok(vec![
                    Duration::from_millis(round),
                    Duration::from_millis(10 * round),
                ])
            },
            || log.borrow_mut().push("tick"),
        );
        drop(calls);
        assert_eq!(
            log.into_inner(),
            [
                "ours", "theirs", "ours", "theirs", "tick", "ours", "theirs", "tick", "ours",
                "theirs", "tick"
            ]
        );
        assert_eq!(ours.len(), 1);
        let theirs = theirs.unwrap();
        assert_eq!(theirs[0].min, Duration::from_millis(2));
        assert_eq!(theirs[0].median, Duration::from_millis(3));
        assert_eq!(theirs[1].min, Duration::from_millis(20));
        assert_eq!(theirs[1].median, Duration::from_millis(30));
    }

    #[test]
    fn a_failing_batch_stops_but_the_calls_go_on() {
        let mut ours = 0;
        let mut batches = 0;
        {
            let mut calls: Vec<Call<'_>> = vec![Box::new(|m: &mut Meter| {
                m.start();
                ours += 1;
                m.stop();
            })];
            let (stats, theirs) = interleaved_with(
                &mut calls,
                0,
                4,
                || {
                    batches += 1;
                    if batches == 2 {
                        Err("PyTorch exited".to_owned())
                    } else {
                        Ok(vec![Duration::from_millis(1)])
                    }
                },
                || {},
            );
            assert_eq!(stats.len(), 1);
            assert_eq!(theirs, Err("PyTorch exited".to_owned()));
        }
        assert_eq!((ours, batches), (4, 2));
    }
}
