//! The markdown table of a run: one line per [`Row`], with the ratios computed from the other
//! rows of the same run.
//!
//! - `GB/s = bytes / median` (bytes per the crate docs);
//! - `% of copy BW = GB/s / GB/s of the copy` of the same dtype and size, × 100: the host copy
//!   into a reused buffer, or on a GPU backend that backend's device copy;
//! - `× framework ReLU = median / median of the relu variant`, and
//!   `× composed = median / median of the composed variant`, both of the same backend,
//!   function, pass, dtype and size (below 1 is faster);
//! - `× PyTorch = median / PyTorch's median` for the same function, pass, dtype and size
//!   (below 1: we are faster), the column appearing when PyTorch rows are given (timed in the
//!   same rounds with `--pytorch`, or read from a separate run with `--pytorch-csv`). The
//!   PyTorch row: for the `relu` variant, PyTorch's ReLU on the same case (its `relu`
//!   variant), else its `relu` function's `builtin`; for `fused_inplace`, PyTorch without a
//!   fresh output: `builtin_inplace`, else `builtin_reused` (none: `-`); else the same
//!   variant name (`composed`, `builtin`; copies: `fresh`, `reused`); failing those, its
//!   `builtin` (PyTorch's own op), then its `composed` (functions PyTorch lacks, written in its
//!   tensor ops). PyTorch's own rows have no `× PyTorch`;
//! - `peak MiB`: the peak resident-set growth of one call (see [`crate::memory`]).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::csv::Row;
use crate::format_size;

/// `12.3 µs`, `4.56 ms`, `1.23 s`: three significant digits.
pub fn format_ns(ns: u64) -> String {
    let d = Duration::from_nanos(ns);
    let s = d.as_secs_f64();
    let (v, unit) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else if s >= 1e-6 {
        (s * 1e6, "µs")
    } else {
        (s * 1e9, "ns")
    };
    let decimals = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.decimals$} {unit}")
}

/// The key of a group of rows compared with each other.
type Group<'a> = (&'a str, &'a str, &'a str, &'a str, usize);

fn group(r: &Row) -> Group<'_> {
    (&r.backend, &r.function, &r.pass, &r.dtype, r.size)
}

/// Medians by group and variant, for the ratio columns.
pub struct Ratios<'a> {
    medians: HashMap<(Group<'a>, &'a str), u64>,
    copy_gbps: HashMap<(&'a str, &'a str, usize), f64>,
    torch: HashMap<(&'a str, &'a str, &'a str, usize, &'a str), u64>,
}

impl<'a> Ratios<'a> {
    /// Indexes `rows` (ours, copies included) and `torch` (PyTorch's, may be empty).
    pub fn new(rows: &'a [Row], torch: &'a [Row]) -> Self {
        let mut medians = HashMap::new();
        let mut copy_gbps = HashMap::new();
        for r in rows {
            medians.insert((group(r), r.variant.as_str()), r.median_ns);
            // The host copy into a reused buffer (backend `cpu`), and each GPU backend's own.
            if r.function == "copy" && matches!(r.variant.as_str(), "reused" | "device") {
                copy_gbps.insert((r.backend.as_str(), r.dtype.as_str(), r.size), r.gbps);
            }
        }
        let torch = torch
            .iter()
            .map(|r| {
                (
                    (
                        r.function.as_str(),
                        r.pass.as_str(),
                        r.dtype.as_str(),
                        r.size,
                        r.variant.as_str(),
                    ),
                    r.median_ns,
                )
            })
            .collect();
        Self {
            medians,
            copy_gbps,
            torch,
        }
    }

    fn ratio_to(&self, r: &Row, variant: &str) -> Option<f64> {
        let base = *self.medians.get(&(group(r), variant))?;
        (base > 0).then(|| r.median_ns as f64 / base as f64)
    }

