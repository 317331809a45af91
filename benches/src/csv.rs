//! The CSV shared with `benches/pytorch_baseline.py`: one [`Row`] per measurement, with
//! exactly the columns of [`HEADER`].
//!
//! `gbps = bytes / median_ns` (bytes per nanosecond are GB/s); `bytes` follows the crate docs'
//! formulas; `peak_rss_mib` is empty where not measured. Copy rows have function `copy`,
//! variant `fresh` or `reused`, pass `fwd` and param 0.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// The columns, in order.
pub const HEADER: &str = "source,backend,function,param,variant,pass,dtype,size,threads,median_ns,min_ns,bytes,gbps,peak_rss_mib";

/// The `source` of rows this crate writes.
pub const SOURCE: &str = "rectifiers-bench";

/// One measurement.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Who measured it: [`SOURCE`], or the PyTorch script's name.
    pub source: String,
    /// `ndarray`, `flex`, `candle`, `wgpu`, ..., `torch`.
    pub backend: String,
    /// The function's name, or `copy`.
    pub function: String,
    /// The function's parameter (PReLU: the slope; LSE0+: the dim); NaN where a CSV leaves it
    /// empty.
    pub param: f64,
    /// `fused`, `fused_inplace`, `composed`, `builtin`, `relu`; `fresh`/`reused` for copies.
    pub variant: String,
    /// `fwd` or `fwdbwd`.
    pub pass: String,
    /// `f32`, `f16`, `bf16`.
    pub dtype: String,
    /// Elements of the input.
    pub size: usize,
    /// Threads the framework computes with.
    pub threads: usize,
    /// Median time, ns.
    pub median_ns: u64,
    /// Fastest time, ns.
    pub min_ns: u64,
    /// Bytes one call moves.
    pub bytes: u64,
    /// `bytes / median_ns`.
    pub gbps: f64,
    /// Peak resident-set growth of one call, MiB.
    pub peak_rss_mib: Option<f64>,
}

impl Row {
    /// The row as one CSV line (no newline).
    pub fn to_line(&self) -> String {
        let mut s = String::new();
        let peak = self
            .peak_rss_mib
            .map(|m| format!("{m:.1}"))
            .unwrap_or_default();
        write!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{},{:.3},{}",
            self.source,
            self.backend,
            self.function,
            self.param,
            self.variant,
            self.pass,
            self.dtype,
            self.size,
            self.threads,
            self.median_ns,
            self.min_ns,
            self.bytes,
            self.gbps,
            peak
        )
        .expect("writing to a String");
        s
    }

    /// Parses one CSV line in [`HEADER`]'s order (no quoting: no field contains a comma).
    pub fn from_line(line: &str) -> Option<Row> {
        let f: Vec<&str> = line.trim().split(',').map(str::trim).collect();
        if f.len() != 14 {
            return None;
        }
        Some(Row {
            source: f[0].to_owned(),
            backend: f[1].to_owned(),
            function: f[2].to_owned(),
            // PyTorch's rows leave it empty for functions without a parameter.
            param: f[3].parse().unwrap_or(f64::NAN),
            variant: f[4].to_owned(),
            pass: f[5].to_owned(),
            dtype: f[6].to_owned(),
            size: f[7].parse().ok()?,
            threads: f[8].parse().ok()?,
            median_ns: f[9].parse::<f64>().ok()? as u64,
            min_ns: f[10].parse::<f64>().ok()? as u64,
            bytes: f[11].parse().ok()?,
            gbps: f[12].parse().ok()?,
            peak_rss_mib: f[13].parse().ok(),
        })
    }
}

/// Writes `rows` under [`HEADER`] to `path`.
pub fn write(path: &Path, rows: &[Row]) -> io::Result<()> {
    let mut text = String::from(HEADER);
    text.push('\n');
    for r in rows {
        text.push_str(&r.to_line());
        text.push('\n');
    }
    std::fs::write(path, text)
}

/// Reads the rows of a CSV with [`HEADER`] (lines that do not parse are skipped).
pub fn read(path: &Path) -> io::Result<Vec<Row>> {
    let text = std::fs::read_to_string(path)?;
    let mut lines = text.lines();
    match lines.next() {
        Some(h) if h.trim() == HEADER => {}
        other => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}: expected the header {HEADER:?}, got {other:?}",
                    path.display()
                ),
            ));
        }
    }
    Ok(lines.filter_map(Row::from_line).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_survives_a_round_trip() {
        let row = Row {
            source: SOURCE.into(),
            backend: "flex".into(),
            function: "squareplus".into(),
            param: 4.0,
            variant: "fused".into(),
            pass: "fwdbwd".into(),
            dtype: "f32".into(),
            size: 4096,
            threads: 2,
            median_ns: 12_345,
            min_ns: 12_000,
            bytes: 81_920,
            gbps: 6.636,
            peak_rss_mib: Some(1.5),
        };
        assert_eq!(Row::from_line(&row.to_line()), Some(row.clone()));
        let none = Row {
            peak_rss_mib: None,
            ..row
        };
        assert_eq!(Row::from_line(&none.to_line()), Some(none));
        let torch = "pytorch,pytorch-cpu,relu,,builtin,fwd,f32,4096,2,1473,1402,32768,22.246,";
        let torch = Row::from_line(torch).expect("an empty param parses");
        assert!(torch.param.is_nan());
        assert_eq!(torch.median_ns, 1473);
        assert_eq!(HEADER.split(',').count(), 14);
    }
}
