//! The CSV shared with `benches/pytorch_baseline.py`: one [`Row`] per measurement, with
//! exactly the columns of [`HEADER`], read and written by the `csv` crate.
//!
//! `gbps = bytes / median_ns` (bytes per nanosecond are GB/s); `bytes` follows the crate docs'
//! formulas; `peak_rss_mib` is empty where not measured. Copy rows have function `copy`,
//! variant `fresh` or `reused`, pass `fwd` and param 0.

use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The columns, in order.
pub const HEADER: &str = "source,backend,function,param,variant,pass,dtype,size,threads,median_ns,min_ns,bytes,gbps,peak_rss_mib";

/// The `source` of rows this crate writes.
pub const SOURCE: &str = "rectifiers-bench";

/// One measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Who measured it: [`SOURCE`], or the PyTorch script's name.
    pub source: String,
    /// `ndarray`, `flex`, `candle`, `wgpu`, ..., `torch`.
    pub backend: String,
    /// The function's name, or `copy`.
    pub function: String,
    /// The function's parameter (PReLU: the slope; LSE0+: the dim); NaN where a CSV leaves it
    /// empty (PyTorch's rows, for functions without one).
    #[serde(deserialize_with = "nan_if_empty")]
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
    /// Median time, ns (PyTorch's script may write a fraction; it is truncated).
    #[serde(deserialize_with = "whole_ns")]
    pub median_ns: u64,
    /// Fastest time, ns.
    #[serde(deserialize_with = "whole_ns")]
    pub min_ns: u64,
    /// Bytes one call moves.
    pub bytes: u64,
    /// `bytes / median_ns`, written with 3 decimals.
    #[serde(serialize_with = "three_decimals")]
    pub gbps: f64,
    /// Peak resident-set growth of one call, MiB, written with 1 decimal.
    #[serde(serialize_with = "one_decimal")]
    pub peak_rss_mib: Option<f64>,
}

fn nan_if_empty<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        Ok(f64::NAN)
    } else {
        s.trim().parse().map_err(serde::de::Error::custom)
    }
}

fn whole_ns<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && v >= 0.0 {
        Ok(v as u64)
    } else {
        Err(serde::de::Error::custom(format!(
            "expected a time in ns, got {v}"
        )))
    }
}

fn three_decimals<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{v:.3}"))
}

fn one_decimal<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(&format!("{v:.1}")),
        None => s.serialize_str(""),
    }
}

/// Writes `rows` under [`HEADER`] to `path`.
pub fn write(path: &Path, rows: &[Row]) -> csv::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    for r in rows {
        w.serialize(r)?;
    }
    w.flush()?;
    Ok(())
}

/// Reads the rows of a CSV with [`HEADER`]. A line that does not parse is an error naming it.
pub fn read(path: &Path) -> Result<Vec<Row>, String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let header = r
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .collect::<Vec<_>>()
        .join(",");
    if header != HEADER {
        return Err(format!(
            "{}: expected the header {HEADER:?}, got {header:?}",
            path.display()
        ));
    }
    r.deserialize()
        .collect::<csv::Result<Vec<Row>>>()
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Row {
        Row {
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
        }
    }

    fn temp(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("rectifiers-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn rows_survive_a_round_trip() {
        let rows = vec![
            sample(),
            Row {
                peak_rss_mib: None,
                ..sample()
            },
        ];
        let path = temp("round-trip.csv", "");
        write(&path, &rows).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(HEADER), "{text}");
        assert!(text.contains(",6.636,1.5\n"), "{text}");
        assert_eq!(read(&path).unwrap(), rows);
        assert_eq!(HEADER.split(',').count(), 14);
    }

    #[test]
    fn pytorch_rows_parse() {
        let path = temp(
            "torch.csv",
            &format!(
                "{HEADER}\npytorch,pytorch-cpu,relu,,builtin,fwd,f32,4096,2,1473.6,1402,32768,22.246,\n"
            ),
        );
        let rows = read(&path).unwrap();
        assert!(rows[0].param.is_nan());
        assert_eq!(rows[0].median_ns, 1473);
        assert_eq!(rows[0].peak_rss_mib, None);
    }

    #[test]
    fn a_malformed_line_is_an_error() {
        let path = temp(
            "bad.csv",
            &format!("{HEADER}\npytorch,pytorch-cpu,relu,,builtin,fwd,f32,lots,2,1,1,1,1.0,\n"),
        );
        let e = read(&path).unwrap_err();
        assert!(e.contains("bad.csv"), "{e}");
        let path = temp("header.csv", "a,b\n1,2\n");
        assert!(read(&path).unwrap_err().contains("expected the header"));
    }
}