    /// `median / median of the relu variant` of `r`'s group.
    pub fn vs_relu(&self, r: &Row) -> Option<f64> {
        self.ratio_to(r, "relu")
    }

    /// `median / median of the composed variant` of `r`'s group.
    pub fn vs_composed(&self, r: &Row) -> Option<f64> {
        self.ratio_to(r, "composed")
    }

    /// `GB/s / GB/s of the copy`, in percent: the backend's own device copy where there is
    /// one (GPU backends), else the host copy into a reused buffer.
    pub fn of_copy(&self, r: &Row) -> Option<f64> {
        let key = |backend| (backend, r.dtype.as_str(), r.size);
        let copy = *self
            .copy_gbps
            .get(&key(r.backend.as_str()))
            .or_else(|| self.copy_gbps.get(&key("cpu")))?;
        (copy > 0.0).then(|| 100.0 * r.gbps / copy)
    }

    /// `median / PyTorch's median` (see the module docs for which PyTorch row); `None` for
    /// PyTorch's own rows.
    pub fn vs_torch(&self, r: &Row) -> Option<f64> {
        if r.backend == crate::pytorch::BACKEND {
            return None;
        }
        let key = |f, v| (f, r.pass.as_str(), r.dtype.as_str(), r.size, v);
        let f = r.function.as_str();
        let candidates: &[(&str, &str)] = match r.variant.as_str() {
            "relu" => &[(f, "relu"), ("relu", "builtin")],
            "fused_inplace" => &[(f, "builtin_inplace"), (f, "builtin_reused")],
            v => &[(f, v), (f, "builtin"), (f, "composed")],
        };
        let t = candidates
            .iter()
            .find_map(|&(f, v)| self.torch.get(&key(f, v)))?;
        (*t > 0).then(|| r.median_ns as f64 / *t as f64)
    }

    /// Whether any PyTorch row was given.
    pub fn has_torch(&self) -> bool {
        !self.torch.is_empty()
    }
}

fn cell(v: Option<f64>, fmt: impl Fn(f64) -> String) -> String {
    v.map(fmt).unwrap_or_else(|| "-".to_owned())
}

/// The markdown table of `rows`, with the PyTorch column when `torch` is not empty.
pub fn markdown(rows: &[Row], torch: &[Row]) -> String {
    let ratios = Ratios::new(rows, torch);
    let mut out = String::from(
        "| backend | function | variant | pass | dtype | size | median | min | GB/s | % of copy BW | × framework ReLU | × composed |",
    );
    let mut rule = String::from("|---|---|---|---|---|---|---:|---:|---:|---:|---:|---:|");
    if ratios.has_torch() {
        out.push_str(" × PyTorch |");
        rule.push_str("---:|");
    }
    out.push_str(" peak MiB |\n");
    rule.push_str("---:|\n");
    out.push_str(&rule);
    for r in rows {
        let _ = write!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {} | {} | {} |",
            r.backend,
            r.function,
            r.variant,
            r.pass,
            r.dtype,
            format_size(r.size),
            format_ns(r.median_ns),
            format_ns(r.min_ns),
            r.gbps,
            cell(ratios.of_copy(r), |p| format!("{p:.0}%")),
            cell(ratios.vs_relu(r), |x| format!("{x:.2}")),
            cell(ratios.vs_composed(r), |x| format!("{x:.2}")),
        );
        if ratios.has_torch() {
            let _ = write!(
                out,
                " {} |",
                cell(ratios.vs_torch(r), |x| format!("{x:.2}"))
            );
        }
        let _ = writeln!(out, " {} |", cell(r.peak_rss_mib, |m| format!("{m:.1}")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(function: &str, variant: &str, median_ns: u64, gbps: f64) -> Row {
        Row {
            source: "t".into(),
            backend: if function == "copy" { "cpu" } else { "flex" }.into(),
            function: function.into(),
            param: 0.0,
            variant: variant.into(),
            pass: "fwd".into(),
            dtype: "f32".into(),
            size: 4096,
            threads: 2,
            median_ns,
            min_ns: median_ns,
            bytes: 0,
            gbps,
            peak_rss_mib: None,
        }
    }

    #[test]
    fn ratios_divide_within_the_group() {
        let rows = [
            row("copy", "reused", 10, 8.0),
            row("squareplus", "fused", 300, 4.0),
            row("squareplus", "composed", 900, 1.0),
            row("squareplus", "relu", 200, 6.0),
        ];
        let torch = [row("squareplus", "builtin", 600, 2.0)];
        let r = Ratios::new(&rows, &torch);
        assert_eq!(r.vs_relu(&rows[1]), Some(1.5));
        assert_eq!(r.vs_composed(&rows[1]), Some(300.0 / 900.0));
        assert_eq!(r.of_copy(&rows[1]), Some(50.0));
        assert_eq!(r.vs_torch(&rows[1]), Some(0.5));
        let md = markdown(&rows, &torch);
        assert!(md.contains("× PyTorch"));
        assert_eq!(md.lines().count(), 2 + rows.len());
    }

    #[test]
    fn pytorch_rows_pair_with_ours_by_variant() {
        let torch_row = |function: &str, variant: &str, median_ns| Row {
            backend: crate::pytorch::BACKEND.into(),
            ..row(function, variant, median_ns, 1.0)
        };
        let torch = [
            torch_row("silu", "builtin", 400),
            torch_row("silu", "builtin_reused", 500),
            torch_row("silu", "relu", 100),
            torch_row("relu", "builtin", 50),
            torch_row("gelu", "builtin", 800),
        ];
        let ours = [
            row("silu", "fused", 200, 1.0),
            row("silu", "fused_inplace", 250, 1.0),
            row("silu", "relu", 80, 1.0),
            row("gelu", "relu", 100, 1.0),
            row("gelu", "fused_inplace", 100, 1.0),
        ];
        // PyTorch's rows in the same table, as a side-by-side run writes them.
        let all: Vec<Row> = ours.iter().chain(&torch).cloned().collect();
        let r = Ratios::new(&all, &torch);
        assert_eq!(r.vs_torch(&ours[0]), Some(0.5));
        // In place against PyTorch's preallocated output, not its fresh one.
        assert_eq!(r.vs_torch(&ours[1]), Some(0.5));
        // ReLU against PyTorch's ReLU of the same case, else its relu function.
        assert_eq!(r.vs_torch(&ours[2]), Some(0.8));
        assert_eq!(r.vs_torch(&ours[3]), Some(2.0));
        // No in-place or preallocated form of GELU in these rows: no ratio.
        assert_eq!(r.vs_torch(&ours[4]), None);
        // PyTorch's rows: against their own ReLU, not against themselves.
        assert_eq!(r.vs_torch(&torch[0]), None);
        assert_eq!(r.vs_relu(&torch[0]), Some(4.0));
    }

    #[test]
    fn gpu_rows_are_compared_with_their_device_copy() {
        let mut gpu = row("relu", "fused", 100, 2.0);
        gpu.backend = "wgpu".into();
        let mut device_copy = row("copy", "device", 50, 4.0);
        device_copy.backend = "wgpu".into();
        let rows = [row("copy", "reused", 10, 8.0), device_copy, gpu];
        let r = Ratios::new(&rows, &[]);
        assert_eq!(r.of_copy(&rows[2]), Some(50.0));
        // A CPU row still uses the host copy.
        let cpu = row("relu", "fused", 100, 2.0);
        assert_eq!(r.of_copy(&cpu), Some(25.0));
    }

    #[test]
    fn durations_have_three_digits() {
        assert_eq!(format_ns(12_345), "12.3 µs");
        assert_eq!(format_ns(4_560_000), "4.56 ms");
        assert_eq!(format_ns(999), "999 ns");
    }
}
